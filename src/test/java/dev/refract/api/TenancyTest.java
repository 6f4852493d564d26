package dev.refract.api;

import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;

import dev.refract.support.Api;
import dev.refract.support.PostgresResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

/** Another merchant's refund is answered exactly as one that does not exist. */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
class TenancyTest {

    @Test
    void anotherMerchantsRefundIsNotFoundEverywhere() {
        Api.TestMerchant owner = Api.newMerchant();
        Api.TestMerchant other = Api.newMerchant();
        String id = Api.refundId();
        String payment = Api.payment(10_000, "USD");
        owner.create(Api.body(id, payment, 100L, "USD", null)).then().statusCode(200);

        String missing = Api.refundId();
        for (String refund : new String[] {id, missing}) {
            other.get(refund).then().statusCode(404).body("error.code", equalTo("refund_not_found"));
            other.sync(refund).then().statusCode(404).body("error.code", equalTo("refund_not_found"));
            other.request()
                    .post("/v1/refunds/" + refund + "/cancel")
                    .then()
                    .statusCode(404)
                    .body("error.code", equalTo("refund_not_found"));
        }
        other.request()
                .queryParam("connector_transaction_id", payment)
                .get("/v1/refunds")
                .then()
                .statusCode(200)
                .body("data", empty());
        other.request().get("/v1/refunds").then().statusCode(200).body("data", empty());
        owner.get(id).then().statusCode(200).body("merchant_refund_id", equalTo(id));
    }

    @Test
    void theSameMerchantRefundIdIsIndependentPerMerchant() {
        Api.TestMerchant a = Api.newMerchant();
        Api.TestMerchant b = Api.newMerchant();
        String id = "shared_reference_1";
        a.create(Api.body(id, Api.payment(1_000, "USD"), 100L, "USD", null))
                .then()
                .statusCode(200)
                .header(RefundResource.REPLAYED, (String) null);
        b.create(Api.body(id, Api.payment(1_000, "EUR"), 200L, "EUR", null))
                .then()
                .statusCode(200)
                .header(RefundResource.REPLAYED, (String) null)
                .body("amount.currency", equalTo("EUR"));
        a.get(id).then().body("amount.currency", equalTo("USD"));
    }

    @Test
    void merchantKeysCannotUseTheAdminApi() {
        Api.TestMerchant m = Api.newMerchant();
        m.request()
                .get("/admin/v1/merchants/" + m.id())
                .then()
                .statusCode(401)
                .body("error.code", equalTo("authentication_required"));
        m.request()
                .body("{\"merchant_id\":\"m_sneaky\",\"name\":\"x\"}")
                .post("/admin/v1/merchants")
                .then()
                .statusCode(401);
    }
}
