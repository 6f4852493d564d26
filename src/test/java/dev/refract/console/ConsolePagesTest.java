package dev.refract.console;

import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.refract.outbound.PspCallStats;
import dev.refract.support.Api;
import dev.refract.support.Console;
import dev.refract.support.Db;
import dev.refract.support.PostgresResource;
import dev.refract.support.PspStandIn;
import dev.refract.support.Workers;
import dev.refract.webhook.ExternalRefundTest;
import dev.refract.webhook.StripeWebhookTest;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The console's pages and actions over real HTTP and the real database, as a browser without script sees them. */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(PspStandIn.class)
class ConsolePagesTest {

    @Inject
    PspCallStats calls;

    @Inject
    FleetPsps fleet;

    private static final Pattern ROW_LINK = Pattern.compile("href=\"/console/refunds/([^/\"]+)/([^\"?]+)\"");

    @Test
    void refundsAreFoundByFilterNewestFirstWithAmountsInTheirCurrencysFormat() {
        Api.TestMerchant m = Api.newMerchant();
        String yen = Api.refundId();
        String yenPayment = Api.payment(1_000, "JPY");
        m.create(Api.body(yen, yenPayment, 500L, "JPY", null)).then().statusCode(200);
        String dinar = Api.refundId();
        String dinarPayment = Api.payment(10_000, "KWD");
        m.create(Api.body(dinar, dinarPayment, 5_120L, "KWD", null)).then().statusCode(200);
        String declined = Api.refundId();
        m.create(Api.body(
                        declined,
                        Api.payment(200_000, "USD"),
                        123_456L,
                        "USD",
                        "\"connector_options\":{\"sandbox_outcome\":\"declined\"}"))
                .then()
                .statusCode(402);
        Console console = Console.signIn();

        String all = page(console, "/console/refunds?merchant=" + m.id());
        assertEquals(List.of(declined, dinar, yen), refundIds(all), "newest first");
        assertTrue(all.contains("¥500"), all);
        assertTrue(all.contains("5.120 KWD"), all);
        assertTrue(all.contains("$1,234.56"), all);

        assertEquals(
                List.of(dinar),
                refundIds(page(
                        console, "/console/refunds?merchant=" + m.id() + "&connector_transaction_id=" + dinarPayment)));
        assertEquals(
                List.of(declined), refundIds(page(console, "/console/refunds?merchant=" + m.id() + "&status=FAILED")));
        assertEquals(
                List.of(dinar, yen),
                refundIds(
                        page(console, "/console/refunds?merchant=" + m.id() + "&status=SUCCEEDED&connector=sandbox")));
        String today = LocalDate.now(ZoneOffset.UTC).toString();
        String tomorrow = LocalDate.now(ZoneOffset.UTC).plusDays(1).toString();
        assertEquals(
                3,
                refundIds(page(console, "/console/refunds?merchant=" + m.id() + "&from=" + today + "&to=" + today))
                        .size());
        assertEquals(List.of(), refundIds(page(console, "/console/refunds?merchant=" + m.id() + "&from=" + tomorrow)));
        // across merchants, by the payment alone
        assertEquals(List.of(yen), refundIds(page(console, "/console/refunds?connector_transaction_id=" + yenPayment)));
    }

    @Test
    void pagesFollowTheCursorWithoutRepeatingOrSkipping() {
        Api.TestMerchant m = Api.newMerchant();
        List<String> made = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            String id = Api.refundId();
            m.create(Api.body(id, Api.payment(1_000, "EUR"), 100L, "EUR", null))
                    .then()
                    .statusCode(200);
            made.add(0, id);
        }
        Console console = Console.signIn();
        for (String scope : List.of("merchant=" + m.id() + "&", "")) {
            List<String> seen = new ArrayList<>();
            String next = "/console/refunds?" + scope + "limit=2";
            int pages = 0;
            while (next != null && seen.size() < 5) {
                String html = page(console, next);
                seen.addAll(refundIds(html).stream().filter(made::contains).toList());
                Matcher older =
                        Pattern.compile("href=\"([^\"]+)\" id=\"older\"").matcher(html);
                next = older.find() ? older.group(1).replace("&amp;", "&") : null;
                pages++;
            }
            assertEquals(made, seen, scope);
            if (!scope.isEmpty()) {
                assertEquals(3, pages);
            }
        }
    }

    @Test
    void badFiltersAreAnsweredOnThePage() {
        Console console = Console.signIn();
        for (Map.Entry<String, String> bad : Map.of(
                        "from=yesterday", "from must be a date",
                        "status=LOST", "status must be one of",
                        "from=2026-12-02&to=2026-12-01", "from must be on or before to",
                        "cursor=bm9wZQ", "not one the console made",
                        "merchant=%3Cscript%3E", "There is no merchant")
                .entrySet()) {
            Response answer = console.get("/console/refunds?" + bad.getKey());
            assertEquals(400, answer.statusCode(), bad.getKey());
            assertTrue(answer.asString().contains(bad.getValue()), bad.getKey() + ": " + answer.asString());
            assertFalse(answer.asString().contains("<script>"), "escaped");
        }
    }

    @Test
    void oneRefundShowsItsFieldsTimelineWebhooksAndDeliveries() {
        Api.TestMerchant m = Api.newMerchant();
        Api.admin()
                .body("{\"webhook_url\":\"http://127.0.0.1:9/refunds\",\"webhook_secret\":\"whsec_console_test\"}")
                .put("/admin/v1/merchants/" + m.id())
                .then()
                .statusCode(200);
        String id = Api.refundId();
        String payment = Api.payment(5_000, "GBP");
        m.create(Api.body(id, payment, 1_250L, "GBP", "\"reason\":\"damaged in transit\""))
                .then()
                .statusCode(200);
        Workers.outbox();
        Console console = Console.signIn();

        String html = page(console, "/console/refunds/" + m.id() + "/" + id);
        assertTrue(html.contains("£12.50"), html);
        for (String field : List.of(m.id(), id, payment, "damaged in transit", "SUCCEEDED", "sandbox", "rf_")) {
            assertTrue(html.contains(field), field);
        }
        assertTrue(
                html.contains("RECEIVED → <strong>SUCCEEDED</strong>") || html.contains("→ <strong>SUCCEEDED</strong>"),
                html);
        assertTrue(html.contains("refund.succeeded"), "its notification is listed");
        assertTrue(html.contains("Connection refused") || html.contains("refused"), "with its last error: " + html);
        assertFalse(html.contains("whsec_console_test"), "the merchant's webhook secret is not shown");
        assertFalse(html.contains("Resolve this MANUAL_REVIEW"), "only a MANUAL_REVIEW refund can be resolved");

        assertEquals(
                404,
                console.get("/console/refunds/" + m.id() + "/r_no_such_refund").statusCode());
        assertEquals(404, console.get("/console/refunds/no%20such/" + id).statusCode());
    }

    @Test
    void anOperatorResolvesAManualReviewAndTheReasonIsInTheTimeline() {
        Api.TestMerchant m = Api.newMerchant();
        String payment = Api.payment(10_000, "USD");
        String id = Workers.refundInManualReview(m, payment);
        Console console = Console.signIn();
        String path = "/console/refunds/" + m.id() + "/" + id;

        String attention = page(console, "/console/attention");
        assertTrue(refundIds(attention).contains(id), "listed under Needs attention");

        Response refused = console.post(path + "/resolve", "status", "SUCCEEDED", "reason", " ");
        assertEquals(400, refused.statusCode());
        assertTrue(refused.asString().contains("reason is required"), refused.asString());
        assertEquals("MANUAL_REVIEW", m.get(id).path("status"));

        Response resolved =
                console.post(path + "/resolve", "status", "SUCCEEDED", "reason", "seen in the PSP dashboard <ok>");
        assertEquals(303, resolved.statusCode(), resolved.asString());
        assertTrue(resolved.header("Location").endsWith(path + "?done=resolved"), resolved.header("Location"));
        assertEquals("SUCCEEDED", m.get(id).path("status"));
        Db.assertLedgerConsistent(m.id(), payment);
        String after = page(console, path + "?done=resolved");
        assertTrue(after.contains("The refund is resolved"), after);
        assertTrue(after.contains("operator: seen in the PSP dashboard &lt;ok&gt;"), after);
        assertTrue(after.contains("OPERATOR"), after);
        assertFalse(refundIds(page(console, "/console/attention")).contains(id));

        Response again = console.post(path + "/resolve", "status", "FAILED", "reason", "again");
        assertEquals(409, again.statusCode());
    }

    @Test
    void needsAttentionListsStalledContradictedAndOutsideRefundsOldestFirst() throws Exception {
        Api.TestMerchant m = ExternalRefundTest.stripeMerchant(false);
        // stalled: the sandbox PSP keeps failing them; after the create and two janitor runs each has 3 attempts
        List<String> stalled = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            String id = Api.refundId();
            m.create(Api.body(
                            id,
                            Api.payment(10_000, "USD"),
                            1_000L,
                            "USD",
                            "\"connector_options\":{\"sandbox_outcome\":\"error\",\"sandbox_failures\":100}"))
                    .then()
                    .statusCode(200);
            stalled.add(id);
        }
        Workers.janitor();
        Workers.janitor();
        // contradicted: Stripe reports the refund succeeded for 4.00 where 5.00 was asked
        String payment = ExternalRefundTest.id("pi_");
        String reId = ExternalRefundTest.id("re_");
        PspStandIn.server()
                .stubFor(post(urlEqualTo("/stripe/v1/refunds"))
                        .withRequestBody(containing(payment))
                        .willReturn(okJson(StripeWebhookTest.refund(reId, payment, "pending", null))));
        String contradicted = Api.refundId();
        m.create(Api.body(
                        contradicted,
                        payment,
                        500L,
                        "USD",
                        "\"payment_amount\":{\"minor_amount\":1000,\"currency\":\"USD\"}"))
                .then()
                .statusCode(200);
        String mismatch = StripeWebhookTest.event(
                StripeWebhookTest.evtId(),
                "refund.updated",
                StripeWebhookTest.refund(reId, payment, "succeeded", contradicted)
                        .replace("\"amount\": 500", "\"amount\": 400"));
        ExternalRefundTest.deliverStripe(m, mismatch).then().statusCode(200);
        assertEquals("MANUAL_REVIEW", m.get(contradicted).path("status"));
        // outside: a refund made in Stripe's dashboard, adopted from its webhook
        String dashboardRefund = ExternalRefundTest.id("re_");
        ExternalRefundTest.deliverStripe(
                        m,
                        ExternalRefundTest.dashboardEvent(
                                "refund.created",
                                dashboardRefund,
                                ExternalRefundTest.id("pi_"),
                                ExternalRefundTest.id("ch_"),
                                300,
                                "succeeded"))
                .then()
                .statusCode(200);

        String html = page(Console.signIn(), "/console/attention");
        assertEquals(stalled, ours(m, html, "unsettled"), "oldest first");
        assertTrue(section(html, "unsettled").contains("3 attempts"), section(html, "unsettled"));
        assertEquals(List.of(contradicted), ours(m, html, "contradicted"));
        assertTrue(section(html, "contradicted").contains("connector_mismatch"), section(html, "contradicted"));
        assertEquals(List.of("external:stripe:" + dashboardRefund), ours(m, html, "external"));
        assertTrue(section(html, "external").contains("$3.00"), section(html, "external"));
    }

    /** The part of a page under the heading with this id, up to the next heading. */
    private static String section(String html, String id) {
        int start = html.indexOf("<h2 id=\"" + id + "\"");
        assertTrue(start >= 0, "no section " + id);
        int end = html.indexOf("<h2", start + 1);
        return html.substring(start, end < 0 ? html.length() : end);
    }

    /** The refunds of this merchant listed in a section, in page order (other tests' refunds are there too). */
    private static List<String> ours(Api.TestMerchant m, String html, String id) {
        Matcher row = ROW_LINK.matcher(section(html, id));
        List<String> ids = new ArrayList<>();
        while (row.find()) {
            if (URLDecoder.decode(row.group(1), StandardCharsets.UTF_8).equals(m.id())) {
                ids.add(URLDecoder.decode(row.group(2), StandardCharsets.UTF_8));
            }
        }
        return ids;
    }

    @Test
    void syncAndCancelAnswerOnThePage() {
        Api.TestMerchant m = Api.newMerchant();
        String id = Api.refundId();
        m.create(Api.body(id, Api.payment(1_000, "USD"), 100L, "USD", null))
                .then()
                .statusCode(200);
        Console console = Console.signIn();
        String path = "/console/refunds/" + m.id() + "/" + id;
        Response synced = console.post(path + "/sync");
        assertEquals(303, synced.statusCode());
        assertTrue(page(console, synced.header("Location").replaceAll("^https?://[^/]+", ""))
                .contains("Asked the PSP for the refund"));
        Response cancel = console.post(path + "/cancel");
        assertEquals(409, cancel.statusCode());
        assertTrue(cancel.asString().contains("cancel"), cancel.asString());
        assertEquals("SUCCEEDED", m.get(id).path("status"));
    }

    @Test
    void merchantsAreCreatedWithTheirKeyShownOnceAndAccountSecretsAreNeverShown() {
        Console console = Console.signIn();
        // the page lists the first 500 merchants by id: this one sorts before every m_… a test suite makes
        String id = "console_" + System.nanoTime();
        Response created = console.post("/console/merchants", "merchant_id", id, "name", "Console & Co");
        assertEquals(201, created.statusCode(), created.asString());
        Matcher key = Pattern.compile("id=\"api-key\">([^<]+)<").matcher(created.asString());
        assertTrue(key.find(), created.asString());
        Api.TestMerchant merchant = new Api.TestMerchant(id, key.group(1));
        merchant.request().get("/v1/refunds").then().statusCode(200);
        String list = page(console, "/console/merchants");
        assertTrue(list.contains("Console &amp; Co"));
        assertFalse(list.contains(key.group(1)), "the key is shown once only");

        Response duplicate = console.post("/console/merchants", "merchant_id", id, "name", "Again");
        assertEquals(409, duplicate.statusCode());
        assertTrue(duplicate.asString().contains("already exists"));

        Response saved = console.post(
                "/console/merchants/" + id,
                "name",
                "Console & Co",
                "default_connector",
                "sandbox",
                "webhook_url",
                "https://merchant.example/hooks",
                "webhook_secret",
                "whsec_never_shown_1");
        assertEquals(303, saved.statusCode(), saved.asString());
        Response account = console.post(
                "/console/merchants/" + id + "/connectors",
                "connector",
                "stripe",
                "enabled",
                "on",
                "credentials",
                "api_key=sk_test_never_shown_2\n",
                "settings",
                "",
                "webhook_secret",
                "whsec_never_shown_3");
        assertEquals(303, account.statusCode(), account.asString());
        String html = page(console, "/console/merchants/" + id + "?done=account-saved");
        assertTrue(html.contains("https://merchant.example/hooks"));
        assertTrue(html.contains("api_key"), "the credential's name is shown");
        for (String secret : List.of("whsec_never_shown_1", "sk_test_never_shown_2", "whsec_never_shown_3")) {
            assertFalse(html.contains(secret), secret);
        }
        assertEquals("sandbox", Api.admin().get("/admin/v1/merchants/" + id).path("default_connector"));

        Response bad = console.post(
                "/console/merchants/" + id + "/connectors", "connector", "stripe", "credentials", "no equals sign");
        assertEquals(400, bad.statusCode());
        assertTrue(bad.asString().contains("credentials must be lines of name=value"));
        Response badUrl = console.post("/console/merchants/" + id, "webhook_url", "ftp://x");
        assertEquals(400, badUrl.statusCode());
        assertEquals(
                "https://merchant.example/hooks",
                Api.admin().get("/admin/v1/merchants/" + id).path("webhook_url"));
    }

    @Test
    void theOutboxShowsFailingDeliveriesAndRetriesOneNow() {
        Api.TestMerchant m = Api.newMerchant();
        Api.admin()
                .body("{\"webhook_url\":\"http://127.0.0.1:9/down\",\"webhook_secret\":\"whsec_outbox_test\"}")
                .put("/admin/v1/merchants/" + m.id())
                .then()
                .statusCode(200);
        String id = Api.refundId();
        m.create(Api.body(id, Api.payment(1_000, "USD"), 100L, "USD", null))
                .then()
                .statusCode(200);
        Workers.outbox();
        Map<String, Object> item = Db.one(
                "select o.id, o.attempts, o.next_attempt_at > now() as later from outbox o join refunds r on r.id = o.refund_id "
                        + "where r.merchant_id = ? and o.kind = 'notification' and o.attempts > 0",
                m.id());
        assertEquals(1, ((Number) item.get("attempts")).intValue());
        assertEquals(Boolean.TRUE, item.get("later"));
        Console console = Console.signIn();
        String html = page(console, "/console/outbox");
        assertTrue(html.contains("retry-" + item.get("id")), html);
        assertTrue(html.contains(id));

        Response retried = console.post("/console/outbox/" + item.get("id") + "/retry");
        assertEquals(303, retried.statusCode());
        assertEquals(
                Boolean.FALSE,
                Db.one("select next_attempt_at > now() as later from outbox where id = ?", item.get("id"))
                        .get("later"));
        assertEquals(409, console.post("/console/outbox/999999999/retry").statusCode());
    }

    @Test
    void thePspPageShowsEachBreakerAndItsCharts() {
        Console console = Console.signIn();
        String html = page(console, "/console/psps");
        for (String psp : List.of("stripe", "adyen", "exodus", "charges", "marqeta", "credyt")) {
            assertTrue(html.contains("id=\"psp-" + psp + "\""), psp);
        }
        assertFalse(html.contains("id=\"psp-sandbox\""), "the sandbox is in process: no breaker");
        assertTrue(html.contains("<svg class=\"chart chart-bad\""));
        assertTrue(html.contains("breaker CLOSED"));
    }

    /**
     * The page adds what the other replicas reported to this replica's own counts: their slots of the window, and
     * the breakers of those still reporting. Older slots and silent replicas are left out.
     */
    @Test
    void thePspPageShowsTheWholeFleet() {
        Instant slot = Instant.ofEpochSecond(Math.floorDiv(Instant.now().getEpochSecond(), 30) * 30);
        try {
            Db.execute(
                    "insert into psp_call_slots values ('other/1', 'adyen', ?, 7, 3, 2, 700, 250),"
                            + " ('other/1', 'adyen', ?, 1000, 1000, 0, 1000, 1), ('other/2', 'adyen', ?, 5, 0, 0, 100, 40)",
                    java.sql.Timestamp.from(slot),
                    java.sql.Timestamp.from(slot.minus(Duration.ofMinutes(20))),
                    java.sql.Timestamp.from(slot));
            Db.execute("insert into psp_breakers values ('other/1', 'adyen', 'OPEN', now()),"
                    + " ('other/2', 'adyen', 'CLOSED', now()), ('gone/1', 'adyen', 'OPEN', now() - interval '1 hour')");
            long ownAttempts = calls.recent("adyen").stream()
                    .mapToLong(PspCallStats.Slot::attempts)
                    .sum();
            long ownFailures = calls.recent("adyen").stream()
                    .mapToLong(PspCallStats.Slot::failures)
                    .sum();
            long ownRefused = calls.recent("adyen").stream()
                    .mapToLong(PspCallStats.Slot::refused)
                    .sum();

            String html = page(Console.signIn(), "/console/psps");
            String adyen = html.substring(html.indexOf("id=\"psp-adyen\""));
            adyen = adyen.substring(0, adyen.indexOf("</section>"));
            assertTrue(adyen.contains("breaker OPEN"), adyen);
            assertTrue(adyen.contains("OPEN on 1 of 3 replicas · CLOSED on 2"), adyen);
            assertTrue(adyen.contains((ownAttempts + 12) + " attempts · " + (ownFailures + 3) + " failed"), adyen);
            assertTrue(adyen.contains((ownRefused + 2) + " refused by the open breaker"), adyen);
            assertTrue(html.contains("PSP calls of 3 replicas"), html);
            String stripe = html.substring(html.indexOf("id=\"psp-stripe\""));
            // the other replicas here reported adyen alone
            assertTrue(stripe.contains("CLOSED on 1 replica<"), stripe);
        } finally {
            Db.execute("delete from psp_call_slots where replica like 'other/%'");
            Db.execute("delete from psp_breakers where replica like 'other/%' or replica like 'gone/%'");
        }
    }

    @Test
    void eachReplicaReportsItsCallsAndBreakersAndForgetsWhatIsOld() {
        Db.execute(
                "insert into psp_call_slots values ('gone/2', 'stripe', now() - interval '20 minutes', 1, 0, 0, 5, 5)");
        Db.execute("insert into psp_breakers values ('gone/2', 'stripe', 'OPEN', now() - interval '1 hour')");
        long slots = calls.recent("stripe").stream()
                .filter(s -> s.attempts() > 0 || s.refused() > 0)
                .count();

        fleet.report().await().atMost(Duration.ofSeconds(10));

        assertEquals(
                List.of("CLOSED", "CLOSED", "CLOSED", "CLOSED", "CLOSED", "CLOSED"),
                Db.query("select state from psp_breakers where replica = ? order by connector", fleet.replica())
                        .stream()
                        .map(r -> r.get("state"))
                        .toList());
        assertEquals(
                slots,
                Db.count(
                        "select count(*) from psp_call_slots where replica = ? and connector = 'stripe'",
                        fleet.replica()));
        assertEquals(0, Db.count("select count(*) from psp_call_slots where replica = 'gone/2'"));
        assertEquals(0, Db.count("select count(*) from psp_breakers where replica = 'gone/2'"));
        // a report sent again changes nothing
        fleet.report().await().atMost(Duration.ofSeconds(10));
        assertEquals(6, Db.count("select count(*) from psp_breakers where replica = ?", fleet.replica()));
    }

    private static String page(Console console, String path) {
        Response page = console.get(path);
        assertEquals(200, page.statusCode(), path + ": " + page.asString());
        assertNotNull(page.header("Content-Type"));
        assertTrue(page.header("Content-Type").startsWith("text/html"));
        return page.asString();
    }

    private static List<String> refundIds(String html) {
        List<String> ids = new ArrayList<>();
        Matcher m = ROW_LINK.matcher(html);
        while (m.find()) {
            ids.add(URLDecoder.decode(m.group(2), StandardCharsets.UTF_8));
        }
        return ids;
    }
}
