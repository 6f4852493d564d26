package dev.refract.reconcile;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.refract.support.Api;
import dev.refract.support.PostgresResource;
import dev.refract.support.PspStandIn;
import dev.refract.support.Reconciling;
import dev.refract.support.Workers;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Instant;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The gauges the alert rules read: each account's exceptions in its latest completed run, how long ago that run
 * completed, and whether its latest run failed, with the values the runs left in the database.
 */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(PspStandIn.class)
class ReconciliationGaugesTest {

    static double gauge(String name, String merchantId, String extraLabel) {
        String metrics =
                given().get("/q/metrics").then().statusCode(200).extract().asString();
        Pattern line = Pattern.compile("^" + name + "\\{([^}]*)} (\\S+)$", Pattern.MULTILINE);
        Matcher m = line.matcher(metrics);
        while (m.find()) {
            if (m.group(1).contains("merchant_id=\"" + merchantId + "\"")
                    && (extraLabel == null || m.group(1).contains(extraLabel))) {
                return Double.parseDouble(m.group(2));
            }
        }
        throw new AssertionError("no " + name + " of " + merchantId + " " + extraLabel);
    }

    @Test
    void theGaugesShowEachAccountsLatestRuns() {
        Api.TestMerchant m = Reconciling.stripeMerchant();
        Workers.reconciliationGauges();
        double sinceMade = gauge("refract_reconciliation_last_completed_age_seconds", m.id(), "connector=\"stripe\"");
        assertEquals(0, sinceMade, 60, "no run yet: since the account was made");

        PspStandIn.server()
                .stubFor(Reconciling.stripeListing(null)
                        .willReturn(Reconciling.ok(Reconciling.stripePage(List.of(), false))));
        Instant from = Instant.now().minusSeconds(5);
        Reconciling.stripeRefund(
                m, Api.refundId(), Reconciling.id("pi_g"), 100, "USD", Reconciling.id("re_g"), "succeeded");
        Reconciling.stripeRefund(
                m, Api.refundId(), Reconciling.id("pi_g"), 200, "USD", Reconciling.id("re_g"), "succeeded");
        Reconciling.workAndRead(Reconciling.start(m.id(), "stripe", from, Instant.now()));
        Workers.reconciliationGauges();

        assertEquals(2, gauge("refract_reconciliation_exceptions", m.id(), "kind=\"missing_at_psp\""));
        assertEquals(0, gauge("refract_reconciliation_exceptions", m.id(), "kind=\"mismatched\""));
        assertEquals(0, gauge("refract_reconciliation_last_run_failed", m.id(), null));
        assertEquals(0, gauge("refract_reconciliation_last_completed_age_seconds", m.id(), null), 30);

        PspStandIn.server()
                .stubFor(Reconciling.stripeListing(null)
                        .willReturn(com.github.tomakehurst.wiremock.client.WireMock.aResponse()
                                .withStatus(503)));
        Reconciling.workAndRead(Reconciling.start(m.id(), "stripe", from, Instant.now()));
        Workers.reconciliationGauges();
        assertEquals(1, gauge("refract_reconciliation_last_run_failed", m.id(), null));
        assertEquals(
                2,
                gauge("refract_reconciliation_exceptions", m.id(), "kind=\"missing_at_psp\""),
                "the latest completed run's, still");
    }
}
