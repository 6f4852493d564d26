package dev.refract.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import dev.refract.support.Api;
import dev.refract.support.PostgresResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.hamcrest.Matchers;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
class OperationsTest {

    /**
     * Readiness asks the database only through the reactive pool a replica serves with. Agroal's JDBC check is off: it
     * would open a JDBC connection that only the migrate command needs, and keep it for the replica's life.
     */
    @Test
    void livenessAndReadinessAreUpAndReadinessAsksOnlyTheServingPool() {
        given().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
        given().get("/q/health/ready")
                .then()
                .statusCode(200)
                .body("status", equalTo("UP"))
                .body(
                        "checks.name",
                        Matchers.containsInAnyOrder(
                                "Reactive PostgreSQL connections health check",
                                "Database takes writes",
                                "Database schema",
                                "PSP circuit breakers"));
    }

    @Test
    void metricsAreExposedForPrometheus() {
        Api.TestMerchant m = Api.newMerchant();
        m.create(Api.body(Api.refundId(), Api.payment(1_000, "USD"), 100L, "USD", null))
                .then()
                .statusCode(200);
        given().get("/q/metrics")
                .then()
                .statusCode(200)
                .body(containsString("http_server_requests_seconds_count"))
                .body(containsString("refract_refunds_created_total"));
    }

    @Test
    void everyAnswerCarriesARequestIdAndAGivenOneIsKept() {
        given().get("/q/health/live").then().header("X-Request-Id", Matchers.startsWith("req_"));
        Api.newMerchant()
                .request()
                .header("X-Request-Id", "support-ticket-42")
                .get("/v1/refunds")
                .then()
                .statusCode(200)
                .header("X-Request-Id", equalTo("support-ticket-42"));
        Api.newMerchant()
                .request()
                .header("X-Request-Id", "bad id\twith tab")
                .get("/v1/refunds")
                .then()
                .header("X-Request-Id", Matchers.startsWith("req_"));
    }

    @Test
    void openApiDescribesTheContract() {
        given().queryParam("format", "json")
                .get("/q/openapi")
                .then()
                .statusCode(200)
                .body(containsString("/v1/refunds"))
                .body(containsString("/v1/refunds/{merchant_refund_id}/sync"))
                .body(containsString("/admin/v1/merchants"))
                .body(containsString("merchant_refund_id"));
    }
}
