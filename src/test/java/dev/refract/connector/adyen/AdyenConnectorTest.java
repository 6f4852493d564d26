package dev.refract.connector.adyen;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.matching.RequestPatternBuilder;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.refract.connector.PspAnswersContractTest;
import dev.refract.outbound.WireJson;
import dev.refract.support.Api;
import dev.refract.support.PostgresResource;
import dev.refract.support.PspStandIn;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.Locale;
import java.util.UUID;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(PspStandIn.class)
class AdyenConnectorTest extends PspAnswersContractTest {

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
                + "\"webhook_secret\":\"44782DEF547AAA06C910C43932B1EB0C71FC68D9D0C057550C48EC2ACF6BA056\"}";
    }

    @Override
    protected MappingBuilder createRequest(String paymentId) {
        return post(urlEqualTo("/adyen/payments/" + paymentId + "/refunds"));
    }

    @Override
    protected RequestPatternBuilder createRequests(String paymentId) {
        return postRequestedFor(urlEqualTo("/adyen/payments/" + paymentId + "/refunds"));
    }

    /** The 201 of POST /payments/{paymentPspReference}/refunds in Checkout API v71. */
    @Override
    protected ResponseDefinitionBuilder refundAnswer(String paymentId, String refundId, long minor, String status) {
        return aResponse()
                .withStatus(201)
                .withHeader("Content-Type", "application/json")
                .withBody("""
                {"merchantAccount": "AcmeECOM", "paymentPspReference": "%s", "pspReference": "%s",
                 "reference": "YOUR_UNIQUE_REFERENCE", "status": "%s", "amount": {"currency": "USD", "value": %d}}
                """.formatted(paymentId, refundId.toUpperCase(Locale.ROOT), status, minor));
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
