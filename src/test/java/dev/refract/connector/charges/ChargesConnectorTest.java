package dev.refract.connector.charges;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
class ChargesConnectorTest extends ContradictingAnswersContractTest {

    @Override
    protected String connector() {
        return "charges";
    }

    @Override
    protected String newPaymentId() {
        return "ch_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    }

    @Override
    protected String accountBody() {
        return "{\"credentials\":{\"api_key\":\"key_charges_contract\"}}";
    }

    @Override
    protected MappingBuilder createRequest(String paymentId) {
        return post(urlEqualTo("/charges/refunds")).withRequestBody(containing("\"chargeId\":\"" + paymentId + "\""));
    }

    @Override
    protected RequestPatternBuilder createRequests(String paymentId) {
        return postRequestedFor(urlEqualTo("/charges/refunds"))
                .withRequestBody(containing("\"chargeId\":\"" + paymentId + "\""));
    }

    /** The documented answer of POST /refunds. */
    @Override
    protected ResponseDefinitionBuilder refundAnswer(String paymentId, String refundId, long minor, String status) {
        return okJson("""
                {"id": "%s", "chargeId": "%s", "amount": "%d", "currency": "USD", "status": "%s",
                 "reason": "requested_by_customer", "balanceTransactionId": "bt_def456",
                 "createdAt": "2024-01-01T00:00:00.000Z"}""".formatted(refundId, paymentId, minor, status));
    }

    /**
     * The refund names its amount, currency and charge (a refund asked by chargeId: these tests refund charges; one
     * asked by paymentIntentId names the intent's charge, which Refract cannot check), and no reference.
     */
    @Override
    protected Set<Field> fieldsIn(Via via) {
        return EnumSet.of(Field.AMOUNT, Field.CURRENCY, Field.PAYMENT);
    }

    @Override
    protected ResponseDefinitionBuilder answer(Said said) {
        return okJson(
                """
                {"id": "%s", "chargeId": "%s", "amount": "%d", "currency": "%s", "status": "%s",
                 "reason": "requested_by_customer", "balanceTransactionId": "bt_def456",
                 "createdAt": "2024-01-01T00:00:00.000Z"}""".formatted(said.refundId(), said.paymentId(), said.minor(), said.currency(), word(said.status())));
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
                {"code": "charge_already_refunded", "message": "Charge has already been fully refunded"}""");
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
        return "\"amount\":\"" + minor + "\"";
    }

    @Test
    void sendsExactlyOneTargetAndKeepsTheBalanceTransaction() {
        String payment = newPaymentId();
        psp().stubFor(createRequest(payment).willReturn(refundAnswer(payment, "re_abc123", 500, "succeeded")));
        create(Api.refundId(), payment, 500L, 5_000)
                .then()
                .statusCode(200)
                .body("connector_details.balanceTransactionId", equalTo("bt_def456"));
        JsonNode sent =
                WireJson.tree(psp().findAll(createRequests(payment)).get(0).getBodyAsString());
        assertEquals(payment, sent.path("chargeId").asText());
        assertTrue(sent.path("paymentIntentId").isMissingNode(), "exactly one of chargeId and paymentIntentId");
        assertEquals("500", sent.path("amount").asText());
        assertTrue(sent.path("amount").isTextual(), "amount as a string of minor units");
    }

    @Test
    void paymentIntentsAreSentAsPaymentIntentId() {
        String payment = "pi_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        psp().stubFor(post(urlEqualTo("/charges/refunds"))
                .withRequestBody(containing(payment))
                .willReturn(refundAnswer("ch_resolved", "re_pi", 300, "succeeded")));
        create(Api.refundId(), payment, 300L, 5_000).then().statusCode(200);
        JsonNode sent = WireJson.tree(
                psp().findAll(postRequestedFor(urlEqualTo("/charges/refunds")).withRequestBody(containing(payment)))
                        .get(0)
                        .getBodyAsString());
        assertEquals(payment, sent.path("paymentIntentId").asText());
        assertTrue(sent.path("chargeId").isMissingNode());
    }
}
