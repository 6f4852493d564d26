package dev.refract.console;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.refract.support.Api;
import dev.refract.support.Console;
import dev.refract.support.Db;
import dev.refract.support.PostgresResource;
import dev.refract.support.PspStandIn;
import dev.refract.support.Reconciling;
import dev.refract.support.Workers;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The console's Reconciliation page over HTTP: behind the sign-in, its runs with their counts, a run's exceptions
 * each linking to its refund, the form that starts a run (CSRF and same-site only), and the exceptions under Needs
 * attention.
 */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(PspStandIn.class)
class ReconciliationPageTest {

    /** A completed run that found one refund missing at the PSP and adopted one made in its dashboard. */
    static String[] completedRun() {
        Api.TestMerchant m = Reconciling.stripeMerchant();
        Instant from = Instant.now().minusSeconds(5);
        String missing = Reconciling.id("gone_");
        Reconciling.stripeRefund(m, missing, Reconciling.id("pi_"), 400, "USD", Reconciling.id("re_"), "succeeded");
        String dashboard = Reconciling.id("re_dash");
        PspStandIn.server()
                .stubFor(Reconciling.stripeListing(null)
                        .willReturn(Reconciling.ok(Reconciling.stripePage(
                                List.of(Reconciling.stripeRefundJson(
                                        dashboard, Reconciling.id("pi_"), 700, "USD", "succeeded", null)),
                                false))));
        String runId = Reconciling.start(m.id(), "stripe", from, Instant.now());
        Workers.reconciliations();
        return new String[] {m.id(), runId, missing, dashboard};
    }

    @Test
    void thePageShowsTheRunsAndEachExceptionLinksToItsRefund() {
        String[] run = completedRun();
        Console console = Console.signIn();

        String runs = console.get("/console/reconciliation?merchant=" + run[0])
                .then()
                .statusCode(200)
                .extract()
                .asString();
        assertTrue(runs.contains("href=\"/console/reconciliation/" + run[1] + "\""), runs);
        assertTrue(runs.contains("<span class=\"badge run-completed\">completed</span>"), runs);
        assertTrue(runs.contains("<td class=\"num\" data-label=\"Adopted\">1</td>"), runs);
        assertTrue(runs.contains("<td class=\"num\" data-label=\"Missing at PSP\">1</td>"), runs);
        assertTrue(runs.contains("name=\"csrf\" value=\"" + console.csrf() + "\""), "the start form carries the token");
        assertFalse(runs.contains(Api.ADMIN_TOKEN));

        String page = console.get("/console/reconciliation/" + run[1])
                .then()
                .statusCode(200)
                .extract()
                .asString();
        assertTrue(page.contains("id=\"count-missing\">1<"), page);
        assertTrue(page.contains("href=\"/console/refunds/" + run[0] + "/" + run[2] + "\""), "links to the refund");
        assertTrue(
                page.contains("href=\"/console/refunds/" + run[0] + "/external%3Astripe%3A" + run[3] + "\""),
                "links to the adopted refund");
        assertTrue(page.contains("missing_at_psp") && page.contains("adopted"), page);

        String attention = console.get("/console/attention")
                .then()
                .statusCode(200)
                .extract()
                .asString();
        assertTrue(attention.contains("id=\"reconciliation-exceptions\""), attention);
        assertTrue(
                attention.contains("href=\"/console/refunds/" + run[0] + "/" + run[2] + "\""),
                "the missing refund is under Needs attention");
        assertTrue(attention.contains("href=\"/console/reconciliation/" + run[1] + "\""));

        assertEquals(
                404,
                console.get("/console/reconciliation/rec_00000000000000000000000000000000")
                        .statusCode());
    }

    @Test
    void theFormStartsARunAndRefusesWhatTheApiRefuses() {
        Api.TestMerchant m = Reconciling.stripeMerchant();
        Console console = Console.signIn();
        String yesterday = LocalDate.now(ZoneOffset.UTC).minusDays(1).toString();

        Response started = console.post(
                "/console/reconciliation",
                "merchant_id",
                m.id(),
                "connector",
                "stripe",
                "from",
                yesterday,
                "to",
                yesterday);
        assertEquals(303, started.statusCode(), started.asString());
        assertTrue(started.header("Location").contains("/console/reconciliation/rec_"), started.header("Location"));
        assertEquals(
                1,
                Db.count(
                        "select count(*) from reconciliation_runs where merchant_id = ? and window_from = ?::date "
                                + "and window_to = ?::date + 1",
                        m.id(),
                        yesterday,
                        yesterday));

        Response future = console.post(
                "/console/reconciliation",
                "merchant_id",
                m.id(),
                "connector",
                "stripe",
                "from",
                yesterday,
                "to",
                LocalDate.now(ZoneOffset.UTC).plusDays(1).toString());
        assertEquals(400, future.statusCode());
        assertTrue(future.asString().contains("the window must have ended"), future.asString());
        Response noAccount = console.post(
                "/console/reconciliation",
                "merchant_id",
                m.id(),
                "connector",
                "exodus",
                "from",
                yesterday,
                "to",
                yesterday);
        assertEquals(400, noAccount.statusCode());

        assertEquals(
                403,
                console.postWithoutCsrf(
                                "/console/reconciliation",
                                "merchant_id",
                                m.id(),
                                "connector",
                                "stripe",
                                "from",
                                yesterday,
                                "to",
                                yesterday)
                        .statusCode());
        assertEquals(
                403,
                console.request()
                        .header("Sec-Fetch-Site", "cross-site")
                        .contentType(ContentType.URLENC)
                        .formParam("csrf", console.csrf())
                        .formParam("merchant_id", m.id())
                        .formParam("connector", "stripe")
                        .formParam("from", yesterday)
                        .formParam("to", yesterday)
                        .post("/console/reconciliation")
                        .statusCode());
        assertEquals(1, Db.count("select count(*) from reconciliation_runs where merchant_id = ?", m.id()));

        Response signedOut = given().redirects().follow(false).get("/console/reconciliation");
        assertEquals(303, signedOut.statusCode());
        assertTrue(signedOut.header("Location").endsWith("/console/sign-in"));
    }
}
