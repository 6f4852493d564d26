package dev.refract.security;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.refract.support.Api;
import dev.refract.support.PostgresResource;
import dev.refract.support.Secrets;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.hamcrest.Matchers;
import org.junit.jupiter.api.Test;

/**
 * Secrets never reach a log line: API keys (made, rolled, revoked, expired, read-only), PSP credentials, webhook
 * secrets current and replaced, notification secrets, the admin token. This test uses some
 * (including in failing requests, where a careless log would print them), then searches the log file of the whole
 * test JVM, which holds every test class that ran before it too, for those, for the fixed secrets of the other
 * tests and for anything shaped like a merchant API key. The instances the integration tests start are searched
 * the same way when they stop ({@link dev.refract.support.AppInstance}).
 */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
class NoSecretsInLogsTest {

    @Test
    void noSecretAppearsInAnyLogLine() throws Exception {
        Api.TestMerchant m = Api.newMerchant();
        String pspKey = "sk_test_LOGCANARY_7f3a9c";
        String hookSecret = "whsec_LOGCANARY_51d2e8";
        Api.admin()
                .body("{\"credentials\":{\"api_key\":\"" + pspKey + "\"},\"webhook_secret\":\"" + hookSecret + "\"}")
                .put("/admin/v1/merchants/" + m.id() + "/connectors/stripe")
                .then()
                .statusCode(200);
        // failures that a careless implementation would log with their inputs
        RestAssured.given()
                .header("Authorization", "Bearer rk_LOGCANARY_wrongkey")
                .get("/v1/refunds")
                .then()
                .statusCode(401);
        RestAssured.given()
                .header("Authorization", "Bearer admin_LOGCANARY_wrong")
                .get("/admin/v1/merchants/" + m.id())
                .then()
                .statusCode(401);
        RestAssured.given()
                .body("{\"id\":\"evt_1\",\"type\":\"refund.updated\"}")
                .header("Stripe-Signature", "t=1,v1=" + "ab".repeat(32))
                .post("/webhooks/" + m.id() + "/stripe")
                .then()
                .statusCode(401);
        // a real PSP call with the credentials: the stand-in has no stub for it, and its plain 404 is not Stripe's own
        // answer, so nothing is learned and the refund stays PENDING (with a log line about the answer)
        m.create(Api.body(
                        Api.refundId(),
                        "pi_LOGCANARY",
                        100L,
                        "USD",
                        "\"payment_amount\":{\"minor_amount\":1000,\"currency\":\"USD\"}"))
                .then()
                .statusCode(200)
                .body("status", Matchers.equalTo("PENDING"));

        // API keys: made, rolled, revoked, expired, and a read-only one refused a write; a PSP webhook secret and a
        // notification secret replaced, so that the previous ones are handled too
        String keys = "/admin/v1/merchants/" + m.id() + "/api-keys";
        var reader = Api.admin()
                .body("{\"name\":\"LOGCANARY reader\",\"mode\":\"read_only\"}")
                .post(keys)
                .then()
                .statusCode(201)
                .extract();
        String readOnlyKey = reader.path("api_key");
        var full = Api.admin()
                .body("{\"name\":\"LOGCANARY full\",\"mode\":\"full\"}")
                .post(keys)
                .then()
                .statusCode(201)
                .extract();
        String rolledKey = full.path("api_key");
        String successorKey = Api.admin()
                .body("{\"expires_in_seconds\":0}")
                .post(keys + "/" + full.path("id") + "/roll")
                .then()
                .statusCode(201)
                .extract()
                .path("api_key");
        Api.admin().delete(keys + "/" + reader.path("id")).then().statusCode(200);
        new Api.TestMerchant(m.id(), readOnlyKey)
                .request()
                .get("/v1/refunds")
                .then()
                .statusCode(401);
        new Api.TestMerchant(m.id(), rolledKey)
                .request()
                .get("/v1/refunds")
                .then()
                .statusCode(401);
        String otherReader = Api.admin()
                .body("{\"name\":\"LOGCANARY second reader\",\"mode\":\"read_only\"}")
                .post(keys)
                .then()
                .statusCode(201)
                .extract()
                .path("api_key");
        new Api.TestMerchant(m.id(), otherReader)
                .create(Api.body(Api.refundId(), "pi_LOGCANARY", 100L, "USD", null))
                .then()
                .statusCode(403);
        String hookSecretNext = "whsec_LOGCANARY_next_93c1";
        Api.admin()
                .body("{\"credentials\":{\"api_key\":\"" + pspKey + "\"},\"webhook_secret\":\"" + hookSecretNext
                        + "\"}")
                .put("/admin/v1/merchants/" + m.id() + "/connectors/stripe")
                .then()
                .statusCode(200);
        String notifySecret = "whsec_LOGCANARY_notify_1";
        String notifySecretNext = "whsec_LOGCANARY_notify_2";
        for (String secret : List.of(notifySecret, notifySecretNext)) {
            Api.admin()
                    .body("{\"webhook_url\":\"https://merchant.example/hooks\",\"webhook_secret\":\"" + secret + "\"}")
                    .put("/admin/v1/merchants/" + m.id())
                    .then()
                    .statusCode(200);
        }

        Path log = Path.of("target", "refract-test.log");
        assertTrue(Files.exists(log), "the test profile writes a log file");
        String text = Files.readString(log);
        assertTrue(text.contains("refused a stripe webhook"), "the log did record the refused webhook");
        // the test profile's admin token is short: the start says so, without the token
        assertTrue(text.contains("the admin token (REFRACT_ADMIN_TOKEN) is shorter than 32 characters"), text);
        Secrets.assertNoneIn(
                text,
                "the test log",
                List.of(
                        m.apiKey(),
                        pspKey,
                        hookSecret,
                        Api.ADMIN_TOKEN,
                        "rk_LOGCANARY_wrongkey",
                        "admin_LOGCANARY_wrong",
                        readOnlyKey,
                        rolledKey,
                        successorKey,
                        otherReader,
                        hookSecretNext,
                        notifySecret,
                        notifySecretNext));
        // the refusals were logged, by the key's id
        assertTrue(
                text.contains(
                        "with API key " + reader.path("id") + " of merchant " + m.id() + ": the API key was revoked"),
                text);
        assertTrue(
                text.contains("with API key " + full.path("id") + " of merchant " + m.id() + ": the API key expired"),
                text);
        assertTrue(text.contains("this API key is read-only"), text);
    }
}
