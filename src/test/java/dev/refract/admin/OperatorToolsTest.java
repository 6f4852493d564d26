package dev.refract.admin;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.refract.support.Api;
import dev.refract.support.Db;
import dev.refract.support.PostgresResource;
import dev.refract.support.Workers;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
class OperatorToolsTest {

    @Test
    void anOperatorSettlesAManualReviewRefundWithAReason() {
        Api.TestMerchant m = Api.newMerchant();
        String payment = Api.payment(10_000, "USD");
        String id = Workers.refundInManualReview(m, payment);

        Api.admin()
                .get("/admin/v1/refunds/stuck")
                .then()
                .statusCode(200)
                .body("refund.merchant_refund_id", hasItem(id));
        Api.admin()
                .body("{\"status\":\"SUCCEEDED\",\"reason\":\"confirmed in the PSP dashboard, ticket OPS-7\"}")
                .post("/admin/v1/merchants/" + m.id() + "/refunds/" + id + "/resolve")
                .then()
                .statusCode(200)
                .body("status", equalTo("SUCCEEDED"))
                .body("error", equalTo(null));
        m.get(id).then().body("status", equalTo("SUCCEEDED"));
        Db.assertLedgerConsistent(m.id(), payment);
        assertEquals(
                "operator: confirmed in the PSP dashboard, ticket OPS-7",
                Db.one(
                                "select e.detail from refund_events e "
                                        + "join refunds r on r.id = e.refund_id where r.merchant_id = ? and e.cause = 'OPERATOR'",
                                m.id())
                        .get("detail"));

        Api.admin()
                .body("{\"status\":\"FAILED\",\"reason\":\"again\"}")
                .post("/admin/v1/merchants/" + m.id() + "/refunds/" + id + "/resolve")
                .then()
                .statusCode(409)
                .body("error.code", equalTo("not_resolvable"));
    }

    @Test
    void resolvingAsFailedReleasesTheAmount() {
        Api.TestMerchant m = Api.newMerchant();
        String payment = Api.payment(1_000, "USD");
        String id = Workers.refundInManualReview(m, payment);
        Api.admin()
                .body("{\"status\":\"FAILED\",\"reason\":\"the PSP has no trace of it\"}")
                .post("/admin/v1/merchants/" + m.id() + "/refunds/" + id + "/resolve")
                .then()
                .statusCode(200)
                .body("status", equalTo("FAILED"))
                .body("error.code", equalTo("resolved_as_failed"));
        Db.assertLedgerConsistent(m.id(), payment);
        m.create(Api.body(Api.refundId(), payment, 1_000L, "USD", null)).then().statusCode(200);
    }

    @Test
    void resolveRefusesWhatItCannotDo() {
        Api.TestMerchant m = Api.newMerchant();
        String id = Api.refundId();
        m.create(Api.body(id, Api.payment(1_000, "USD"), 100L, "USD", null))
                .then()
                .statusCode(200);
        String path = "/admin/v1/merchants/" + m.id() + "/refunds/" + id + "/resolve";
        Api.admin()
                .body("{\"status\":\"FAILED\",\"reason\":\"x\"}")
                .post(path)
                .then()
                .statusCode(409);
        Api.admin()
                .body("{\"status\":\"PENDING\",\"reason\":\"x\"}")
                .post(path)
                .then()
                .statusCode(400)
                .body("error.param", equalTo("status"));
        Api.admin()
                .body("{\"status\":\"FAILED\"}")
                .post(path)
                .then()
                .statusCode(400)
                .body("error.param", equalTo("reason"));
        m.request()
                .body("{\"status\":\"FAILED\",\"reason\":\"x\"}")
                .post(path)
                .then()
                .statusCode(401);
        Api.admin()
                .body("{\"status\":\"FAILED\",\"reason\":\"x\"}")
                .post("/admin/v1/merchants/" + m.id() + "/refunds/nope/resolve")
                .then()
                .statusCode(404);
    }

    @Test
    void connectorsShowTheirBreakers() {
        Api.admin()
                .get("/admin/v1/connectors")
                .then()
                .statusCode(200)
                .body("find { it.connector == 'stripe' }.circuit_breaker", equalTo("CLOSED"))
                .body("find { it.connector == 'sandbox' }.circuit_breaker", equalTo("NONE"));
        Api.newMerchant().request().get("/admin/v1/connectors").then().statusCode(401);
    }
}
