package dev.refract.security;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.refract.support.Api;
import dev.refract.support.PostgresResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Walks the published OpenAPI document and sends every operation of the merchant and admin APIs without a
 * credential, with a malformed one, with a wrong one, and with the other API's credential: each must be refused
 * with 401 in the error shape, with a Bearer challenge, before it does anything. An endpoint added without its
 * check fails here, whoever forgets it. The PSP webhooks are verified by signature instead (their own tests).
 */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
public class EveryOperationAuthenticatesTest {

    static final Set<String> METHODS = Set.of("get", "post", "put", "patch", "delete");

    public record Operation(String method, String path) {}

    public static List<Operation> operations() throws Exception {
        JsonNode doc = new ObjectMapper()
                .readTree(given().queryParam("format", "json").get("/q/openapi").asString());
        List<Operation> operations = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> paths = doc.path("paths").fields(); paths.hasNext(); ) {
            Map.Entry<String, JsonNode> path = paths.next();
            for (Iterator<String> methods = path.getValue().fieldNames(); methods.hasNext(); ) {
                String method = methods.next();
                if (METHODS.contains(method)) {
                    operations.add(new Operation(method, path.getKey()));
                }
            }
        }
        return operations;
    }

    /** The path with each template parameter filled by a plausible value. */
    static String concrete(String template) {
        return template.replaceAll("\\{connector}", "stripe").replaceAll("\\{[^}]+}", "any_id_1");
    }

    public static Response send(Operation op, String authorization) {
        RequestSpecification request = given().contentType("application/json");
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        if (!op.method().equals("get") && !op.method().equals("delete")) {
            request.body("{}");
        }
        return request.request(op.method().toUpperCase(Locale.ROOT), concrete(op.path()));
    }

    @Test
    void everyMerchantAndAdminOperationRefusesAMissingOrWrongCredential() throws Exception {
        Api.TestMerchant merchant = Api.newMerchant();
        List<Operation> operations = operations();
        List<Operation> merchantOps =
                operations.stream().filter(o -> o.path().startsWith("/v1/")).toList();
        List<Operation> adminOps =
                operations.stream().filter(o -> o.path().startsWith("/admin/")).toList();
        assertTrue(merchantOps.size() >= 5, "the merchant API is in the document: " + operations);
        assertTrue(adminOps.size() >= 6, "the admin API is in the document: " + operations);
        List<Operation> others = operations.stream()
                .filter(o -> !o.path().startsWith("/v1/")
                        && !o.path().startsWith("/admin/")
                        && !o.path().startsWith("/webhooks/"))
                .toList();
        assertEquals(List.of(), others, "every published operation is the merchant's, the operator's or a PSP's");

        List<String> wrong = List.of("Bearer rk_not_a_key_of_anyone", "Basic dXNlcjpwYXNz", "Bearer ", "rk_no_scheme");
        for (Operation op : merchantOps) {
            assertRefused(op, null);
            wrong.forEach(credential -> assertRefused(op, credential));
            assertRefused(op, "Bearer " + Api.ADMIN_TOKEN); // the operator's token is no merchant key
        }
        for (Operation op : adminOps) {
            assertRefused(op, null);
            wrong.forEach(credential -> assertRefused(op, credential));
            assertRefused(op, "Bearer " + merchant.apiKey()); // a merchant's key opens no admin operation
        }
    }

    static void assertRefused(Operation op, String authorization) {
        Response response = send(op, authorization);
        String what = op.method().toUpperCase(Locale.ROOT) + " " + op.path() + " with "
                + (authorization == null ? "no credential" : "'" + authorization + "'");
        assertEquals(401, response.statusCode(), what + ": " + response.asString());
        assertEquals("authentication_error", response.jsonPath().getString("error.type"), what);
        assertEquals("authentication_required", response.jsonPath().getString("error.code"), what);
        assertEquals("Bearer realm=\"refract\"", response.header("WWW-Authenticate"), what);
    }
}
