package dev.refract.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;

/**
 * The packaged service the suite runs against (sdk/test-against-service.sh starts it): its URL and admin token
 * from REFRACT_BASE_URL and REFRACT_ADMIN_TOKEN. Without them the service tests are skipped, unless
 * REFRACT_SDK_REQUIRE_SERVICE=1 (CI), where they fail.
 */
final class Service {

    static final String BASE_URL = System.getenv("REFRACT_BASE_URL");
    private static final String ADMIN_TOKEN = System.getenv("REFRACT_ADMIN_TOKEN");
    private static final HttpClient HTTP =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    /** A merchant of this test run, with its API key (created through the admin API). */
    record Merchant(String id, String apiKey) {}

    private Service() {}

    static void require() {
        boolean present = BASE_URL != null && ADMIN_TOKEN != null;
        if (!present && "1".equals(System.getenv("REFRACT_SDK_REQUIRE_SERVICE"))) {
            fail("REFRACT_BASE_URL and REFRACT_ADMIN_TOKEN are required (sdk/test-against-service.sh sets them)");
        }
        assumeTrue(present, "no service: run sdk/test-against-service.sh");
    }

    static Merchant newMerchant() {
        String id = "m_java_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        JsonNode created =
                admin("POST", "/admin/v1/merchants", "{\"merchant_id\":\"" + id + "\",\"name\":\"Java SDK\"}");
        return new Merchant(id, created.get("api_key").asText());
    }

    static void setWebhook(String merchantId, String url, String secret) {
        admin(
                "PUT",
                "/admin/v1/merchants/" + merchantId,
                "{\"webhook_url\":\"" + url + "\",\"webhook_secret\":\"" + secret + "\"}");
    }

    static RefractClient client(String apiKey) {
        return client(apiKey, BASE_URL, RetryPolicy.DEFAULT);
    }

    static RefractClient client(String apiKey, String baseUrl, RetryPolicy retries) {
        return RefractClient.builder()
                .apiKey(apiKey)
                .baseUrl(baseUrl)
                .retries(retries)
                .timeout(Duration.ofSeconds(20))
                .build();
    }

    private static JsonNode admin(String method, String path, String body) {
        try {
            HttpResponse<String> response = HTTP.send(
                    HttpRequest.newBuilder(URI.create(BASE_URL + path))
                            .header("Authorization", "Bearer " + ADMIN_TOKEN)
                            .header("Content-Type", "application/json")
                            .method(method, HttpRequest.BodyPublishers.ofString(body))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(
                    method.equals("POST") ? 201 : 200,
                    response.statusCode(),
                    () -> method + " " + path + ": " + response.body());
            return Json.MAPPER.readTree(response.body());
        } catch (Exception e) {
            throw new AssertionError(method + " " + path + " failed", e);
        }
    }
}
