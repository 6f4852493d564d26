package dev.refract.webhook;

import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.stripe.net.Webhook;
import dev.refract.support.Api;
import dev.refract.support.Db;
import dev.refract.support.PostgresResource;
import dev.refract.support.PspStandIn;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Stripe webhooks, signed the way Stripe's own SDK signs them. */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(PspStandIn.class)
public class StripeWebhookTest {

    public static final String SECRET = "whsec_test_refract_endpoint";

    Api.TestMerchant merchant;

    @BeforeEach
    void stripeMerchant() {
        merchant = Api.newMerchant();
        Api.admin()
                .body("{\"credentials\":{\"api_key\":\"sk_test_hooks\"},\"webhook_secret\":\"" + SECRET + "\"}")
                .put("/admin/v1/merchants/" + merchant.id() + "/connectors/stripe")
                .then()
                .statusCode(200);
    }

    /** A pending Stripe refund; answers its merchant_refund_id and Stripe refund id. */
    String[] pendingRefund() {
        String payment = "pi_" + UUID.randomUUID().toString().replace("-", "").substring(0, 20);
        String reId = "re_" + UUID.randomUUID().toString().replace("-", "").substring(0, 20);
        PspStandIn.server()
                .stubFor(post(urlEqualTo("/stripe/v1/refunds"))
                        .withRequestBody(containing(payment))
                        .willReturn(okJson(refund(reId, payment, "pending", null))));
        stubStatusRead(reId, payment);
        String id = Api.refundId();
        merchant.create(Api.body(
                        id, payment, 500L, "USD", "\"payment_amount\":{\"minor_amount\":1000,\"currency\":\"USD\"}"))
                .then()
                .statusCode(200)
                .body("status", equalTo("PENDING"));
        return new String[] {id, reId, payment};
    }

    /**
     * Stripe's answer to the status read of a pending refund: still pending. The packaged application of the ITs
     * runs its janitor live, which reads every pending refund's status; each of these tests stubs that read, so that
     * what it asserts is what its webhooks did, not whatever an unstubbed read happened to answer.
     */
    static void stubStatusRead(String reId, String payment) {
        PspStandIn.server()
                .stubFor(get(urlEqualTo("/stripe/v1/refunds/" + reId))
                        .willReturn(okJson(refund(reId, payment, "pending", null))));
    }

    public static String refund(String reId, String payment, String status, String merchantRefundId) {
        return """
                {"id": "%s", "object": "refund", "amount": 500, "currency": "usd", "payment_intent": "%s",
                 "status": "%s", "metadata": {%s}}""".formatted(
                        reId,
                        payment,
                        status,
                        merchantRefundId == null ? "" : "\"merchant_refund_id\": \"" + merchantRefundId + "\"");
    }

    public static String event(String eventId, String type, String refundObject) {
        return """
                {"id": "%s", "object": "event", "api_version": "2024-06-20", "created": %d, "livemode": false,
                 "type": "%s", "data": {"object": %s}}""".formatted(eventId, Instant.now().getEpochSecond(), type, refundObject);
    }

    Response deliver(String body, String signatureHeader) {
        var request = RestAssured.given().contentType("application/json").body(body);
        if (signatureHeader != null) {
            request.header("Stripe-Signature", signatureHeader);
        }
        return request.post("/webhooks/" + merchant.id() + "/stripe");
    }

    public static String sign(String body, String secret) throws Exception {
        return Webhook.Signature.generateSignatureHeader(body, secret);
    }

    public static String evtId() {
        return "evt_" + UUID.randomUUID().toString().replace("-", "").substring(0, 24);
    }

    @Test
    void verifiedDeliveryIsStoredAndApplied() throws Exception {
        String[] r = pendingRefund();
        String body = event(evtId(), "refund.updated", refund(r[1], r[2], "succeeded", r[0]));
        deliver(body, sign(body, SECRET)).then().statusCode(200).body("received", equalTo(true));
        merchant.get(r[0]).then().body("status", equalTo("SUCCEEDED"));
        assertEquals(
                1,
                Db.count(
                        "select count(*) from webhook_events where merchant_id = ? and applied_at is not null",
                        merchant.id()));
        Db.assertLedgerConsistent(merchant.id(), r[2]);
    }

    @Test
    void aSuccessForAnotherAmountIsManualReviewAndAnOperatorRecordsWhatStripeRefunded() throws Exception {
        String[] r = pendingRefund();
        String body = event(
                evtId(),
                "refund.updated",
                refund(r[1], r[2], "succeeded", r[0]).replace("\"amount\": 500", "\"amount\": 400"));
        deliver(body, sign(body, SECRET)).then().statusCode(200);
        merchant.get(r[0])
                .then()
                .body("status", equalTo("MANUAL_REVIEW"))
                .body("error.code", equalTo("connector_mismatch"))
                .body(
                        "error.message",
                        equalTo("the PSP's answer contradicts the refund; amount: the PSP reported 400,"
                                + " the refund is 500 (USD minor units)"));
        assertLedger(r[2], 500, 0);

        Api.admin()
                .body("{\"status\":\"SUCCEEDED\",\"reason\":\"Stripe dashboard shows 4.00 refunded\","
                        + "\"refunded_minor_amount\":400}")
                .post("/admin/v1/merchants/" + merchant.id() + "/refunds/" + r[0] + "/resolve")
                .then()
                .statusCode(200)
                .body("status", equalTo("SUCCEEDED"))
                .body("amount.minor_amount", equalTo(400));
        assertLedger(r[2], 0, 400);
        Db.assertLedgerConsistent(merchant.id(), r[2]);
        assertEquals(
                "operator: the PSP refunded 400 of the 500 asked (USD minor units): Stripe dashboard shows 4.00 "
                        + "refunded",
                Db.one(
                                "select detail from refund_events e join refunds f on f.id = e.refund_id where "
                                        + "f.merchant_id = ? and f.merchant_refund_id = ? and e.cause = 'OPERATOR'",
                                merchant.id(),
                                r[0])
                        .get("detail"));
        // what remains of the 1000 captured is 600, not 500
        merchant.create(Api.body(Api.refundId(), r[2], 601L, "USD", null))
                .then()
                .statusCode(422)
                .body("error.code", equalTo("amount_exceeds_refundable"));
    }

    @Test
    void aSucceededRefundThatStripeLaterReportsForAnotherAmountIsReservedAgain() throws Exception {
        String[] r = pendingRefund();
        String agreeing = event(evtId(), "refund.updated", refund(r[1], r[2], "succeeded", r[0]));
        deliver(agreeing, sign(agreeing, SECRET)).then().statusCode(200);
        merchant.get(r[0]).then().body("status", equalTo("SUCCEEDED"));
        assertLedger(r[2], 0, 500);
        String contradicting = event(
                evtId(),
                "charge.refund.updated",
                refund(r[1], r[2], "succeeded", r[0]).replace("\"currency\": \"usd\"", "\"currency\": \"eur\""));
        deliver(contradicting, sign(contradicting, SECRET)).then().statusCode(200);
        merchant.get(r[0])
                .then()
                .body("status", equalTo("MANUAL_REVIEW"))
                .body(
                        "error.message",
                        equalTo("the PSP's answer contradicts the refund; currency: the PSP reported EUR,"
                                + " the refund is in USD"));
        assertLedger(r[2], 500, 0);
    }

    private void assertLedger(String payment, long inFlight, long refunded) {
        var row = Db.one(
                "select in_flight_minor, refunded_minor from payment_ledger where merchant_id = ? "
                        + "and connector_transaction_id = ?",
                merchant.id(),
                payment);
        assertEquals(inFlight, ((Number) row.get("in_flight_minor")).longValue(), "in flight");
        assertEquals(refunded, ((Number) row.get("refunded_minor")).longValue(), "refunded");
    }

    @Test
    void tamperedBodyWrongSecretStaleOrMissingSignatureAre401AndChangeNothing() throws Exception {
        String[] r = pendingRefund();
        String body = event(evtId(), "refund.updated", refund(r[1], r[2], "succeeded", r[0]));
        deliver(body.replace("\"amount\": 500", "\"amount\": 50"), sign(body, SECRET))
                .then()
                .statusCode(401)
                .body("error.code", equalTo("invalid_signature"));
        deliver(body, sign(body, "whsec_someone_else")).then().statusCode(401);
        long stale = Instant.now().getEpochSecond() - 301;
        deliver(body, Webhook.Signature.generateSignatureHeader(body, SECRET, stale))
                .then()
                .statusCode(401);
        deliver(body, null).then().statusCode(401);
        deliver(body, "t=" + Instant.now().getEpochSecond() + ",v1=zz").then().statusCode(401);
        merchant.get(r[0]).then().body("status", equalTo("PENDING"));
        assertEquals(0, Db.count("select count(*) from webhook_events where merchant_id = ?", merchant.id()));
    }

    @Test
    void anyOfSeveralV1SignaturesMayMatchDuringSecretRotation() throws Exception {
        String[] r = pendingRefund();
        String body = event(evtId(), "refund.updated", refund(r[1], r[2], "succeeded", r[0]));
        long t = Instant.now().getEpochSecond();
        String oldSig = Webhook.Signature.generateSignatureHeader(body, "whsec_old_secret", t)
                .split("v1=")[1];
        String newSig =
                Webhook.Signature.generateSignatureHeader(body, SECRET, t).split("v1=")[1];
        deliver(body, "t=" + t + ",v1=" + oldSig + ",v1=" + newSig).then().statusCode(200);
        merchant.get(r[0]).then().body("status", equalTo("SUCCEEDED"));
    }

    @Test
    void duplicateDeliveryChangesNothingTwice() throws Exception {
        String[] r = pendingRefund();
        String body = event(evtId(), "refund.updated", refund(r[1], r[2], "succeeded", r[0]));
        deliver(body, sign(body, SECRET)).then().statusCode(200);
        deliver(body, sign(body, SECRET)).then().statusCode(200);
        assertEquals(1, Db.count("select count(*) from webhook_events where merchant_id = ?", merchant.id()));
        assertEquals(
                1,
                Db.count(
                        "select count(*) from refund_events e join refunds r on r.id = e.refund_id "
                                + "where r.merchant_id = ? and e.cause = 'WEBHOOK'",
                        merchant.id()));
    }

    @Test
    void outOfOrderDeliveriesEndInTheLatestState() throws Exception {
        String[] r = pendingRefund();
        String succeeded = event(evtId(), "refund.updated", refund(r[1], r[2], "succeeded", r[0]));
        String pending = event(evtId(), "refund.created", refund(r[1], r[2], "pending", r[0]));
        String failed = event(evtId(), "refund.failed", refund(r[1], r[2], "failed", r[0]));
        deliver(succeeded, sign(succeeded, SECRET)).then().statusCode(200);
        deliver(pending, sign(pending, SECRET)).then().statusCode(200); // late: must not move it back
        merchant.get(r[0]).then().body("status", equalTo("SUCCEEDED"));
        deliver(failed, sign(failed, SECRET)).then().statusCode(200); // Stripe may fail a refund after success
        merchant.get(r[0]).then().body("status", equalTo("FAILED"));
        Db.assertLedgerConsistent(merchant.id(), r[2]);
    }

    @Test
    void concurrentDeliveriesOfTheSameAndOfLaterEventsApplyOnceAndEndSucceeded() throws Exception {
        String[] r = pendingRefund();
        String succeeded = event(evtId(), "refund.updated", refund(r[1], r[2], "succeeded", r[0]));
        String pending = event(evtId(), "refund.updated", refund(r[1], r[2], "pending", r[0]));
        String signedSucceeded = sign(succeeded, SECRET);
        String signedPending = sign(pending, SECRET);
        ExecutorService pool = Executors.newFixedThreadPool(12);
        try {
            List<Future<Integer>> answers = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                boolean late = i % 3 == 0;
                answers.add(pool.submit(() -> late
                        ? deliver(pending, signedPending).statusCode()
                        : deliver(succeeded, signedSucceeded).statusCode()));
            }
            for (var answer : answers) {
                assertEquals(200, answer.get());
            }
        } finally {
            pool.shutdownNow();
        }
        merchant.get(r[0]).then().body("status", equalTo("SUCCEEDED"));
        assertEquals(2, Db.count("select count(*) from webhook_events where merchant_id = ?", merchant.id()));
        assertEquals(
                1,
                Db.count(
                        "select count(*) from refund_events e join refunds x on x.id = e.refund_id "
                                + "where x.merchant_id = ? and e.to_state = 'SUCCEEDED'",
                        merchant.id()));
        Db.assertLedgerConsistent(merchant.id(), r[2]);
    }

    @Test
    void eventForAnUnknownRefundIsKeptAndAnswered200() throws Exception {
        String body = event(evtId(), "refund.updated", refund("re_nobody", "pi_nobody", "succeeded", "not_ours"));
        deliver(body, sign(body, SECRET)).then().statusCode(200);
        assertEquals(
                1,
                Db.count(
                        "select count(*) from webhook_events where merchant_id = ? and applied_at is null "
                                + "and connector_refund_id = 're_nobody'",
                        merchant.id()));
    }

    @Test
    void webhookArrivingBeforeTheCreateAnswerIsWrittenEndsConsistent() throws Exception {
        String payment = "pi_" + UUID.randomUUID().toString().replace("-", "").substring(0, 20);
        String reId = "re_race_" + UUID.randomUUID().toString().substring(0, 8);
        String id = Api.refundId();
        stubStatusRead(reId, payment);
        PspStandIn.server()
                .stubFor(post(urlEqualTo("/stripe/v1/refunds"))
                        .withRequestBody(containing(payment))
                        .willReturn(okJson(refund(reId, payment, "pending", id)).withFixedDelay(700)));
        CompletableFuture<Response> create = CompletableFuture.supplyAsync(() -> merchant.create(
                Api.body(id, payment, 500L, "USD", "\"payment_amount\":{\"minor_amount\":1000,\"currency\":\"USD\"}")));
        // Stripe has the create (so the refund is recorded: it is committed before Stripe is called) and its answer
        // is still 700 ms away: the webhook lands in that gap however slow the machine is
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(() -> !PspStandIn.server()
                        .findAll(postRequestedFor(urlEqualTo("/stripe/v1/refunds"))
                                .withRequestBody(containing(payment)))
                        .isEmpty());
        String body = event(evtId(), "refund.updated", refund(reId, payment, "succeeded", id));
        deliver(body, sign(body, SECRET)).then().statusCode(200);
        create.get().then().statusCode(200);
        merchant.get(id).then().body("status", equalTo("SUCCEEDED")).body("connector_refund_id", equalTo(reId));
        Db.assertLedgerConsistent(merchant.id(), payment);
    }

    @Test
    void timedOutCreateGetsItsStripeIdFromTheWebhook() throws Exception {
        String payment = "pi_" + UUID.randomUUID().toString().replace("-", "").substring(0, 20);
        String reId = "re_late_" + UUID.randomUUID().toString().substring(0, 8);
        String id = Api.refundId();
        stubStatusRead(reId, payment);
        PspStandIn.server()
                .stubFor(post(urlEqualTo("/stripe/v1/refunds"))
                        .withRequestBody(containing(payment))
                        .willReturn(okJson(refund(reId, payment, "pending", id)).withFixedDelay(3_000)));
        merchant.create(Api.body(
                        id, payment, 500L, "USD", "\"payment_amount\":{\"minor_amount\":1000,\"currency\":\"USD\"}"))
                .then()
                .statusCode(200)
                .body("connector_refund_id", equalTo(null));
        String body = event(evtId(), "refund.created", refund(reId, payment, "pending", id));
        deliver(body, sign(body, SECRET)).then().statusCode(200);
        merchant.get(id).then().body("status", equalTo("PENDING")).body("connector_refund_id", equalTo(reId));
        assertEquals(
                "PENDING",
                Db.one("select state from refunds where merchant_id = ? and merchant_refund_id = ?", merchant.id(), id)
                        .get("state"),
                "known to the PSP now: synced, not resent blindly");
    }

    @Test
    void webhooksOfAnotherMerchantCannotTouchThisMerchantsRefunds() throws Exception {
        String[] r = pendingRefund();
        Api.TestMerchant intruder = Api.newMerchant();
        Api.admin()
                .body("{\"credentials\":{\"api_key\":\"sk_test_x\"},\"webhook_secret\":\"whsec_intruder\"}")
                .put("/admin/v1/merchants/" + intruder.id() + "/connectors/stripe")
                .then()
                .statusCode(200);
        String body = event(evtId(), "refund.updated", refund(r[1], r[2], "succeeded", r[0]));
        RestAssured.given()
                .contentType("application/json")
                .body(body)
                .header("Stripe-Signature", sign(body, "whsec_intruder"))
                .post("/webhooks/" + intruder.id() + "/stripe")
                .then()
                .statusCode(200);
        merchant.get(r[0]).then().body("status", equalTo("PENDING"));
    }
}
