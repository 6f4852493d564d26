package dev.refract.connector.exodus;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.matching.RequestPatternBuilder;
import dev.refract.connector.AnswerFields.Field;
import dev.refract.connector.AnswerFields.Said;
import dev.refract.connector.AnswerFields.Via;
import dev.refract.connector.ContradictingAnswersContractTest;
import dev.refract.outbound.WireJson;
import dev.refract.support.Api;
import dev.refract.support.PostgresResource;
import dev.refract.support.PspStandIn;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.EnumSet;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(PspStandIn.class)
class ExodusConnectorTest extends ContradictingAnswersContractTest {

    @Override
    protected String connector() {
        return "exodus";
    }

    @Override
    protected String newPaymentId() {
        return "pay_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    }

    @Override
    protected String accountBody() {
        return "{\"credentials\":{\"api_key\":\"sk_test_exodus_contract\"}}";
    }

    @Override
    protected MappingBuilder createRequest(String paymentId) {
        return post(urlEqualTo("/exodus/refunds")).withRequestBody(containing("\"payment_id\":\"" + paymentId + "\""));
    }

    @Override
    protected RequestPatternBuilder createRequests(String paymentId) {
        return postRequestedFor(urlEqualTo("/exodus/refunds"))
                .withRequestBody(containing("\"payment_id\":\"" + paymentId + "\""));
    }

    /** The documented "successful refund creation" answer. */
    static String refundObject(String paymentId, String refundId, long minor, String status) {
        return """
                {"id": "%s", "object": "refund", "payment_id": "%s", "amount": %d, "currency": "USD",
                 "status": "%s", "reason": "requested_by_customer", "stablecoin": "USDC", "network": "ethereum",
                 "destination_address": "0x742d35Cc6634C0532925a3b844Bc9e7595f8fE21", "metadata": {},
                 "created_at": "2024-01-20T15:30:00Z"}""".formatted(refundId, paymentId, minor, status);
    }

    @Override
    protected ResponseDefinitionBuilder refundAnswer(String paymentId, String refundId, long minor, String status) {
        return okJson(refundObject(paymentId, "ref_" + refundId, minor, status));
    }

    @Override
    protected MappingBuilder readRequest(String paymentId, String connectorRefundId) {
        return get(urlEqualTo("/exodus/refunds/" + connectorRefundId));
    }

    /** Exodus's error object, answered 404 to a refund id it does not have. */
    @Override
    protected ResponseDefinitionBuilder noSuchRefundAnswer(String connectorRefundId) {
        return aResponse()
                .withStatus(404)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"error\": {\"type\": \"invalid_request\", \"message\": \"No such refund: "
                        + connectorRefundId + "\"}}");
    }

    /** The refund object names the amount, currency, payment and refund, and carries the metadata it was sent. */
    @Override
    protected Set<Field> fieldsIn(Via via) {
        return EnumSet.of(Field.AMOUNT, Field.CURRENCY, Field.PAYMENT, Field.REFUND_ID, Field.REFERENCE);
    }

    @Override
    protected String newConnectorRefundId() {
        return "ref_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    }

    @Override
    protected ResponseDefinitionBuilder answer(Said said) {
        return okJson("""
                {"id": "%s", "object": "refund", "payment_id": "%s", "amount": %d, "currency": "%s",
                 "status": "%s", "reason": "requested_by_customer", "stablecoin": "USDC", "network": "ethereum",
                 "metadata": {"merchant_refund_id": "%s"}, "created_at": "2024-01-20T15:30:00Z"}""".formatted(
                        said.refundId(),
                        said.paymentId(),
                        said.minor(),
                        said.currency(),
                        word(said.status()),
                        said.merchantRefundId()));
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
                {"error": {"type": "invalid_request",
                 "message": "Payment cannot be refunded. It may not be completed or already fully refunded."}}""");
    }

    @Override
    protected String declineCode() {
        return "invalid_request";
    }

    @Override
    protected String idempotencyHeader() {
        return "Idempotency-Key";
    }

    @Override
    protected String amountInRequest(long minor, String currency) {
        return "\"amount\":" + minor;
    }

    @Test
    void onChainDetailsAreShownAndSyncSettlesThePendingTransfer() {
        String payment = newPaymentId();
        String id = Api.refundId();
        psp().stubFor(createRequest(payment)
                .willReturn(okJson(refundObject(payment, "ref_1234567890abcdef", 2_500, "pending"))));
        create(id, payment, 2_500L, 5_000)
                .then()
                .statusCode(200)
                .body("status", equalTo("PENDING"))
                .body("connector_refund_id", equalTo("ref_1234567890abcdef"))
                .body("connector_details.network", equalTo("ethereum"))
                .body("connector_details.stablecoin", equalTo("USDC"))
                .body("connector_details.destination_address", equalTo("0x742d35Cc6634C0532925a3b844Bc9e7595f8fE21"));
        JsonNode sent =
                WireJson.tree(psp().findAll(createRequests(payment)).get(0).getBodyAsString());
        assertEquals(2_500, sent.path("amount").asLong());
        assertEquals(id, sent.path("metadata").path("merchant_refund_id").asText());

        psp().stubFor(get(urlEqualTo("/exodus/refunds/ref_1234567890abcdef"))
                .willReturn(okJson(refundObject(payment, "ref_1234567890abcdef", 2_500, "succeeded"))));
        merchant.sync(id).then().statusCode(200).body("status", equalTo("SUCCEEDED"));
    }

    @Test
    void amountPastWhatExodusCanRefundIs422() {
        String payment = newPaymentId();
        psp().stubFor(createRequest(payment)
                .willReturn(aResponse()
                        .withStatus(400)
                        .withHeader("Content-Type", "application/json")
                        .withBody("""
                        {"error": {"type": "validation_error",
                         "message": "Refund amount exceeds the amount available for refund", "param": "amount"}}""")));
        create(Api.refundId(), payment, 1_000L, 5_000)
                .then()
                .statusCode(422)
                .body("error.code", equalTo("amount_exceeds_refundable"))
                .body("error.connector_code", equalTo("validation_error"));
    }
}
