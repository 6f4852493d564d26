package dev.refract.replicas;

import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.client.WireMock;
import dev.refract.support.Api;
import dev.refract.support.AppInstance;
import dev.refract.support.Db;
import dev.refract.support.PostgresResource;
import dev.refract.support.PspStandIn;
import dev.refract.support.Reconciling;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A replica is killed with SIGKILL in the middle of a reconciliation run: after its lease the packaged application
 * takes the run over from the last page the dead one finished, and the run's counts are exact, every PSP refund
 * counted once, every adoption made once, the pages before the kill not read again.
 */
@QuarkusIntegrationTest
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(PspStandIn.class)
class ReconciliationKillNineIT {

    static final int PAGES = 8;
    static final int PER_PAGE = 5;
    /** Every page takes this long: the kill lands while one is being read. */
    static final int PAGE_MILLIS = 700;

    @Test
    void aRunWhoseReplicaIsKilledIsFinishedByAnotherWithoutCountingTwice() throws Exception {
        Map<String, String> config = new HashMap<>(new PostgresResource().start());
        config.putAll(new PspStandIn().start());
        AppInstance victim = AppInstance.start("reconciling-instance", config);

        Api.TestMerchant m = Reconciling.stripeMerchant();
        Instant from = Instant.now().minusSeconds(5);
        // every other refund of the PSP's list is Refract's own; the rest were made in Stripe's dashboard
        List<List<String>> pages = new ArrayList<>();
        int own = 0;
        for (int p = 0; p < PAGES; p++) {
            List<String> page = new ArrayList<>();
            for (int i = 0; i < PER_PAGE; i++) {
                String re = "re_kill" + m.id() + "p" + p + "i" + i;
                String payment = "pi_kill" + m.id() + "p" + p + "i" + i;
                String mine = (p * PER_PAGE + i) % 2 == 0 ? "kill_" + p + "_" + i : null;
                if (mine != null) {
                    Reconciling.stripeRefund(m, mine, payment, 100, "USD", re, "succeeded");
                    own++;
                }
                page.add(Reconciling.stripeRefundJson(re, payment, 100, "USD", "succeeded", mine));
            }
            pages.add(page);
        }
        for (int p = 0; p < PAGES; p++) {
            String after = p == 0 ? null : "re_kill" + m.id() + "p" + (p - 1) + "i" + (PER_PAGE - 1);
            PspStandIn.server()
                    .stubFor(Reconciling.stripeListing(after)
                            .willReturn(okJson(Reconciling.stripePage(pages.get(p), p < PAGES - 1))
                                    .withFixedDelay(PAGE_MILLIS)));
        }

        // started through the victim, which takes it up at once
        String runId = victim.admin()
                .body("{\"merchant_id\":\"" + m.id() + "\",\"connector\":\"stripe\",\"from\":\"" + from + "\",\"to\":\""
                        + Instant.now() + "\"}")
                .post("/admin/v1/reconciliations")
                .then()
                .statusCode(202)
                .extract()
                .path("id");
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(50))
                .ignoreExceptions()
                .until(() -> Db.count(
                                "select psp_records from reconciliation_runs where id = ? and lease_owner like ?",
                                runId,
                                "replica-" + victim.pid() + "-%")
                        >= 3L * PER_PAGE);
        victim.kill();
        Instant killed = Instant.now();
        long checkpointed = Db.count("select psp_records from reconciliation_runs where id = ?", runId);
        assertTrue(checkpointed < PAGES * PER_PAGE, "killed mid-run, after " + checkpointed + " records");

        // the packaged application takes it over once the lease has passed, and finishes it
        await().atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> "completed".equals(Reconciling.read(runId).getString("status")));
        var run = Reconciling.read(runId);
        assertEquals(own, run.getInt("counts.matched"));
        assertEquals(PAGES * PER_PAGE - own, run.getInt("counts.adopted"));
        assertEquals(0, run.getInt("counts.mismatched") + run.getInt("counts.missing_at_psp"));
        assertEquals(
                PAGES * PER_PAGE,
                Db.count("select count(*) from reconciliation_items where run_id = ? and counted", runId));
        assertEquals(
                PAGES * PER_PAGE - own,
                Db.count("select count(*) from refunds where merchant_id = ? and external", m.id()),
                "each dashboard refund adopted once");
        assertEquals(
                PAGES * PER_PAGE - own,
                Db.count(
                        "select count(*) from refund_events e join refunds r on r.id = e.refund_id "
                                + "where r.merchant_id = ? and r.external",
                        m.id()),
                "one event each: created once");
        // the pages the dead replica had finished were not read again (a read retried by the PSP guard is one read);
        // the page it was reading is read again by its successor
        int pagesDone = (int) (checkpointed / PER_PAGE);
        for (int p = 0; p < PAGES; p++) {
            String after = p == 0 ? null : "re_kill" + m.id() + "p" + (p - 1) + "i" + (PER_PAGE - 1);
            var requests = PspStandIn.server()
                    .findAll(getRequestedFor(urlPathEqualTo("/stripe/v1/refunds"))
                            .withQueryParam(
                                    "starting_after", after == null ? WireMock.absent() : WireMock.equalTo(after)));
            if (p < pagesDone) {
                for (var request : requests) {
                    assertTrue(
                            request.getLoggedDate().toInstant().isBefore(killed),
                            "page " + p + " was finished before the kill, and read again at "
                                    + request.getLoggedDate().toInstant());
                }
            } else {
                assertTrue(
                        requests.stream()
                                .anyMatch(r -> r.getLoggedDate().toInstant().isAfter(killed)),
                        "page " + p + " is read by the replica that took over");
            }
        }
        Db.query("select connector_transaction_id from refunds where merchant_id = ?", m.id())
                .forEach(r -> Db.assertLedgerConsistent(m.id(), (String) r.get("connector_transaction_id")));
    }
}
