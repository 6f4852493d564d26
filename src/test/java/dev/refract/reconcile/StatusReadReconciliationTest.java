package dev.refract.reconcile;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.refract.support.Api;
import dev.refract.support.Db;
import dev.refract.support.PostgresResource;
import dev.refract.support.PspStandIn;
import dev.refract.support.Reconciling;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Exodus and the charges API cannot list their refunds: a run asks each about every refund of the window it named,
 * and compares what it says. One that agrees, one that settled without telling, one whose amount differs, one the
 * PSP says it does not have; and an outage in the middle, which stops the run at that refund.
 */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(PspStandIn.class)
class StatusReadReconciliationTest {

    static String exodusRefund(String id, String payment, long amount, String status) {
        return """
                {"id": "%s", "object": "refund", "payment_id": "%s", "amount": %d, "currency": "USD", "status": "%s",
                 "stablecoin": "USDC", "network": "ethereum", "destination_address": "0xabc", "metadata": {}}""".formatted(id, payment, amount, status);
    }

    /** A refund through the API, which Exodus answers with {@code id} in {@code status}. */
    static String exodusCreate(Api.TestMerchant m, String id, long amount, String status) {
        String payment = Reconciling.id("pay_");
        PspStandIn.server()
                .stubFor(post(urlEqualTo("/exodus/refunds"))
                        .withRequestBody(containing(payment))
                        .willReturn(okJson(exodusRefund(id, payment, amount, status))));
        String merchantRefundId = Reconciling.id("ex_");
        m.create(Api.body(
                        merchantRefundId,
                        payment,
                        amount,
                        "USD",
                        "\"payment_amount\":{\"minor_amount\":10000,\"currency\":\"USD\"}"))
                .then()
                .statusCode(200);
        Reconciling.named(m.id(), merchantRefundId);
        PspStandIn.server()
                .stubFor(get(urlEqualTo("/exodus/refunds/" + id))
                        .willReturn(okJson(exodusRefund(id, payment, amount, "succeeded"))));
        return merchantRefundId;
    }

    @Test
    void exodusIsAskedAboutEachRefundOfTheWindow() {
        Instant from = Instant.now().minusSeconds(5);
        Api.TestMerchant m = Api.newMerchant();
        m.useConnector("exodus", "{\"credentials\":{\"api_key\":\"sk_exodus_reconcile\"}}");
        String agrees = exodusCreate(m, Reconciling.id("ref_a"), 1_000, "succeeded");
        String settledQuietly = exodusCreate(m, Reconciling.id("ref_b"), 200, "pending");
        String differsId = Reconciling.id("ref_c");
        String differs = exodusCreate(m, differsId, 1_000, "succeeded");
        PspStandIn.server()
                .stubFor(get(urlEqualTo("/exodus/refunds/" + differsId))
                        .willReturn(okJson(exodusRefund(differsId, "pay_x", 990, "succeeded"))));
        String goneId = Reconciling.id("ref_d");
        String gone = exodusCreate(m, goneId, 300, "succeeded");
        PspStandIn.server()
                .stubFor(
                        get(urlEqualTo("/exodus/refunds/" + goneId))
                                .willReturn(
                                        aResponse()
                                                .withStatus(404)
                                                .withHeader("Content-Type", "application/json")
                                                .withBody(
                                                        "{\"error\": {\"type\": \"invalid_request\", \"message\": \"No such refund\"}}")));

        JsonPath run = Reconciling.workAndRead(Reconciling.start(m.id(), "exodus", from, Instant.now()));

        assertEquals("completed", run.getString("status"));
        assertEquals("status_reads", run.getString("source"));
        assertEquals(2, run.getInt("counts.matched"));
        assertEquals(1, run.getInt("counts.mismatched"));
        assertEquals(1, run.getInt("counts.missing_at_psp"));
        assertEquals(0, run.getInt("counts.adopted"));
        assertEquals("SUCCEEDED", state(m, agrees));
        assertEquals("SUCCEEDED", state(m, settledQuietly));
        assertEquals("MANUAL_REVIEW", state(m, differs));
        assertEquals("SUCCEEDED", state(m, gone));
        List<Map<String, Object>> exceptions = run.getList("exceptions");
        Map<String, Object> missing = StripeReconciliationTest.exception(exceptions, "missing_at_psp");
        assertEquals(gone, missing.get("merchant_refund_id"));
        assertTrue(((String) missing.get("detail")).contains("exodus: no refund " + goneId), missing.toString());
        Map<String, Object> mismatched = StripeReconciliationTest.exception(exceptions, "mismatched");
        assertTrue(((String) mismatched.get("detail")).contains("the PSP reported 990"), mismatched.toString());
        for (String id : List.of(differsId, goneId)) {
            assertEquals(
                    1,
                    PspStandIn.server()
                            .findAll(getRequestedFor(urlEqualTo("/exodus/refunds/" + id)))
                            .size());
        }
    }

    @Test
    void anOutageStopsTheRunAtTheRefundItCouldNotAskAbout() {
        Instant from = Instant.now().minusSeconds(5);
        Api.TestMerchant m = Api.newMerchant();
        m.useConnector("exodus", "{\"credentials\":{\"api_key\":\"sk_exodus_reconcile\"}}");
        String first = exodusCreate(m, Reconciling.id("ref_e"), 100, "pending");
        String downId = Reconciling.id("ref_f");
        String down = exodusCreate(m, downId, 100, "pending");
        String after = exodusCreate(m, Reconciling.id("ref_g"), 100, "pending");
        PspStandIn.server()
                .stubFor(get(urlEqualTo("/exodus/refunds/" + downId))
                        .willReturn(aResponse().withStatus(503)));

        JsonPath run = Reconciling.workAndRead(Reconciling.start(m.id(), "exodus", from, Instant.now()));

        assertEquals("failed", run.getString("status"));
        assertTrue(run.getString("failure.reason").contains(downId), run.getString("failure.reason"));
        assertTrue(run.getString("failure.stopped_at").contains(down), run.getString("failure.stopped_at"));
        assertEquals(1, run.getInt("counts.matched"));
        assertEquals("SUCCEEDED", state(m, first), "settled before the outage");
        assertEquals("PENDING", state(m, down));
        assertEquals("PENDING", state(m, after), "not reached: untouched");
    }

    @Test
    void theChargesApiIsAskedAtItsRefundsPath() {
        Instant from = Instant.now().minusSeconds(5);
        Api.TestMerchant m = Api.newMerchant();
        m.useConnector("charges", "{\"credentials\":{\"api_key\":\"key_charges_reconcile\"}}");
        String kept = chargesCreate(m, Reconciling.id("re_k"), true);
        String lost = chargesCreate(m, Reconciling.id("re_l"), false);

        JsonPath run = Reconciling.workAndRead(Reconciling.start(m.id(), "charges", from, Instant.now()));

        assertEquals("completed", run.getString("status"));
        assertEquals(1, run.getInt("counts.matched"));
        assertEquals(1, run.getInt("counts.missing_at_psp"));
        assertEquals(
                lost,
                StripeReconciliationTest.exception(run.getList("exceptions"), "missing_at_psp")
                        .get("merchant_refund_id"));
        assertEquals("SUCCEEDED", state(m, kept));
    }

    /** A charges refund; {@code kept}: the API still has it, else it answers its own 404 for it. */
    static String chargesCreate(Api.TestMerchant m, String id, boolean kept) {
        String charge = Reconciling.id("ch_");
        String object = """
                {"id": "%s", "chargeId": "%s", "amount": "500", "currency": "USD", "status": "succeeded",
                 "balanceTransactionId": "bt_1", "createdAt": "2024-01-01T00:00:00.000Z"}""".formatted(id, charge);
        PspStandIn.server()
                .stubFor(post(urlEqualTo("/charges/refunds"))
                        .withRequestBody(containing(charge))
                        .willReturn(okJson(object)));
        PspStandIn.server()
                .stubFor(
                        get(urlEqualTo("/charges/refunds/" + id))
                                .willReturn(
                                        kept
                                                ? okJson(object)
                                                : aResponse()
                                                        .withStatus(404)
                                                        .withHeader("Content-Type", "application/json")
                                                        .withBody(
                                                                "{\"code\": \"resource_missing\", \"message\": \"No such refund\"}")));
        String merchantRefundId = Reconciling.id("ch_r_");
        m.create(Api.body(
                        merchantRefundId,
                        charge,
                        500L,
                        "USD",
                        "\"connector\":\"charges\",\"payment_amount\":{\"minor_amount\":5000,\"currency\":\"USD\"}"))
                .then()
                .statusCode(200);
        Reconciling.named(m.id(), merchantRefundId);
        return merchantRefundId;
    }

    static String state(Api.TestMerchant m, String merchantRefundId) {
        return (String) Db.one(
                        "select state from refunds where merchant_id = ? and merchant_refund_id = ?",
                        m.id(),
                        merchantRefundId)
                .get("state");
    }
}
