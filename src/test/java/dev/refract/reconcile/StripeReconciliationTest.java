package dev.refract.reconcile;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static dev.refract.support.Reconciling.stripeListing;
import static dev.refract.support.Reconciling.stripePage;
import static dev.refract.support.Reconciling.stripeRefundJson;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
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
 * A Stripe account reconciled against Stripe's refund list, served by the stand-in in pages: refunds that agree,
 * one whose success no webhook ever reported, one whose amount Stripe has otherwise, one Stripe never made, one made
 * in Stripe's dashboard, and yen and dinars; a 429 in the middle of the pages, an outage that fails the run, and
 * reruns that change nothing twice. Everything is checked in the database.
 */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(PspStandIn.class)
class StripeReconciliationTest {

    /** Refract's side: six refunds of one merchant, and what Stripe's books say of each (and of one more). */
    record Books(
            Api.TestMerchant merchant,
            Instant from,
            String settled,
            String unreported,
            String amountDiffers,
            String yen,
            String dinars,
            String missing,
            String dashboard,
            List<String> page1,
            List<String> page2,
            List<String> page3) {

        String re(String merchantRefundId) {
            return (String) Db.one(
                            "select connector_refund_id from refunds where merchant_id = ? and merchant_refund_id = ?",
                            merchant.id(),
                            merchantRefundId)
                    .get("connector_refund_id");
        }
    }

    static Books books() {
        Instant from = Instant.now().minusSeconds(5);
        Api.TestMerchant m = Reconciling.stripeMerchant();
        String settled = Reconciling.id("settled_");
        String unreported = Reconciling.id("unreported_");
        String differs = Reconciling.id("differs_");
        String yen = Reconciling.id("yen_");
        String dinars = Reconciling.id("dinars_");
        String missing = Reconciling.id("missing_");
        String[] re = {
            Reconciling.id("re_a"),
            Reconciling.id("re_b"),
            Reconciling.id("re_c"),
            Reconciling.id("re_d"),
            Reconciling.id("re_e"),
            Reconciling.id("re_f"),
            Reconciling.id("re_dash")
        };
        String[] pi = {
            Reconciling.id("pi_a"),
            Reconciling.id("pi_b"),
            Reconciling.id("pi_c"),
            Reconciling.id("pi_d"),
            Reconciling.id("pi_e"),
            Reconciling.id("pi_f"),
            Reconciling.id("pi_dash")
        };
        Reconciling.stripeRefund(m, settled, pi[0], 1_000, "USD", re[0], "succeeded");
        // Stripe answered pending, and the webhook of its success never came
        Reconciling.stripeRefund(m, unreported, pi[1], 300, "USD", re[1], "pending");
        Reconciling.stripeRefund(m, differs, pi[2], 1_000, "USD", re[2], "succeeded");
        Reconciling.stripeRefund(m, yen, pi[3], 500, "JPY", re[3], "succeeded");
        Reconciling.stripeRefund(m, dinars, pi[4], 5_120, "KWD", re[4], "succeeded");
        Reconciling.stripeRefund(m, missing, pi[5], 400, "USD", re[5], "succeeded");
        List<String> page1 = List.of(
                stripeRefundJson(re[0], pi[0], 1_000, "USD", "succeeded", settled),
                stripeRefundJson(re[1], pi[1], 300, "USD", "succeeded", unreported));
        List<String> page2 = List.of(
                stripeRefundJson(re[2], pi[2], 900, "USD", "succeeded", differs),
                stripeRefundJson(re[3], pi[3], 500, "JPY", "succeeded", yen));
        List<String> page3 = List.of(
                stripeRefundJson(re[4], pi[4], 5_120, "KWD", "succeeded", dinars),
                stripeRefundJson(re[6], pi[6], 700, "USD", "succeeded", null));
        return new Books(m, from, settled, unreported, differs, yen, dinars, missing, re[6], page1, page2, page3);
    }

    static void stubPages(Books b, boolean rateLimitPage2) {
        PspStandIn.server().stubFor(stripeListing(null).willReturn(Reconciling.ok(stripePage(b.page1(), true))));
        if (rateLimitPage2) {
            PspStandIn.server()
                    .stubFor(stripeListing(b.re(b.unreported()))
                            .inScenario("paced")
                            .whenScenarioStateIs(Scenario.STARTED)
                            .willReturn(aResponse()
                                    .withStatus(429)
                                    .withHeader("Retry-After", "1")
                                    .withHeader("Content-Type", "application/json")
                                    .withBody(
                                            "{\"error\":{\"type\":\"invalid_request_error\",\"code\":\"rate_limit\"}}"))
                            .willSetStateTo("after the wait"));
            PspStandIn.server()
                    .stubFor(stripeListing(b.re(b.unreported()))
                            .inScenario("paced")
                            .whenScenarioStateIs("after the wait")
                            .willReturn(Reconciling.ok(stripePage(b.page2(), true))));
        } else {
            PspStandIn.server()
                    .stubFor(stripeListing(b.re(b.unreported()))
                            .willReturn(Reconciling.ok(stripePage(b.page2(), true))));
        }
        PspStandIn.server()
                .stubFor(stripeListing(b.re(b.yen())).willReturn(Reconciling.ok(stripePage(b.page3(), false))));
    }

    @Test
    void everyKindOfDifferenceIsFoundAcrossPagesAndARateLimitIsWaitedOut() {
        Books b = books();
        stubPages(b, true);
        Instant to = Instant.now();

        String runId = Reconciling.start(b.merchant().id(), "stripe", b.from(), to);
        JsonPath run = Reconciling.workAndRead(runId);

        assertEquals("completed", run.getString("status"));
        assertEquals(4, run.getInt("counts.matched"), "settled, unreported, yen, dinars");
        assertEquals(1, run.getInt("counts.adopted"));
        assertEquals(1, run.getInt("counts.mismatched"));
        assertEquals(1, run.getInt("counts.missing_at_psp"));
        assertEquals(6, run.getLong("psp_records"));
        List<Map<String, Object>> exceptions = run.getList("exceptions");
        assertEquals(3, exceptions.size(), exceptions.toString());

        // the refund Stripe has for 900 where Refract has 1000: MANUAL_REVIEW, its 1000 kept reserved
        Map<String, Object> mismatched = exception(exceptions, "mismatched");
        assertEquals(b.amountDiffers(), mismatched.get("merchant_refund_id"));
        String detail = (String) mismatched.get("detail");
        assertTrue(detail.contains("the PSP reported 900") && detail.contains("the refund is 1000"), detail);
        Map<String, Object> differs = refund(b, b.amountDiffers());
        assertEquals("MANUAL_REVIEW", differs.get("state"));
        assertTrue(((String) differs.get("error")).contains("connector_mismatch"), (String) differs.get("error"));
        Map<String, Object> ledger = ledger(b, differs);
        assertEquals(1_000L, ((Number) ledger.get("in_flight_minor")).longValue());
        assertEquals(0L, ((Number) ledger.get("refunded_minor")).longValue());

        // the success no webhook reported is settled, the event log naming reconciliation
        assertEquals("SUCCEEDED", refund(b, b.unreported()).get("state"));
        assertEquals(1, events(b, b.unreported(), "RECONCILIATION"));

        // Refract's SUCCEEDED refund Stripe never made, named with both sides
        Map<String, Object> missing = exception(exceptions, "missing_at_psp");
        assertEquals(b.missing(), missing.get("merchant_refund_id"));
        assertTrue(((String) missing.get("detail")).contains("400 USD minor units"), (String) missing.get("detail"));
        assertEquals("SUCCEEDED", refund(b, b.missing()).get("state"), "missing at the PSP is reported, not changed");

        // the dashboard's refund is adopted as a webhook would adopt it: counted in its payment's ledger
        Map<String, Object> adopted = exception(exceptions, "adopted");
        String external = "external:stripe:" + b.dashboard();
        assertEquals(external, adopted.get("merchant_refund_id"));
        Map<String, Object> adoptedRefund = refund(b, external);
        assertEquals("SUCCEEDED", adoptedRefund.get("state"));
        assertEquals(700L, ((Number) adoptedRefund.get("amount_minor")).longValue());
        assertEquals(700L, ((Number) ledger(b, adoptedRefund).get("refunded_minor")).longValue());

        // yen and dinars in their own minor units agree
        assertEquals("SUCCEEDED", refund(b, b.yen()).get("state"));
        assertEquals("SUCCEEDED", refund(b, b.dinars()).get("state"));

        // the 429 was waited out as long as Stripe asked, and no page was read twice otherwise
        List<LoggedRequest> page2 = PspStandIn.server()
                .findAll(getRequestedFor(urlPathEqualTo("/stripe/v1/refunds"))
                        .withQueryParam("starting_after", WireMock.equalTo(b.re(b.unreported()))));
        assertEquals(2, page2.size());
        long waited = page2.get(1).getLoggedDate().getTime()
                - page2.get(0).getLoggedDate().getTime();
        assertTrue(waited >= 950, "waited " + waited + " ms of the second Stripe asked for");
        assertEquals(
                4,
                PspStandIn.server()
                        .findAll(getRequestedFor(urlPathEqualTo("/stripe/v1/refunds")))
                        .size());

        // a rerun of the window changes nothing twice
        long eventsBefore = Db.count(
                "select count(*) from refund_events e join refunds r on r.id = e.refund_id where r.merchant_id = ?",
                b.merchant().id());
        long outboxBefore = Db.count(
                "select count(*) from outbox where merchant_id = ?",
                b.merchant().id());
        JsonPath rerun = Reconciling.workAndRead(Reconciling.start(b.merchant().id(), "stripe", b.from(), to));
        assertEquals("completed", rerun.getString("status"));
        assertEquals(5, rerun.getInt("counts.matched"), "the adopted refund is Refract's now");
        assertEquals(0, rerun.getInt("counts.adopted"));
        assertEquals(1, rerun.getInt("counts.mismatched"), "still waiting for an operator");
        assertEquals(1, rerun.getInt("counts.missing_at_psp"));
        assertEquals(
                eventsBefore,
                Db.count(
                        "select count(*) from refund_events e join refunds r on r.id = e.refund_id where r.merchant_id = ?",
                        b.merchant().id()));
        assertEquals(
                outboxBefore,
                Db.count(
                        "select count(*) from outbox where merchant_id = ?",
                        b.merchant().id()));
        assertEquals(
                1,
                Db.count(
                        "select count(*) from refunds where merchant_id = ? and external",
                        b.merchant().id()));
        Db.query(
                        "select connector_transaction_id from refunds where merchant_id = ?",
                        b.merchant().id())
                .forEach(r -> Db.assertLedgerConsistent(b.merchant().id(), (String) r.get("connector_transaction_id")));
    }

    @Test
    void anOutageFailsTheRunSayingWhereItStoppedAndARerunCompletesIt() {
        Books b = books();
        PspStandIn.server().stubFor(stripeListing(null).willReturn(Reconciling.ok(stripePage(b.page1(), true))));
        PspStandIn.server()
                .stubFor(stripeListing(b.re(b.unreported()))
                        .willReturn(aResponse().withStatus(503).withBody("upstream unavailable")));
        Instant to = Instant.now();

        JsonPath failed = Reconciling.workAndRead(Reconciling.start(b.merchant().id(), "stripe", b.from(), to));

        assertEquals("failed", failed.getString("status"));
        assertTrue(failed.getString("failure.reason").contains("503"), failed.getString("failure.reason"));
        assertTrue(
                failed.getString("failure.stopped_at").contains("the page after " + b.re(b.unreported())),
                failed.getString("failure.stopped_at"));
        assertEquals(2, failed.getInt("counts.matched"), "the first page is counted");
        assertEquals(
                0,
                failed.getInt("counts.mismatched")
                        + failed.getInt("counts.adopted")
                        + failed.getInt("counts.missing_at_psp"));
        // what the run had not reached is untouched
        assertEquals("SUCCEEDED", refund(b, b.amountDiffers()).get("state"));
        assertEquals(
                0,
                Db.count(
                        "select count(*) from refunds where merchant_id = ? and external",
                        b.merchant().id()));
        assertTrue(failed.getString("finished_at") != null, "a failed run has finished");

        stubPages(b, false);
        JsonPath rerun = Reconciling.workAndRead(Reconciling.start(b.merchant().id(), "stripe", b.from(), to));
        assertEquals("completed", rerun.getString("status"));
        assertEquals(4, rerun.getInt("counts.matched"));
        assertEquals(1, rerun.getInt("counts.adopted"));
        assertEquals(1, rerun.getInt("counts.mismatched"));
        assertEquals(1, rerun.getInt("counts.missing_at_psp"));
        assertEquals("MANUAL_REVIEW", refund(b, b.amountDiffers()).get("state"));
        assertEquals(1, events(b, b.unreported(), "RECONCILIATION"), "settled once, by the first run");
    }

    static Map<String, Object> exception(List<Map<String, Object>> exceptions, String kind) {
        return exceptions.stream()
                .filter(e -> kind.equals(e.get("kind")))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind + " in " + exceptions));
    }

    static Map<String, Object> refund(Books b, String merchantRefundId) {
        return Db.one(
                "select id, state, amount_minor, ledger_id, error::text as error from refunds where merchant_id = ?"
                        + " and merchant_refund_id = ?",
                b.merchant().id(),
                merchantRefundId);
    }

    static Map<String, Object> ledger(Books b, Map<String, Object> refund) {
        return Db.one(
                "select in_flight_minor, refunded_minor from payment_ledger where id = ?", refund.get("ledger_id"));
    }

    static long events(Books b, String merchantRefundId, String cause) {
        return Db.count(
                "select count(*) from refund_events e join refunds r on r.id = e.refund_id "
                        + "where r.merchant_id = ? and r.merchant_refund_id = ? and e.cause = ?",
                b.merchant().id(),
                merchantRefundId,
                cause);
    }
}
