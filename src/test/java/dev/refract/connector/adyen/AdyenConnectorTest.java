package dev.refract.connector.adyen;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.adyen.model.notification.Amount;
import com.adyen.model.notification.NotificationRequestItem;
import com.adyen.util.HMACValidator;
import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.matching.RequestPatternBuilder;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.refract.connector.AnswerFields.Field;
import dev.refract.connector.AnswerFields.Said;
import dev.refract.connector.AnswerFields.Status;
import dev.refract.connector.AnswerFields.Via;
import dev.refract.connector.ContradictingAnswersContractTest;
import dev.refract.outbound.WireJson;
import dev.refract.support.Api;
import dev.refract.support.PostgresResource;
import dev.refract.support.PspStandIn;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(PspStandIn.class)
class AdyenConnectorTest extends ContradictingAnswersContractTest {

    static final String HMAC_KEY = "44782DEF547AAA06C910C43932B1EB0C71FC68D9D0C057550C48EC2ACF6BA056";

    @Override
    protected String connector() {
        return "adyen";
    }

    @Override
    protected String newPaymentId() {
        return UUID.randomUUID().toString().replace("-", "").substring(0, 16).toUpperCase(Locale.ROOT);
    }

    @Override
    protected String accountBody() {
        return "{\"credentials\":{\"api_key\":\"AQEyhmfxcontract\"},\"settings\":{\"merchant_account\":\"AcmeECOM\"},"
                + "\"webhook_secret\":\"" + HMAC_KEY + "\"}";
    }

    @Override
    protected MappingBuilder createRequest(String paymentId) {
        return post(urlEqualTo("/adyen/payments/" + paymentId + "/refunds"));
    }

    @Override
    protected RequestPatternBuilder createRequests(String paymentId) {
        return postRequestedFor(urlEqualTo("/adyen/payments/" + paymentId + "/refunds"));
    }

    /** The 201 of POST /payments/{paymentPspReference}/refunds in Checkout API v71, echoing the reference sent. */
    @Override
    protected ResponseDefinitionBuilder refundAnswer(String paymentId, String refundId, long minor, String status) {
        return aResponse()
                .withStatus(201)
                .withHeader("Content-Type", "application/json")
                .withBody("""
                {"merchantAccount": "AcmeECOM", "paymentPspReference": "%s", "pspReference": "%s",
                 "reference": "{{jsonPath request.body '$.reference'}}", "status": "%s",
                 "amount": {"currency": "USD", "value": %d}}
                """.formatted(paymentId, refundId.toUpperCase(Locale.ROOT), status, minor))
                .withTransformers("response-template");
    }

    /**
     * The create's answer names the amount, the payment, the merchant account and echoes the reference; a REFUND
     * notification names the amount, the payment (originalReference), the refund and echoes the reference. The
     * notification's merchantAccountCode is the webhook URL's business: an item for another account is not applied.
     */
    @Override
    protected Set<Field> fieldsIn(Via via) {
        return via == Via.CREATE
                ? EnumSet.of(Field.AMOUNT, Field.CURRENCY, Field.PAYMENT, Field.REFERENCE, Field.ACCOUNT)
                : EnumSet.of(Field.AMOUNT, Field.CURRENCY, Field.PAYMENT, Field.REFUND_ID, Field.REFERENCE);
    }

    /** The create only acknowledges; the outcome comes by webhook, which never says pending. */
    @Override
    protected boolean answers(Via via, Status status) {
        return switch (via) {
            case CREATE -> status == Status.PENDING;
            case READ -> false;
            case WEBHOOK -> status != Status.PENDING;
        };
    }

    @Override
    protected String pspAccount() {
        return "AcmeECOM";
    }

    @Override
    protected String newConnectorRefundId() {
        return newPaymentId();
    }

    @Override
    protected ResponseDefinitionBuilder answer(Said said) {
        return aResponse()
                .withStatus(201)
                .withHeader("Content-Type", "application/json")
                .withBody("""
                {"merchantAccount": "%s", "paymentPspReference": "%s", "pspReference": "%s", "reference": "%s",
                 "status": "received", "amount": {"currency": "%s", "value": %d}}""".formatted(
                                said.account(),
                                said.paymentId(),
                                said.refundId(),
                                said.merchantRefundId(),
                                said.currency(),
                                said.minor()));
    }

    /** REFUND success true or false, or REFUNDED_REVERSED, HMAC-signed by Adyen's own library. */
    @Override
    protected void deliverWebhook(Said said) {
        Amount amount = new Amount();
        amount.setValue(said.minor());
        amount.setCurrency(said.currency());
        NotificationRequestItem item = new NotificationRequestItem()
                .setPspReference(said.refundId())
                .setOriginalReference(said.paymentId())
                .setMerchantAccountCode(pspAccount())
                .setMerchantReference(said.merchantRefundId())
                .setAmount(amount)
                .setEventCode(said.status() == Status.REVERSED ? "REFUNDED_REVERSED" : "REFUND")
                .setSuccess(said.status() != Status.FAILED);
        String hmac;
        try {
            hmac = new HMACValidator().calculateHMAC(item, HMAC_KEY);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        String body = """
                {"live": "false", "notificationItems": [{"NotificationRequestItem": {
                  "additionalData": {"hmacSignature": "%s"}, "amount": {"currency": "%s", "value": %d},
                  "eventCode": "%s", "eventDate": "2026-01-20T15:30:00+01:00", "merchantAccountCode": "%s",
                  "merchantReference": "%s", "originalReference": "%s", "pspReference": "%s",
                  "reason": "%s", "success": "%s"}}]}""".formatted(
                        hmac,
                        said.currency(),
                        said.minor(),
                        item.getEventCode(),
                        item.getMerchantAccountCode(),
                        item.getMerchantReference(),
                        item.getOriginalReference(),
                        item.getPspReference(),
                        said.status() == Status.FAILED ? "Insufficient balance on payment" : "",
                        item.isSuccess());
        RestAssured.given()
                .contentType("application/json")
                .body(body)
                .post("/webhooks/" + merchant.id() + "/adyen")
                .then()
                .statusCode(200)
                .body(equalTo("[accepted]"));
    }

    /** Adyen's words are event codes, not statuses: these stand for what the webhook says. */
    @Override
    protected String failedWord() {
        return "REFUND_FAILED";
    }

    @Override
    protected String succeededWord() {
        return "received";
    }

    @Override
    protected String pendingWord() {
        return "received";
    }

    @Override
    protected String statusOfSucceededCreate() {
        return "PENDING"; // the outcome arrives by webhook
    }

    @Override
    protected ResponseDefinitionBuilder declineAnswer() {
        return aResponse()
                .withStatus(422)
                .withHeader("Content-Type", "application/json")
                .withBody("""
                {"status": 422, "errorCode": "167", "message": "Original pspReference required for this operation",
                 "errorType": "validation"}""");
    }

    @Override
    protected String declineCode() {
        return "167";
    }

    @Override
    protected String idempotencyHeader() {
        return "Idempotency-Key";
    }

    @Override
    protected String amountInRequest(long minor, String currency) {
        return "\"value\":" + minor;
    }

    @Test
    void sendsThePaymentRefundRequestAdyenDocuments() {
        String payment = newPaymentId();
        String id = Api.refundId();
        psp().stubFor(createRequest(payment).willReturn(refundAnswer(payment, "QFQTPCQ8HXSKGK82", 1_500, "received")));
        merchant.create(Api.body(
                        id,
                        payment,
                        1_500L,
                        "USD",
                        "\"reason\":\"requested_by_customer\","
                                + "\"payment_amount\":{\"minor_amount\":5000,\"currency\":\"USD\"}"))
                .then()
                .statusCode(200)
                .body("status", equalTo("PENDING"))
                .body("connector_refund_id", equalTo("QFQTPCQ8HXSKGK82"));
        LoggedRequest sent = psp().findAll(createRequests(payment)).get(0);
        assertEquals("AQEyhmfxcontract", sent.getHeader("X-API-Key"));
        JsonNode body = WireJson.tree(sent.getBodyAsString());
        assertEquals("AcmeECOM", body.path("merchantAccount").asText());
        assertEquals("USD", body.path("amount").path("currency").asText());
        assertEquals(1_500, body.path("amount").path("value").asLong());
        assertEquals(id, body.path("reference").asText());
        assertEquals("CUSTOMER REQUEST", body.path("merchantRefundReason").asText());
        // sync has nothing to ask: Adyen tells by webhook
        merchant.sync(id).then().statusCode(200).body("status", equalTo("PENDING"));
    }

    @Test
    void clpGoesToAdyenInItsTwoDecimalUnits() {
        String payment = newPaymentId();
        psp().stubFor(createRequest(payment).willReturn(refundAnswer(payment, "QFQTPCQ8HXSKGK83", 50_000, "received")));
        merchant.create(Api.body(
                        Api.refundId(),
                        payment,
                        500L,
                        "CLP",
                        "\"payment_amount\":{\"minor_amount\":1000,\"currency\":\"CLP\"}"))
                .then()
                .statusCode(200);
        JsonNode body =
                WireJson.tree(psp().findAll(createRequests(payment)).get(0).getBodyAsString());
        assertEquals(50_000, body.path("amount").path("value").asLong(), "500 CLP is 50000 in Adyen's minor units");
    }
}
