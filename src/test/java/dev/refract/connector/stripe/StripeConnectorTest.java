package dev.refract.connector.stripe;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.matching.RequestPatternBuilder;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.refract.connector.AnswerFields.Field;
import dev.refract.connector.AnswerFields.Said;
import dev.refract.connector.AnswerFields.Status;
import dev.refract.connector.AnswerFields.Via;
import dev.refract.connector.ContradictingAnswersContractTest;
import dev.refract.support.Api;
import dev.refract.support.PostgresResource;
import dev.refract.support.PspStandIn;
import dev.refract.webhook.StripeWebhookTest;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(PspStandIn.class)
class StripeConnectorTest extends ContradictingAnswersContractTest {

    @Override
    protected String connector() {
        return "stripe";
    }

    @Override
    protected String newPaymentId() {
        return "pi_3" + UUID.randomUUID().toString().replace("-", "").substring(0, 20);
    }

    @Override
    protected String accountBody() {
        return "{\"credentials\":{\"api_key\":\"sk_test_51contract\"},\"webhook_secret\":\"whsec_contract\"}";
    }

    @Override
    protected MappingBuilder createRequest(String paymentId) {
        return post(urlEqualTo("/stripe/v1/refunds")).withRequestBody(containing("payment_intent=" + paymentId));
    }

    @Override
    protected RequestPatternBuilder createRequests(String paymentId) {
        return postRequestedFor(urlEqualTo("/stripe/v1/refunds"))
                .withRequestBody(containing("payment_intent=" + paymentId));
    }

    /** A refund object as https://docs.stripe.com/api/refunds/object shows it. */
    static String refundObject(String paymentId, String refundId, long amount, String status) {
        return """
                {"id": "%s", "object": "refund", "amount": %d, "balance_transaction": "txn_1Nispe2eZvKYlo2Cd31jOCgZ",
                 "charge": "ch_1NirD82eZvKYlo2CIvbtLWuY", "created": 1692942318, "currency": "usd",
                 "destination_details": {"card": {"reference": "123456789012", "reference_status": "available",
                 "reference_type": "acquirer_reference_number", "type": "refund"}, "type": "card"},
                 "metadata": {}, "payment_intent": "%s", "reason": null, "receipt_number": null,
                 "source_transfer_reversal": null, "status": "%s", "transfer_reversal": null}
                """.formatted(refundId, amount, paymentId, status);
    }

    @Override
    protected ResponseDefinitionBuilder refundAnswer(String paymentId, String refundId, long minor, String status) {
        return okJson(refundObject(paymentId, refundId, minor, status));
    }

    @Override
    protected MappingBuilder readRequest(String paymentId, String connectorRefundId) {
        return get(urlEqualTo("/stripe/v1/refunds/" + connectorRefundId));
    }

    /** Stripe's error object for a refund id it does not have (https://docs.stripe.com/error-codes#resource-missing). */
    @Override
    protected ResponseDefinitionBuilder noSuchRefundAnswer(String connectorRefundId) {
        return aResponse()
                .withStatus(404)
                .withHeader("Content-Type", "application/json")
                .withBody("""
                {"error": {"code": "resource_missing", "doc_url": "https://stripe.com/docs/error-codes/resource-missing",
                 "message": "No such refund: '%s'", "param": "id", "type": "invalid_request_error"}}""".formatted(connectorRefundId));
    }

    /** Stripe's refund object names the amount, currency, payment and refund, and echoes the metadata it was sent. */
    @Override
    protected Set<Field> fieldsIn(Via via) {
        return EnumSet.of(Field.AMOUNT, Field.CURRENCY, Field.PAYMENT, Field.REFUND_ID, Field.REFERENCE);
    }

    @Override
    protected boolean answers(Via via, Status status) {
        return via == Via.WEBHOOK || super.answers(via, status);
    }

    @Override
    protected ResponseDefinitionBuilder answer(Said said) {
        return okJson(refundObject(said, word(said.status())));
    }

    /** A refund object saying this (USD and EUR are two-decimal at Stripe as in ISO). */
    static String refundObject(Said said, String status) {
        return """
                {"id": "%s", "object": "refund", "amount": %d, "charge": "ch_1NirD82eZvKYlo2CIvbtLWuY",
                 "currency": "%s", "metadata": {"merchant_refund_id": "%s"}, "payment_intent": "%s",
                 "reason": null, "status": "%s"%s}""".formatted(
                        said.refundId(),
                        said.minor(),
                        said.currency().toLowerCase(Locale.ROOT),
                        said.merchantRefundId(),
                        said.paymentId(),
                        status,
                        "failed".equals(status) ? ", \"failure_reason\": \"expired_or_canceled_card\"" : "");
    }

    /** {@code refund.updated}, or {@code refund.failed} for a failed refund, signed with the endpoint's secret. */
    @Override
    protected void deliverWebhook(Said said) {
        String status = word(said.status());
        String body = StripeWebhookTest.event(
                StripeWebhookTest.evtId(),
                "failed".equals(status) ? "refund.failed" : "refund.updated",
                refundObject(said, status));
        String signature;
        try {
            signature = StripeWebhookTest.sign(body, "whsec_contract");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        RestAssured.given()
                .contentType("application/json")
                .header("Stripe-Signature", signature)
                .body(body)
                .post("/webhooks/" + merchant.id() + "/stripe")
                .then()
                .statusCode(200);
    }

    @Override
    protected String failedWord() {
        return "failed";
    }

    @Override
    protected String succeededWord() {
        return "succeeded";
    }

    @Override
    protected String pendingWord() {
        return "pending";
    }

    @Override
    protected ResponseDefinitionBuilder declineAnswer() {
        return aResponse()
                .withStatus(400)
                .withHeader("Content-Type", "application/json")
                .withBody("""
                {"error": {"code": "charge_already_refunded", "doc_url": "https://stripe.com/docs/error-codes/charge-already-refunded",
                 "message": "Charge ch_1NirD82eZvKYlo2CIvbtLWuY has already been refunded.",
                 "request_log_url": "https://dashboard.stripe.com/test/logs/req_x", "type": "invalid_request_error"}}
                """);
    }

    @Override
    protected String declineCode() {
        return "charge_already_refunded";
    }

    @Override
    protected String idempotencyHeader() {
        return "Idempotency-Key";
    }

    @Override
    protected String amountInRequest(long minor, String currency) {
        return "amount=" + minor;
    }

    /** Parameters Stripe's create-refund endpoint accepts; a real Stripe answers 400 to any other. */
    static final Set<String> STRIPE_PARAMETERS = Set.of(
            "amount",
            "charge",
            "payment_intent",
            "reason",
            "metadata",
            "instructions_email",
            "origin",
            "currency",
            "customer",
            "expand");

    @Test
    void sendsOnlyParametersStripeAcceptsWithTheCredentialsAndPinnedVersion() {
        String payment = newPaymentId();
        psp().stubFor(createRequest(payment).willReturn(refundAnswer(payment, "re_1", 700, "succeeded")));
        merchant.create(
                        Api.body(
                                Api.refundId(),
                                payment,
                                700L,
                                "USD",
                                "\"reason\":\"Customer returned item\","
                                        + "\"metadata\":{\"order\":\"o 42\"},\"payment_amount\":{\"minor_amount\":1000,\"currency\":\"USD\"}"))
                .then()
                .statusCode(200);
        LoggedRequest sent = psp().findAll(createRequests(payment)).get(0);
        assertEquals("Bearer sk_test_51contract", sent.getHeader("Authorization"));
        assertEquals("2024-06-20", sent.getHeader("Stripe-Version"));
        assertTrue(sent.getHeader("Content-Type").startsWith("application/x-www-form-urlencoded"));
        List<String> keys = Arrays.stream(sent.getBodyAsString().split("&"))
                .map(kv -> URLDecoder.decode(kv.substring(0, kv.indexOf('=')), StandardCharsets.UTF_8))
                .collect(Collectors.toList());
        for (String key : keys) {
            String top = key.contains("[") ? key.substring(0, key.indexOf('[')) : key;
            assertTrue(STRIPE_PARAMETERS.contains(top), "Stripe does not accept " + key);
        }
        String body = URLDecoder.decode(sent.getBodyAsString(), StandardCharsets.UTF_8);
        assertFalse(keys.contains("reason"), "a free-text reason is not one of Stripe's reasons");
        assertTrue(body.contains("metadata[refund_reason]=Customer returned item"), body);
        assertTrue(body.contains("metadata[order]=o 42"), body);
        assertTrue(body.contains("metadata[merchant_refund_id]="), body);
    }

    @Test
    void aStripeReasonIsSentAsReason() {
        String payment = newPaymentId();
        psp().stubFor(createRequest(payment).willReturn(refundAnswer(payment, "re_2", 100, "succeeded")));
        merchant.create(Api.body(
                        Api.refundId(),
                        payment,
                        100L,
                        "USD",
                        "\"reason\":\"duplicate\","
                                + "\"payment_amount\":{\"minor_amount\":1000,\"currency\":\"USD\"}"))
                .then()
                .statusCode(200);
        assertTrue(
                psp().findAll(createRequests(payment)).get(0).getBodyAsString().contains("reason=duplicate"));
    }

    @Test
    void omittedAmountIsDecidedFromStripesCapturedAmountBeforeRefunding() {
        String payment = newPaymentId();
        psp().stubFor(get(urlEqualTo("/stripe/v1/payment_intents/" + payment))
                .willReturn(okJson("""
                {"id": "%s", "object": "payment_intent", "amount": 2000, "amount_received": 2000,
                 "currency": "usd", "status": "succeeded"}""".formatted(payment))));
        psp().stubFor(createRequest(payment).willReturn(refundAnswer(payment, "re_3", 2000, "succeeded")));
        merchant.create(Api.body(Api.refundId(), payment, null, null, null))
                .then()
                .statusCode(200)
                .body("amount.minor_amount", equalTo(2000));
        assertTrue(
                psp().findAll(createRequests(payment)).get(0).getBodyAsString().contains("amount=2000"));
        // a second refund of the same payment is refused before Stripe is asked again
        merchant.create(Api.body(Api.refundId(), payment, 1L, "USD", null))
                .then()
                .statusCode(422);
        assertEquals(
                1,
                psp().findAll(getRequestedFor(urlEqualTo("/stripe/v1/payment_intents/" + payment)))
                        .size());
    }

    @Test
    void unknownPaymentIs404() {
        String payment = newPaymentId();
        psp().stubFor(get(urlEqualTo("/stripe/v1/payment_intents/" + payment))
                .willReturn(aResponse()
                        .withStatus(404)
                        .withHeader("Content-Type", "application/json")
                        .withBody("""
                        {"error": {"code": "resource_missing", "message": "No such payment_intent: '%s'",
                         "param": "intent", "type": "invalid_request_error"}}""".formatted(payment))));
        merchant.create(Api.body(Api.refundId(), payment, null, null, null))
                .then()
                .statusCode(404)
                .body("error.code", equalTo("transaction_not_found"));
    }

    @Test
    void amountTooLargeAtStripeIs422() {
        String payment = newPaymentId();
        psp().stubFor(createRequest(payment)
                .willReturn(aResponse()
                        .withStatus(400)
                        .withHeader("Content-Type", "application/json")
                        .withBody("""
                        {"error": {"code": "amount_too_large", "message": "Refund amount ($20.00) is greater than unrefunded amount on charge ($10.00)",
                         "param": "amount", "type": "invalid_request_error"}}""")));
        create(Api.refundId(), payment, 2_000L, 5_000)
                .then()
                .statusCode(422)
                .body("status", equalTo("FAILED"))
                .body("error.code", equalTo("amount_exceeds_refundable"))
                .body("error.connector_code", equalTo("amount_too_large"));
    }

    @Test
    void threeDecimalAmountsNotInTensAreRefusedBeforeStripe() {
        merchant.create(Api.body(
                        Api.refundId(),
                        newPaymentId(),
                        5_125L,
                        "KWD",
                        "\"payment_amount\":{\"minor_amount\":10000,\"currency\":\"KWD\"}"))
                .then()
                .statusCode(400)
                .body("error.code", equalTo("invalid_amount"));
    }

    @Test
    void aSyncAnswerForAnotherPaymentIsManualReview() {
        String payment = newPaymentId();
        String id = Api.refundId();
        psp().stubFor(createRequest(payment).willReturn(refundAnswer(payment, "re_mis_" + payment, 100, "pending")));
        create(id, payment, 100L, 1_000).then().statusCode(200).body("status", equalTo("PENDING"));
        psp().stubFor(get(urlEqualTo("/stripe/v1/refunds/re_mis_" + payment))
                .willReturn(refundAnswer("pi_3someoneelse", "re_mis_" + payment, 100, "succeeded")));
        merchant.sync(id)
                .then()
                .statusCode(200)
                .body("status", equalTo("MANUAL_REVIEW"))
                .body("error.code", equalTo("connector_mismatch"))
                .body(
                        "error.message",
                        equalTo("the PSP's answer contradicts the refund; payment: the PSP reported "
                                + "pi_3someoneelse / ch_1NirD82eZvKYlo2CIvbtLWuY, the refund is of " + payment));
        assertLedger(payment, 100, 0);
    }

    @Test
    void cancellingAPendingRefundIs409WithoutAskingStripe() {
        String payment = newPaymentId();
        String id = Api.refundId();
        psp().stubFor(createRequest(payment).willReturn(refundAnswer(payment, "re_pend_" + payment, 100, "pending")));
        create(id, payment, 100L, 1_000).then().statusCode(200).body("status", equalTo("PENDING"));
        merchant.request()
                .post("/v1/refunds/" + id + "/cancel")
                .then()
                .statusCode(409)
                .body("error.code", equalTo("not_cancellable"))
                .body(
                        "error.message",
                        equalTo("refund " + id + " is pending at stripe, which cannot cancel it in that " + "status"));
        assertEquals(
                0,
                psp().findAll(postRequestedFor(urlEqualTo("/stripe/v1/refunds/re_pend_" + payment + "/cancel")))
                        .size());
        merchant.get(id).then().body("status", equalTo("PENDING"));
    }

    @Test
    void syncFollowsTheRefundToItsFinalStatusAndCancelWorksWhileItNeedsAction() {
        String payment = newPaymentId();
        String id = Api.refundId();
        psp().stubFor(createRequest(payment).willReturn(refundAnswer(payment, "re_sync_" + payment, 100, "pending")));
        create(id, payment, 100L, 1_000).then().statusCode(200).body("status", equalTo("PENDING"));
        psp().stubFor(get(urlEqualTo("/stripe/v1/refunds/re_sync_" + payment))
                .willReturn(refundAnswer(payment, "re_sync_" + payment, 100, "succeeded")));
        merchant.sync(id).then().statusCode(200).body("status", equalTo("SUCCEEDED"));
        // Stripe can report a succeeded refund failed later: sync applies it
        psp().stubFor(get(urlEqualTo("/stripe/v1/refunds/re_sync_" + payment))
                .willReturn(okJson(refundObject(payment, "re_sync_" + payment, 100, "failed")
                        .replace(
                                "\"status\": \"failed\"",
                                "\"status\": \"failed\", \"failure_reason\": \"expired_or_canceled_card\""))));
        merchant.sync(id)
                .then()
                .statusCode(200)
                .body("status", equalTo("FAILED"))
                .body("error.connector_code", equalTo("expired_or_canceled_card"));
        merchant.request()
                .post("/v1/refunds/" + id + "/cancel")
                .then()
                .statusCode(409)
                .body("error.code", equalTo("not_cancellable"));

        String payment2 = newPaymentId();
        String id2 = Api.refundId();
        psp().stubFor(createRequest(payment2)
                .willReturn(refundAnswer(payment2, "re_act_" + payment2, 100, "requires_action")));
        create(id2, payment2, 100L, 1_000).then().statusCode(200).body("status", equalTo("PENDING"));
        psp().stubFor(post(urlEqualTo("/stripe/v1/refunds/re_act_" + payment2 + "/cancel"))
                .willReturn(refundAnswer(payment2, "re_act_" + payment2, 100, "canceled")));
        merchant.request()
                .post("/v1/refunds/" + id2 + "/cancel")
                .then()
                .statusCode(200)
                .body("status", equalTo("FAILED"))
                .body("error.code", equalTo("refund_cancelled"));
    }
}
