package dev.refract.security;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import dev.refract.support.PostgresResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** With its database out of reach, Refract reports not-ready and refuses work with 503 instead of accepting it. */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
@TestProfile(DatabaseDownTest.NoDatabase.class)
class DatabaseDownTest {

    public static class NoDatabase implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            int closed;
            try (ServerSocket s = new ServerSocket(0)) {
                closed = s.getLocalPort();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            return Map.of(
                    "quarkus.datasource.reactive.url",
                    "postgresql://127.0.0.1:" + closed + "/postgres",
                    "quarkus.datasource.jdbc.url",
                    "jdbc:postgresql://127.0.0.1:" + closed + "/postgres",
                    "quarkus.flyway.migrate-at-start",
                    "false",
                    "quarkus.hibernate-orm.database.version-check.enabled",
                    "false");
        }
    }

    @Test
    void notReadyAnd503ForNewWork() {
        given().get("/q/health/live").then().statusCode(200);
        given().get("/q/health/ready").then().statusCode(503).body("status", equalTo("DOWN"));
        given().header("Authorization", "Bearer rk_any")
                .contentType("application/json")
                .body("{\"merchant_refund_id\":\"r1\",\"connector_transaction_id\":\"sbx_100_USD\"}")
                .post("/v1/refunds")
                .then()
                .statusCode(503)
                .header("Retry-After", equalTo("5"))
                .body("error.code", equalTo("service_unavailable"));
        given().header("Authorization", "Bearer test-admin-token")
                .contentType("application/json")
                .body("{\"merchant_id\":\"m_x\",\"name\":\"x\"}")
                .post("/admin/v1/merchants")
                .then()
                .statusCode(503)
                .body("error.code", equalTo("service_unavailable"));
    }

    /** Nothing can be verified without the merchant's secret: the PSP is told to deliver again, never that all is well. */
    @Test
    void webhooksAre503SoThePspDeliversThemAgain() {
        for (String connector : new String[] {"stripe", "adyen"}) {
            given().contentType("application/json")
                    .header("Stripe-Signature", "t=1,v1=00")
                    .body("{\"id\":\"evt_1\",\"type\":\"refund.updated\",\"notificationItems\":[]}")
                    .post("/webhooks/m_any/" + connector)
                    .then()
                    .statusCode(503)
                    .header("Retry-After", equalTo("5"))
                    .body("error.code", equalTo("service_unavailable"));
        }
    }
}
