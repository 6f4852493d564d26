package dev.refract.connector.marqeta;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.matching.RequestPatternBuilder;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.refract.connector.AnswerFields.Field;
import dev.refract.connector.AnswerFields.Said;
import dev.refract.connector.AnswerFields.Via;
import dev.refract.connector.ContradictingAnswersContractTest;
import dev.refract.outbound.WireJson;
import dev.refract.refund.Refund;
import dev.refract.support.Api;
import dev.refract.support.PostgresResource;
import dev.refract.support.PspStandIn;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.math.BigDecimal;
import java.util.Base64;
import java.util.EnumSet;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(PspStandIn.class)
class MarqetaConnectorTest extends ContradictingAnswersContractTest {

    @Override
    protected String connector() {
        return "marqeta";
    }

    @Override
    protected String newPaymentId() {
        return "acct_" + UUID.randomUUID().toString().replace("-", "").substring(0, 20);
    }

    @Override
    protected String accountBody() {
        return "{\"credentials\":{\"username\":\"app_token_contract\",\"password\":\"admin_token_contract\"}}";
    }

    @Override
    protected String extraCreateFields() {
        return "\"connector_options\":{\"method\":\"ACH\",\"type\":\"PAYMENT_REFUND\"}";
    }

    @Override
    protected MappingBuilder createRequest(String paymentId) {
        return post(urlEqualTo("/marqeta/credit/accounts/" + paymentId + "/refunds"));
    }

    @Override
    protected RequestPatternBuilder createRequests(String paymentId) {
        return postRequestedFor(urlEqualTo("/marqeta/credit/accounts/" + paymentId + "/refunds"));
    }

    /** The documented refund response body (token, account_token, status, method, type, amount, currency_code …). */
    static String refundObject(String account, String token, BigDecimal amount, String currency, String status) {
        return """
                {"token": "%s", "account_token": "%s", "status": "%s", "method": "ACH", "type": "PAYMENT_REFUND",
                 "amount": %s, "currency_code": "%s", "description": "Customer returned item",
                 "created_time": "2025-01-20T15:30:00Z", "updated_time": "2025-01-20T15:30:00Z"}
                """.formatted(token, account, status, amount.toPlainString(), currency);
    }

    static String refundObject(String account, String token, BigDecimal amount, String status) {
        return refundObject(account, token, amount, "USD", status);
    }

    /**
     * Marqeta's answer under the token Refract sent (in the create's body, or the read's path): the refund token is
     * Refract's choice, so an answer under another one is about another refund. {@code refundId} is not used.
     */
    @Override
    protected ResponseDefinitionBuilder refundAnswer(String paymentId, String refundId, long minor, String status) {
        return okJson(refundObject(
                        paymentId,
                        "{{#if request.body}}{{jsonPath request.body '$.token'}}"
                                + "{{else}}{{request.pathSegments.[5]}}{{/if}}",
                        BigDecimal.valueOf(minor, 2),
                        status))
                .withTransformers("response-template");
    }

    /** The refund names its amount, currency, account (the payment Refract refunds) and token. */
    @Override
    protected Set<Field> fieldsIn(Via via) {
        return EnumSet.of(Field.AMOUNT, Field.CURRENCY, Field.PAYMENT, Field.REFUND_ID);
    }

    @Override
    protected boolean refractChoosesTheRefundId() {
        return true;
    }

    @Override
    protected ResponseDefinitionBuilder answer(Said said) {
        return okJson(refundObject(
                said.paymentId(),
                said.refundId(),
                BigDecimal.valueOf(said.minor(), 2),
                said.currency(),
                word(said.status())));
    }

    @Override
    protected String failedWord() {
        return "CANCELLED";
    }

    @Override
    protected String reversedWord() {
        return "RETURNED";
    }

    /** Marqeta is asked by the refund's token, derived from the refund, whatever id it answered with. */
    @Override
    protected MappingBuilder readRequest(String paymentId, String connectorRefundId) {
        return get(urlPathMatching("/marqeta/credit/accounts/" + paymentId + "/refunds/[^/]+"));
    }

    /** Marqeta's error object: six digits, the first three the HTTP status (https://www.marqeta.com/docs/core-api/errors). */
    @Override
    protected ResponseDefinitionBuilder noSuchRefundAnswer(String connectorRefundId) {
        return aResponse()
                .withStatus(404)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"error_code\": \"404001\", \"error_message\": \"Refund not found\"}");
    }

    @Override
    protected String succeededWord() {
        return "COMPLETED";
    }

    @Override
    protected String pendingWord() {
        return "INITIATED";
    }

    @Override
    protected ResponseDefinitionBuilder declineAnswer() {
        return aResponse()
                .withStatus(400)
                .withHeader("Content-Type", "application/json")
                .withBody("""
                {"error_code": "400107", "error_message": "Refund amount exceeds the account's refundable balance"}""");
    }

    @Override
    protected String declineCode() {
        return "400107";
    }

    @Override
    protected String idempotencyHeader() {
        return null; // the refund token in the body
    }

    @Override
    protected String amountInRequest(long minor, String currency) {
        return "\"amount\":" + BigDecimal.valueOf(minor, 2).toPlainString();
    }

    @Test
    void sendsTheCreditRefundWithBasicAuthAndItsStableToken() {
        String account = newPaymentId();
        String id = Api.refundId();
        psp().stubFor(createRequest(account).willReturn(refundAnswer(account, "t", 1_234, "INITIATED")));
        create(id, account, 1_234L, 5_000)
                .then()
                .statusCode(200)
                .body("status", equalTo("PENDING"))
                .body("connector_details.method", equalTo("ACH"))
                .body("connector_details.type", equalTo("PAYMENT_REFUND"));
        LoggedRequest sent = psp().findAll(createRequests(account)).get(0);
        assertEquals(
                "Basic " + Base64.getEncoder().encodeToString("app_token_contract:admin_token_contract".getBytes()),
                sent.getHeader("Authorization"));
        JsonNode body = WireJson.tree(sent.getBodyAsString());
        assertEquals(
                Refund.pspReferenceFor(merchant.id(), id), body.path("token").asText());
        assertEquals(new BigDecimal("12.34"), body.path("amount").decimalValue());
        assertEquals("USD", body.path("currency_code").asText());
        assertEquals("ACH", body.path("method").asText());
        assertEquals("PAYMENT_REFUND", body.path("type").asText());
    }

    @Test
    void syncFindsTheRefundByTokenAndAReturnAfterCompletionFailsIt() {
        String account = newPaymentId();
        String id = Api.refundId();
        String token = Refund.pspReferenceFor(merchant.id(), id);
        psp().stubFor(createRequest(account).willReturn(refundAnswer(account, token, 1_000, "INITIATED")));
        create(id, account, 1_000L, 5_000).then().statusCode(200).body("status", equalTo("PENDING"));
        String refundUrl = "/marqeta/credit/accounts/" + account + "/refunds/" + token;
        psp().stubFor(get(urlEqualTo(refundUrl)).willReturn(refundAnswer(account, token, 1_000, "COMPLETED")));
        merchant.sync(id).then().statusCode(200).body("status", equalTo("SUCCEEDED"));
        psp().stubFor(get(urlEqualTo(refundUrl)).willReturn(refundAnswer(account, token, 1_000, "RETURNED")));
        merchant.sync(id)
                .then()
                .statusCode(200)
                .body("status", equalTo("FAILED"))
                .body("error.code", equalTo("refund_returned"));
    }

    /**
     * A COMPLETED answer under another token than the one Refract sent is another refund's: it is not this refund's
     * success, its token is not recorded, and a later answer under the right token does not settle the refund
     * either, since Marqeta's books already disagree with it; an operator does.
     */
    @Test
    void aCompletedAnswerUnderAnotherTokenIsManualReviewAndItsTokenIsNeverRecorded() {
        String account = newPaymentId();
        String id = Api.refundId();
        String token = Refund.pspReferenceFor(merchant.id(), id);
        String other = Refund.pspReferenceFor(merchant.id(), Api.refundId());
        psp().stubFor(createRequest(account)
                .willReturn(okJson(refundObject(account, other, new BigDecimal("10.00"), "COMPLETED"))));
        create(id, account, 1_000L, 5_000)
                .then()
                .statusCode(200)
                .body("status", equalTo("MANUAL_REVIEW"))
                .body("error.code", equalTo("connector_mismatch"))
                .body(
                        "error.message",
                        equalTo("the PSP's answer contradicts the refund; refund id: the PSP reported " + other
                                + ", Refract gave this refund " + token))
                .body("connector_refund_id", nullValue());
        psp().stubFor(get(urlEqualTo("/marqeta/credit/accounts/" + account + "/refunds/" + token))
                .willReturn(okJson(refundObject(account, token, new BigDecimal("10.00"), "COMPLETED"))));
        merchant.sync(id).then().statusCode(200).body("status", equalTo("MANUAL_REVIEW"));
        assertLedger(account, 1_000, 0);
    }

    /** Marqeta names the credit account it refunded; Refract refunds the account the refund names, and no other. */
    @Test
    void aCompletedAnswerForAnotherAccountIsManualReview() {
        String account = newPaymentId();
        String other = newPaymentId();
        String id = Api.refundId();
        String token = Refund.pspReferenceFor(merchant.id(), id);
        psp().stubFor(createRequest(account)
                .willReturn(okJson(refundObject(other, token, new BigDecimal("10.00"), "COMPLETED"))));
        create(id, account, 1_000L, 5_000)
                .then()
                .statusCode(200)
                .body("status", equalTo("MANUAL_REVIEW"))
                .body(
                        "error.message",
                        equalTo("the PSP's answer contradicts the refund; payment: the PSP reported " + other
                                + ", the refund is of " + account));
        assertLedger(account, 1_000, 0);
    }

    @Test
    void cancelTransitionsTheRefundToCancelled() {
        String account = newPaymentId();
        String id = Api.refundId();
        String token = Refund.pspReferenceFor(merchant.id(), id);
        psp().stubFor(createRequest(account).willReturn(refundAnswer(account, token, 1_000, "PENDING")));
        create(id, account, 1_000L, 5_000).then().statusCode(200);
        psp().stubFor(post(urlPathMatching(
                        "/marqeta/credit/accounts/" + account + "/refunds/" + token + "/transitions"))
                .willReturn(okJson(refundObject(account, token, new BigDecimal("10.00"), "CANCELLED"))));
        merchant.request()
                .post("/v1/refunds/" + id + "/cancel")
                .then()
                .statusCode(200)
                .body("status", equalTo("FAILED"))
                .body("error.code", equalTo("refund_cancelled"));
        JsonNode transition =
                WireJson.tree(psp().findAll(postRequestedFor(urlPathMatching(".*" + token + "/transitions")))
                        .get(0)
                        .getBodyAsString());
        assertEquals("CANCELLED", transition.path("status").asText());
    }

    @Test
    void methodAndTypeAreRequiredAndOnlyUsdIsRefunded() {
        merchant.create(Api.body(Api.refundId(), newPaymentId(), 100L, "USD", "\"connector\":\"marqeta\""))
                .then()
                .statusCode(400)
                .body("error.param", equalTo("connector_options.method"));
        merchant.create(Api.body(
                        Api.refundId(),
                        newPaymentId(),
                        100L,
                        "EUR",
                        "\"connector\":\"marqeta\"," + extraCreateFields()))
                .then()
                .statusCode(400)
                .body("error.code", equalTo("invalid_currency"));
    }
}
