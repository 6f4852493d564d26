package dev.refract.api;

import static org.hamcrest.Matchers.equalTo;

import dev.refract.support.Api;
import dev.refract.support.PostgresResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
class SyncTest {

    @Test
    void syncAsksThePspAndAppliesItsAnswer() {
        Api.TestMerchant m = Api.newMerchant();
        String id = Api.refundId();
        m.create(Api.body(
                        id,
                        Api.payment(1_000, "USD"),
                        100L,
                        "USD",
                        "\"connector_options\":{\"sandbox_outcome\":\"pending\",\"sandbox_settle_ms\":0}"))
                .then()
                .statusCode(200)
                .body("status", equalTo("PENDING"));
        m.sync(id)
                .then()
                .statusCode(200)
                .body("status", equalTo("SUCCEEDED"))
                .body("connector_status", equalTo("succeeded"))
                .body("status_code", equalTo(200));
        // a final refund can be synced again; the sandbox never reverses, so nothing changes
        m.sync(id).then().statusCode(200).body("status", equalTo("SUCCEEDED"));
    }

    @Test
    void syncBeforeSettlementKeepsThePendingRefundPending() {
        Api.TestMerchant m = Api.newMerchant();
        String id = Api.refundId();
        m.create(Api.body(
                        id,
                        Api.payment(1_000, "USD"),
                        100L,
                        "USD",
                        "\"connector_options\":{\"sandbox_outcome\":\"pending\",\"sandbox_settle_ms\":600000}"))
                .then()
                .statusCode(200);
        m.sync(id).then().statusCode(200).body("status", equalTo("PENDING"));
    }

    @Test
    void cancelIsRefusedForTheSandbox() {
        Api.TestMerchant m = Api.newMerchant();
        String id = Api.refundId();
        m.create(Api.body(id, Api.payment(1_000, "USD"), 100L, "USD", null))
                .then()
                .statusCode(200);
        m.request()
                .post("/v1/refunds/" + id + "/cancel")
                .then()
                .statusCode(409)
                .body("error.code", equalTo("not_cancellable"));
    }
}
