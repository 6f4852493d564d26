package dev.refract.connector;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.matching.RequestPatternBuilder;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.refract.refund.Refund;
import dev.refract.support.Api;
import dev.refract.support.Db;
import dev.refract.support.PspStandIn;
import dev.refract.support.Workers;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;
import org.hamcrest.Matchers;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every PSP connector must show, end to end: a merchant's request through {@code POST
 * /v1/refunds}, the connector's real HTTP call to a WireMock stand-in of the PSP answering with bodies in the
 * PSP's documented format, and what Refract stores and answers. Each PSP's test extends this and says how its
 * PSP is spoken to.
 */
public abstract class ConnectorContractTest {

    protected Api.TestMerchant merchant;

    /** The connector's name. */
    protected abstract String connector();

    /** A fresh payment id of the shape this PSP uses. */
    protected abstract String newPaymentId();

    /** The admin body that enables the connector for a merchant. */
    protected abstract String accountBody();

    /** Extra create fields the PSP needs (connector_options), or null. */
    protected String extraCreateFields() {
        return null;
    }

    /** Matches this PSP's create-refund request for a payment. */
    protected abstract MappingBuilder createRequest(String paymentId);

    /** All create requests made for a payment, for verification. */
    protected abstract RequestPatternBuilder createRequests(String paymentId);

    /** The PSP's answer to a create, in its documented format, with the given PSP status word. */
    protected abstract ResponseDefinitionBuilder refundAnswer(
            String paymentId, String refundId, long minor, String status);

    /** The PSP's status word for a finished refund, and for one still in progress, as answered to a create. */
    protected abstract String succeededWord();

    protected abstract String pendingWord();

    /** What a create answered with {@link #succeededWord()} becomes (Adyen's create only ever acknowledges). */
    protected String statusOfSucceededCreate() {
        return "SUCCEEDED";
    }

    /** The internal state of such a refund: settled, as far as the create can tell. */
    protected String settledState() {
        return statusOfSucceededCreate();
    }

    /** The PSP's answer to a refund it declines, and the connector code it carries. */
    protected abstract ResponseDefinitionBuilder declineAnswer();

    protected abstract String declineCode();

    /** The header that carries the PSP idempotency key, or null when the key travels in the body. */
    protected abstract String idempotencyHeader();

    /** The amount as this PSP writes it in the request, for a request-body check. */
    protected abstract String amountInRequest(long minor, String currency);

    /** The currency of payments in these tests (Marqeta refunds USD only). */
    protected String currency() {
        return "USD";
    }

    protected static WireMockServer psp() {
        return PspStandIn.server();
    }

    @BeforeEach
    void enableConnector() {
        merchant = Api.newMerchant();
        Api.admin()
                .body(accountBody())
                .put("/admin/v1/merchants/" + merchant.id() + "/connectors/" + connector())
                .then()
                .statusCode(200);
    }

    protected Response create(String refundId, String paymentId, Long amount, long captured) {
        String extra = "\"connector\":\"" + connector() + "\",\"payment_amount\":{\"minor_amount\":" + captured
                + ",\"currency\":\"" + currency() + "\"}"
                + (extraCreateFields() == null ? "" : "," + extraCreateFields());
        return merchant.create(Api.body(refundId, paymentId, amount, currency(), extra));
    }

    protected static String refundId() {
        return "re_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    }

    @Test
    void fullRefundSendsTheWholeRemainingAmount() {
        String payment = newPaymentId();
        psp().stubFor(createRequest(payment).willReturn(refundAnswer(payment, refundId(), 5_000, succeededWord())));
        create(Api.refundId(), payment, null, 5_000)
                .then()
                .statusCode(200)
                .body("status", equalTo(statusOfSucceededCreate()))
                .body("amount.minor_amount", equalTo(5_000))
                .body("connector", equalTo(connector()))
                .body("connector_refund_id", notNullValue());
        List<LoggedRequest> sent = psp().findAll(createRequests(payment));
        assertEquals(1, sent.size());
        assertSentAmount(sent.get(0), 5_000);
    }

    @Test
    void partialRefundsTwiceOnOnePayment() {
        String payment = newPaymentId();
        psp().stubFor(createRequest(payment).willReturn(refundAnswer(payment, refundId(), 1_250, succeededWord())));
        create(Api.refundId(), payment, 1_250L, 5_000)
                .then()
                .statusCode(200)
                .body("amount.minor_amount", equalTo(1_250));
        create(Api.refundId(), payment, 1_250L, 5_000).then().statusCode(200);
        assertEquals(2, psp().findAll(createRequests(payment)).size());
        Db.assertLedgerConsistent(merchant.id(), payment);
        // what remains is 2500; more is refused before the PSP is called
        create(Api.refundId(), payment, 2_501L, 5_000)
                .then()
                .statusCode(422)
                .body("error.code", equalTo("amount_exceeds_refundable"));
        assertEquals(2, psp().findAll(createRequests(payment)).size());
    }

    @Test
    void anAnswerForAnotherAmountIsManualReviewWithTheAmountStillReserved() {
        String payment = newPaymentId();
        psp().stubFor(createRequest(payment).willReturn(refundAnswer(payment, refundId(), 400, succeededWord())));
        create(Api.refundId(), payment, 500L, 5_000)
                .then()
                .statusCode(200)
                .body("status", equalTo("MANUAL_REVIEW"))
                .body("amount.minor_amount", equalTo(500))
                .body("error.code", equalTo("connector_mismatch"))
                .body(
                        "error.message",
                        equalTo("the PSP's answer contradicts the refund; amount: the PSP reported 400,"
                                + " the refund is 500 (" + currency() + " minor units)"));
        assertLedger(payment, 500, 0);
    }

    @Test
    void anAnswerForAnotherPaymentIsManualReview() {
        String payment = newPaymentId();
        String other = newPaymentId();
        psp().stubFor(createRequest(payment).willReturn(refundAnswer(other, refundId(), 500, succeededWord())));
        create(Api.refundId(), payment, 500L, 5_000)
                .then()
                .statusCode(200)
                .body("status", equalTo("MANUAL_REVIEW"))
                .body("error.code", equalTo("connector_mismatch"))
                .body("error.message", Matchers.containsString("payment: the PSP reported "))
                .body("error.message", Matchers.containsString(other))
                .body("error.message", Matchers.endsWith("the refund is of " + payment));
        assertLedger(payment, 500, 0);
    }

    /**
     * The request carries exactly this amount as the PSP writes it: the fragment, not followed by another digit or
     * a decimal point (so {@code amount=50000} or {@code 50.001} never pass for 5000 or 50.00).
     */
    protected void assertSentAmount(LoggedRequest request, long minor) {
        String body = request.getBodyAsString();
        String fragment = amountInRequest(minor, currency());
        assertTrue(
                Pattern.compile(Pattern.quote(fragment) + "(?![0-9.])")
                        .matcher(body)
                        .find(),
                () -> "exactly " + fragment + " in " + body);
    }

    /** The payment's ledger row: what is reserved and what is counted as refunded. */
    protected void assertLedger(String payment, long inFlight, long refunded) {
        var row = Db.one(
                "select in_flight_minor, refunded_minor from payment_ledger where merchant_id = ? "
                        + "and connector_transaction_id = ?",
                merchant.id(),
                payment);
        assertEquals(inFlight, ((Number) row.get("in_flight_minor")).longValue(), "in flight");
        assertEquals(refunded, ((Number) row.get("refunded_minor")).longValue(), "refunded");
    }

    @Test
    void declineIsStoredAsFailedWithThePspsOwnCode() {
        String payment = newPaymentId();
        psp().stubFor(createRequest(payment).willReturn(declineAnswer()));
        create(Api.refundId(), payment, 1_000L, 5_000)
                .then()
                .statusCode(402)
                .body("status", equalTo("FAILED"))
                .body("error.code", equalTo("refund_failed"))
                .body("error.connector_code", equalTo(declineCode()))
                .body("error.connector_message", notNullValue());
        assertEquals(1, psp().findAll(createRequests(payment)).size(), "a decline is never retried");
        Db.assertLedgerConsistent(merchant.id(), payment);
    }

    @Test
    void unknownPspStatusIsPendingNeverFinal() {
        String payment = newPaymentId();
        psp().stubFor(createRequest(payment).willReturn(refundAnswer(payment, refundId(), 1_000, "SOMETHING_NEW")));
        create(Api.refundId(), payment, 1_000L, 5_000)
                .then()
                .statusCode(200)
                .body("status", equalTo("PENDING"))
                .body("connector_status", equalTo("SOMETHING_NEW"));
    }

    @Test
    void pspStatusInProgressIsPending() {
        String payment = newPaymentId();
        psp().stubFor(createRequest(payment).willReturn(refundAnswer(payment, refundId(), 1_000, pendingWord())));
        create(Api.refundId(), payment, 1_000L, 5_000)
                .then()
                .statusCode(200)
                .body("status", equalTo("PENDING"))
                .body("connector_status", equalTo(pendingWord()));
    }

    @Test
    void timeoutIsUnknownAndResentWithTheSameKeyUntilTheAnswerArrives() {
        String payment = newPaymentId();
        String id = Api.refundId();
        psp().stubFor(createRequest(payment)
                .atPriority(1)
                .willReturn(refundAnswer(payment, refundId(), 1_000, succeededWord())
                        .withFixedDelay(2_500)));
        create(id, payment, 1_000L, 5_000).then().statusCode(200).body("status", equalTo("PENDING"));
        assertEquals("UNKNOWN", state(id));

        psp().stubFor(createRequest(payment)
                .atPriority(0)
                .willReturn(refundAnswer(payment, refundId(), 1_000, succeededWord())));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            Workers.janitor();
            assertEquals(settledState(), state(id));
        });
        assertSameIdempotencyKey(payment, id);
    }

    @Test
    void serverErrorIsUnknownThenSettledWithTheSameKey() {
        String payment = newPaymentId();
        String id = Api.refundId();
        psp().stubFor(createRequest(payment)
                .atPriority(1)
                .willReturn(aResponse().withStatus(500)));
        create(id, payment, 1_000L, 5_000).then().statusCode(200).body("status", equalTo("PENDING"));
        assertEquals("UNKNOWN", state(id));
        assertTrue(psp().findAll(createRequests(payment)).size() >= 2, "a 5xx is retried within the call");

        psp().stubFor(createRequest(payment)
                .atPriority(0)
                .willReturn(refundAnswer(payment, refundId(), 1_000, succeededWord())));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            Workers.janitor();
            assertEquals(settledState(), state(id));
        });
        assertSameIdempotencyKey(payment, id);
        Db.assertLedgerConsistent(merchant.id(), payment);
    }

    @Test
    void connectionResetIsUnknownNotFailed() {
        String payment = newPaymentId();
        String id = Api.refundId();
        psp().stubFor(createRequest(payment).willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
        create(id, payment, 1_000L, 5_000).then().statusCode(200).body("status", equalTo("PENDING"));
        assertEquals("UNKNOWN", state(id));
    }

    @Test
    void breakerOpensAfterRepeated5xxAndClosesAgain() {
        String payment = newPaymentId();
        psp().stubFor(createRequest(payment)
                .atPriority(1)
                .willReturn(aResponse().withStatus(503)));
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            create(Api.refundId(), payment, 10L, 5_000).then().statusCode(200);
            return "OPEN".equals(breakerState());
        });
        int before = psp().findAll(createRequests(payment)).size();
        String refused = Api.refundId();
        create(refused, payment, 10L, 5_000).then().statusCode(200).body("status", equalTo("PENDING"));
        assertEquals("RECEIVED", state(refused), "an open breaker is NotSent: accepted, submitted later");
        assertEquals(before, psp().findAll(createRequests(payment)).size(), "nothing reached the PSP");

        psp().stubFor(createRequest(payment)
                .atPriority(0)
                .willReturn(refundAnswer(payment, refundId(), 10, succeededWord())));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            create(Api.refundId(), payment, 10L, 5_000).then().statusCode(200);
            assertEquals("CLOSED", breakerState());
        });
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            Workers.janitor();
            assertEquals(settledState(), state(refused));
        });
    }

    protected String state(String merchantRefundId) {
        return (String) Db.one(
                        "select state from refunds where merchant_id = ? and merchant_refund_id = ?",
                        merchant.id(),
                        merchantRefundId)
                .get("state");
    }

    protected String breakerState() {
        return RestAssured.get("/q/health/ready")
                .then()
                .extract()
                .path("checks.find { it.name == 'PSP circuit breakers' }.data." + connector());
    }

    /** Every create request for the refund carried the same PSP key: the one derived from the refund. */
    protected void assertSameIdempotencyKey(String payment, String merchantRefundId) {
        String expected = Refund.pspReferenceFor(merchant.id(), merchantRefundId);
        List<LoggedRequest> sent = psp().findAll(createRequests(payment));
        assertTrue(sent.size() >= 2, "resent at least once");
        for (LoggedRequest r : sent) {
            String carried = idempotencyHeader() != null ? r.getHeader(idempotencyHeader()) : r.getBodyAsString();
            assertTrue(
                    carried != null && carried.contains(expected),
                    () -> "request without key " + expected + ": " + r.getHeaders() + " " + r.getBodyAsString());
        }
    }

    /** Requests of any kind under this PSP's prefix. */
    protected RequestPatternBuilder anyPspRequest() {
        return anyRequestedFor(urlPathMatching("/" + connector() + "/.*"));
    }
}
