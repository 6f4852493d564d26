package dev.refract.connector;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import dev.refract.support.Api;
import dev.refract.support.Db;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The answers that are not the PSP's decision: an error status with an HTML page, an empty body or JSON of another
 * shape (what a proxy, a load balancer or a wrong base URL gives), a redirect, a timeout. None of them may settle a
 * refund: to a create they are Unknown (resent with the same key), to a status read they leave the refund as it is
 * and count an attempt. Each case checks what the merchant's money depends on: no FAILED, the amount still reserved
 * (a second refund that needs it is refused 422), no {@code refund.failed} notification written.
 */
public abstract class PspAnswersContractTest extends ConnectorContractTest {

    /** Which PSP call gets the answer. */
    public enum Call {
        CREATE,
        READ
    }

    /** What the answer's body is. */
    public enum Body {
        HTML,
        EMPTY,
        OTHER_JSON,
        TIMEOUT,
        /** The PSP's own decline, in its own format: a decline to a create, but to a status read no status at all. */
        PSP_ERROR
    }

    static final String HTML_PAGE = "<html><head><title>%d</title></head><body><center><h1>%d</h1></center>"
            + "<hr><center>nginx</center></body></html>";
    static final String OTHER_JSON =
            "{\"message\":\"upstream connect error\",\"status\":\"error\",\"detail\":\"reset\"}";

    /** Matches this PSP's status read of the refund, or null when the PSP has none (Adyen, the charges API). */
    protected MappingBuilder readRequest(String paymentId, String connectorRefundId) {
        return null;
    }

    /** The PSP's own "no such refund" to a status read, in its documented error format. */
    protected ResponseDefinitionBuilder noSuchRefundAnswer(String connectorRefundId) {
        return null;
    }

    static List<Arguments> answersNotThePsps() {
        List<Arguments> cases = new ArrayList<>();
        for (Call call : Call.values()) {
            for (int status : new int[] {302, 400, 404, 409, 500, 502, 503}) {
                for (Body body : List.of(Body.HTML, Body.EMPTY, Body.OTHER_JSON)) {
                    cases.add(Arguments.of(call, status, body));
                }
            }
            cases.add(Arguments.of(call, 200, Body.TIMEOUT));
        }
        cases.add(Arguments.of(Call.READ, 400, Body.PSP_ERROR));
        return cases;
    }

    private ResponseDefinitionBuilder answer(int status, Body body, String paymentId, String refundId) {
        return switch (body) {
            case HTML ->
                aResponse()
                        .withStatus(status)
                        .withHeader("Content-Type", "text/html")
                        .withHeader("Location", "http://localhost:1/elsewhere")
                        .withBody(HTML_PAGE.formatted(status, status));
            case EMPTY -> aResponse().withStatus(status).withHeader("Location", "http://localhost:1/elsewhere");
            case OTHER_JSON ->
                aResponse()
                        .withStatus(status)
                        .withHeader("Content-Type", "application/json")
                        .withBody(OTHER_JSON);
            case TIMEOUT ->
                refundAnswer(paymentId, refundId, 1_000, succeededWord()).withFixedDelay(2_500);
            case PSP_ERROR -> declineAnswer();
        };
    }

    @ParameterizedTest(name = "{0} answered {1} with {2}")
    @MethodSource("answersNotThePsps")
    void anAnswerThatIsNotThePspsDecisionSettlesNothing(Call call, int status, Body body) {
        String payment = newPaymentId();
        String id = Api.refundId();
        if (call == Call.CREATE) {
            psp().stubFor(createRequest(payment).willReturn(answer(status, body, payment, refundId())));
            create(id, payment, 1_000L, 1_000).then().statusCode(200).body("status", equalTo("PENDING"));
            assertTrue(Set.of("RECEIVED", "UNKNOWN").contains(state(id)), () -> "not settled: " + state(id));
        } else {
            Assumptions.assumeTrue(readRequest(payment, "x") != null, connector() + " has no status read");
            psp().stubFor(createRequest(payment).willReturn(refundAnswer(payment, refundId(), 1_000, pendingWord())));
            String pspId = create(id, payment, 1_000L, 1_000)
                    .then()
                    .statusCode(200)
                    .body("status", equalTo("PENDING"))
                    .body("connector_refund_id", notNullValue())
                    .extract()
                    .path("connector_refund_id");
            long attempts = attempts(id);
            psp().stubFor(readRequest(payment, pspId).willReturn(answer(status, body, payment, pspId)));
            merchant.sync(id)
                    .then()
                    .statusCode(200)
                    .body("status", equalTo("PENDING"))
                    .body("connector_status", equalTo(pendingWord()))
                    .body("connector_refund_id", equalTo(pspId));
            assertEquals("PENDING", state(id));
            assertEquals(attempts + 1, attempts(id), "a read that learned nothing counts toward MANUAL_REVIEW");
        }
        assertStillReserved(payment);
    }

    @Test
    void theConnectorsOwnNoSuchRefundForARefundItNamedIsManualReviewWithTheAmountReserved() {
        String payment = newPaymentId();
        Assumptions.assumeTrue(readRequest(payment, "x") != null, connector() + " has no status read");
        String id = Api.refundId();
        psp().stubFor(createRequest(payment).willReturn(refundAnswer(payment, refundId(), 1_000, pendingWord())));
        String pspId = create(id, payment, 1_000L, 1_000)
                .then()
                .statusCode(200)
                .body("status", equalTo("PENDING"))
                .extract()
                .path("connector_refund_id");
        psp().stubFor(readRequest(payment, pspId).willReturn(noSuchRefundAnswer(pspId)));
        merchant.sync(id)
                .then()
                .statusCode(200)
                .body("status", equalTo("MANUAL_REVIEW"))
                .body("error.code", equalTo("connector_mismatch"))
                .body("connector_refund_id", equalTo(pspId));
        assertEquals("MANUAL_REVIEW", state(id));
        assertStillReserved(payment);
    }

    /**
     * Each case leaves an unsettled refund behind, as it should; parked out of the janitor's way afterwards, so that
     * later tests' janitor runs (a batch of 50) work their own refunds, not these.
     */
    @AfterEach
    void parkUnsettledRefunds() {
        Db.execute("update refunds set next_action_at = null where merchant_id = ?", merchant.id());
    }

    /** The whole 1000 captured is still reserved, nothing counted as refunded, no refund.failed written. */
    private void assertStillReserved(String payment) {
        assertLedger(payment, 1_000, 0);
        create(Api.refundId(), payment, 1L, 1_000)
                .then()
                .statusCode(422)
                .body("error.code", equalTo("amount_exceeds_refundable"));
        assertEquals(
                0,
                Db.count(
                        "select count(*) from outbox where merchant_id = ? and event_type = 'refund.failed'",
                        merchant.id()),
                "no refund.failed notification");
    }

    private long attempts(String merchantRefundId) {
        return ((Number) Db.one(
                                "select attempts from refunds where merchant_id = ? and merchant_refund_id = ?",
                                merchant.id(),
                                merchantRefundId)
                        .get("attempts"))
                .longValue();
    }
}
