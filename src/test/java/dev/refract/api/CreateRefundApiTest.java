package dev.refract.api;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.refract.support.Api;
import dev.refract.support.Db;
import dev.refract.support.PostgresResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every row of the status table of {@code POST /v1/refunds} in API.md. */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
class CreateRefundApiTest {

    Api.TestMerchant merchant;

    @BeforeEach
    void newMerchant() {
        merchant = Api.newMerchant();
    }

    @Test
    void acceptedRefundIsAnsweredWithTheFullRefundShape() {
        String id = Api.refundId();
        String payment = Api.payment(10_000, "USD");
        merchant.create("{\"merchant_refund_id\":\"" + id + "\",\"connector_transaction_id\":\"" + payment + "\","
                        + "\"amount\":{\"minor_amount\":1000,\"currency\":\"USD\"},\"reason\":\"Customer returned item\","
                        + "\"metadata\":{\"order\":\"o-42\"}}")
                .then()
                .statusCode(200)
                .header(RefundResource.REPLAYED, nullValue())
                .body("merchant_refund_id", equalTo(id))
                .body("connector", equalTo("sandbox"))
                .body("connector_transaction_id", equalTo(payment))
                .body("connector_refund_id", startsWith("sbxre_"))
                .body("status", equalTo("SUCCEEDED"))
                .body("connector_status", equalTo("succeeded"))
                .body("amount.minor_amount", equalTo(1000))
                .body("amount.currency", equalTo("USD"))
                .body("reason", equalTo("Customer returned item"))
                .body("metadata.order", equalTo("o-42"))
                .body("error", nullValue())
                .body("connector_details", notNullValue())
                .body("status_code", equalTo(200))
                .body("created_at", notNullValue())
                .body("updated_at", notNullValue());
    }

    @Test
    void pendingRefundIsAcceptedWith200() {
        merchant.create(Api.body(
                        Api.refundId(),
                        Api.payment(5_000, "EUR"),
                        100L,
                        "EUR",
                        "\"connector_options\":{\"sandbox_outcome\":\"pending\",\"sandbox_settle_ms\":60000}"))
                .then()
                .statusCode(200)
                .body("status", equalTo("PENDING"))
                .body("connector_status", equalTo("pending"))
                .body("status_code", equalTo(200));
    }

    @Test
    void replayReturnsTheStoredRefundWithTheReplayHeader() {
        String body = Api.body(Api.refundId(), Api.payment(10_000, "USD"), 700L, "USD", null);
        String first = merchant.create(body).then().statusCode(200).extract().path("connector_refund_id");
        merchant.create(body)
                .then()
                .statusCode(200)
                .header(RefundResource.REPLAYED, equalTo("true"))
                .body("connector_refund_id", equalTo(first))
                .body("status", equalTo("SUCCEEDED"));
    }

    @ParameterizedTest(name = "400 {1} for {0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "{not json                                                                        | invalid_request  |",
                "[]                                                                               | invalid_request  |",
                "{\"connector_transaction_id\":\"sbx_100_USD\"}                                    | invalid_request  | merchant_refund_id",
                "{\"merchant_refund_id\":\"r1\"}                                                   | invalid_request  | connector_transaction_id",
                "{\"merchant_refund_id\":\"r 1\",\"connector_transaction_id\":\"sbx_100_USD\"}     | invalid_request  | merchant_refund_id",
                "{\"merchant_refund_id\":\"r1\",\"connector_transaction_id\":\"sbx_100_USD\",\"ammount\":1} | invalid_request | ammount",
                "{\"merchant_refund_id\":\"r1\",\"connector_transaction_id\":\"sbx_100_USD\",\"amount\":{\"minor_amount\":10,\"currency\":\"usd\"}} | invalid_currency | amount.currency",
                "{\"merchant_refund_id\":\"r1\",\"connector_transaction_id\":\"sbx_100_USD\",\"amount\":{\"minor_amount\":10,\"currency\":\"XYZ\"}} | invalid_currency | amount.currency",
                "{\"merchant_refund_id\":\"r1\",\"connector_transaction_id\":\"sbx_100_USD\",\"amount\":{\"minor_amount\":0,\"currency\":\"USD\"}} | invalid_amount | amount.minor_amount",
                "{\"merchant_refund_id\":\"r1\",\"connector_transaction_id\":\"sbx_100_USD\",\"amount\":{\"minor_amount\":-5,\"currency\":\"USD\"}} | invalid_amount | amount.minor_amount",
                "{\"merchant_refund_id\":\"r1\",\"connector_transaction_id\":\"sbx_100_USD\",\"amount\":{\"minor_amount\":10.5,\"currency\":\"USD\"}} | invalid_amount | amount.minor_amount",
                "{\"merchant_refund_id\":\"r1\",\"connector_transaction_id\":\"sbx_100_USD\",\"amount\":{\"minor_amount\":\"10\",\"currency\":\"USD\"}} | invalid_amount | amount.minor_amount",
                "{\"merchant_refund_id\":\"r1\",\"connector_transaction_id\":\"sbx_100_USD\",\"amount\":{\"minor_amount\":99999999999999999999,\"currency\":\"USD\"}} | invalid_amount | amount.minor_amount",
                "{\"merchant_refund_id\":\"r1\",\"connector_transaction_id\":\"sbx_100_USD\",\"amount\":{\"currency\":\"USD\"}} | invalid_amount | amount.minor_amount",
                "{\"merchant_refund_id\":\"r1\",\"connector_transaction_id\":\"sbx_100_USD\",\"metadata\":{\"k\":1}} | invalid_request | metadata.k",
                "{\"merchant_refund_id\":\"r1\",\"connector_transaction_id\":\"sbx_100_USD\",\"connector_options\":{\"colour\":\"red\"}} | invalid_request | connector_options.colour",
                "{\"merchant_refund_id\":\"r1\",\"connector_transaction_id\":\"sbx_100_USD\",\"connector\":\"nosuchpsp\"} | invalid_request | connector",
            })
    void refusesBadInputWithTheFieldNamed(String body, String code, String param) {
        merchant.create(body)
                .then()
                .statusCode(400)
                .body("error.type", equalTo("invalid_request_error"))
                .body("error.code", equalTo(code))
                .body("error.message", notNullValue())
                .body("error.param", param == null ? nullValue() : equalTo(param));
        assertEquals(
                0,
                Db.count("select count(*) from refunds where merchant_id = ?", merchant.id()),
                "a refused request writes nothing");
    }

    @Test
    void missingOrUnknownApiKeyIs401() {
        String body = Api.body(Api.refundId(), Api.payment(1_000, "USD"), null, null, null);
        RestAssured.given()
                .contentType(ContentType.JSON)
                .body(body)
                .post("/v1/refunds")
                .then()
                .statusCode(401)
                .body("error.code", equalTo("authentication_required"))
                .header("WWW-Authenticate", equalTo("Bearer realm=\"refract\""));
        RestAssured.given()
                .contentType(ContentType.JSON)
                .header("Authorization", "Bearer rk_not_a_key")
                .body(body)
                .post("/v1/refunds")
                .then()
                .statusCode(401)
                .body("error.code", equalTo("authentication_required"));
        RestAssured.given()
                .contentType(ContentType.JSON)
                .header("Authorization", "Basic " + merchant.apiKey())
                .body(body)
                .post("/v1/refunds")
                .then()
                .statusCode(401)
                .body("error.type", equalTo("authentication_error"));
    }

    @Test
    void declineIs402WithTheRefundStoredAsFailed() {
        String id = Api.refundId();
        String payment = Api.payment(1_000, "USD");
        merchant.create(Api.body(id, payment, 500L, "USD", "\"connector_options\":{\"sandbox_outcome\":\"declined\"}"))
                .then()
                .statusCode(402)
                .body("status", equalTo("FAILED"))
                .body("status_code", equalTo(402))
                .body("error.type", equalTo("refund_error"))
                .body("error.code", equalTo("refund_failed"))
                .body("error.connector_code", equalTo("refund_declined"))
                .body("error.connector_message", notNullValue());
        merchant.get(id).then().statusCode(200).body("status", equalTo("FAILED"));
        Db.assertLedgerConsistent(merchant.id(), payment);
        // the declined amount is free again
        merchant.create(Api.body(Api.refundId(), payment, 1_000L, "USD", null))
                .then()
                .statusCode(200);
    }

    @Test
    void unknownPaymentIs404AndNothingIsStored() {
        merchant.create(Api.body(Api.refundId(), "sbx_garbage", null, null, null))
                .then()
                .statusCode(404)
                .body("error.code", equalTo("transaction_not_found"))
                .body("error.param", equalTo("connector_transaction_id"));
        assertEquals(0, Db.count("select count(*) from refunds where merchant_id = ?", merchant.id()));
    }

    @Test
    void sameIdWithOtherParametersIs409() {
        String id = Api.refundId();
        String payment = Api.payment(10_000, "USD");
        merchant.create(Api.body(id, payment, 100L, "USD", null)).then().statusCode(200);
        merchant.create(Api.body(id, payment, 200L, "USD", null))
                .then()
                .statusCode(409)
                .body("error.code", equalTo("idempotency_conflict"))
                .body("error.param", equalTo("merchant_refund_id"));
        merchant.create(Api.body(id, Api.payment(10_000, "USD"), 100L, "USD", null))
                .then()
                .statusCode(409)
                .body("error.code", equalTo("idempotency_conflict"));
        assertEquals(1, Db.count("select count(*) from refunds where merchant_id = ?", merchant.id()));
    }

    @Test
    void moreThanRefundableIs422WithParamAmount() {
        String payment = Api.payment(1_000, "USD");
        merchant.create(Api.body(Api.refundId(), payment, 1_001L, "USD", null))
                .then()
                .statusCode(422)
                .body("error.code", equalTo("amount_exceeds_refundable"))
                .body("error.param", equalTo("amount"))
                .body("error.message", equalTo("amount 1001 USD exceeds refundable 1000 USD"));
        merchant.create(Api.body(Api.refundId(), payment, 1_000L, "USD", null))
                .then()
                .statusCode(200);
        // also when nothing remains
        merchant.create(Api.body(Api.refundId(), payment, null, null, null))
                .then()
                .statusCode(422)
                .body("error.code", equalTo("amount_exceeds_refundable"));
        merchant.create(Api.body(Api.refundId(), payment, 1L, "USD", null))
                .then()
                .statusCode(422)
                .body("error.param", equalTo("amount"));
    }

    @Test
    void otherCurrencyThanThePaymentsIs422() {
        merchant.create(Api.body(Api.refundId(), Api.payment(1_000, "USD"), 100L, "EUR", null))
                .then()
                .statusCode(422)
                .body("error.code", equalTo("currency_mismatch"));
        assertEquals(0, Db.count("select count(*) from refunds where merchant_id = ?", merchant.id()));
    }

    @Test
    void unknownRoutesAnswerInTheErrorShape() {
        merchant.request()
                .get("/v1/nothing-here")
                .then()
                .statusCode(404)
                .body("error.code", equalTo("resource_not_found"));
        merchant.request()
                .delete("/v1/refunds")
                .then()
                .statusCode(405)
                .body("error.code", equalTo("method_not_allowed"));
    }
}
