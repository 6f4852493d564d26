package dev.refract.webhook;

import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.client.WireMock;
import dev.refract.support.Api;
import dev.refract.support.Db;
import dev.refract.support.LogLines;
import dev.refract.support.PostgresResource;
import dev.refract.support.PspStandIn;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * What each Stripe delivery is answered: 200 for every verified one, whatever it says, so that Stripe stops resending
 * what a resend cannot change; only Refract being unable to work now is a 5xx. An event of another Stripe account,
 * one naming another merchant's refund and one Refract cannot read are acknowledged, logged, and never adopted or
 * applied.
 */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(PspStandIn.class)
class StripeWebhookAnswersTest {

    static final String SECRET = StripeWebhookTest.SECRET;

    /** A merchant with Stripe; {@code settings} is the account's settings object, e.g. {@code {"account": "acct_…"}}. */
    static Api.TestMerchant stripeMerchant(String settings) {
        Api.TestMerchant m = Api.newMerchant();
        m.useConnector(
                "stripe",
                "{\"credentials\":{\"api_key\":\"sk_test_answers\"},\"settings\":" + settings + ",\"webhook_secret\":\""
                        + SECRET + "\"}");
        return m;
    }

    /** A pending Stripe refund of {@code m} under {@code id}: its Stripe refund id and payment. */
    static String[] pendingRefund(Api.TestMerchant m, String id) {
        String payment = ExternalRefundTest.id("pi_");
        String reId = ExternalRefundTest.id("re_");
        PspStandIn.server()
                .stubFor(post(urlEqualTo("/stripe/v1/refunds"))
                        .withRequestBody(containing(payment))
                        .willReturn(okJson(StripeWebhookTest.refund(reId, payment, "pending", id))));
        StripeWebhookTest.stubStatusRead(reId, payment);
        m.create(Api.body(id, payment, 500L, "USD", "\"payment_amount\":{\"minor_amount\":1000,\"currency\":\"USD\"}"))
                .then()
                .statusCode(200)
                .body("status", equalTo("PENDING"));
        return new String[] {reId, payment};
    }

    /** An event as Stripe sends it; {@code account} is the top-level field of Connect events, or null. */
    static String event(String eventId, String type, String object, String account) {
        return """
                {"id": "%s", "object": "event", "api_version": "2024-06-20", "created": %d, "livemode": false,%s
                 "type": "%s", "data": {"object": %s}}""".formatted(
                        eventId,
                        Instant.now().getEpochSecond(),
                        account == null ? "" : " \"account\": \"" + account + "\",",
                        type,
                        object);
    }

    static Response deliver(Api.TestMerchant m, String body) throws Exception {
        return RestAssured.given()
                .contentType("application/json")
                .body(body)
                .header("Stripe-Signature", StripeWebhookTest.sign(body, SECRET))
                .post("/webhooks/" + m.id() + "/stripe");
    }

    static String dashboardRefund(String reId, String payment, long amount) {
        return ExternalRefundTest.dashboardRefund(reId, payment, ExternalRefundTest.id("ch_"), amount, "succeeded");
    }

    static long refunds(Api.TestMerchant m) {
        return Db.count("select count(*) from refunds where merchant_id = ?", m.id());
    }

    static long kept(Api.TestMerchant m, String eventId) {
        return Db.count(
                "select count(*) from webhook_events where merchant_id = ? and event_id = ? and applied_at is null",
                m.id(),
                eventId);
    }

    @Test
    void anEventOfAConnectedAccountAtAnAccountEndpointIsAcceptedLoggedAndNeitherAdoptedNorApplied() throws Exception {
        Api.TestMerchant m = stripeMerchant("{}");
        String id = Api.refundId();
        String[] own = pendingRefund(m, id);
        String dashboard = StripeWebhookTest.evtId();
        String ownAnswer = StripeWebhookTest.evtId();
        deliver(
                        m,
                        event(
                                dashboard,
                                "refund.created",
                                dashboardRefund(ExternalRefundTest.id("re_"), own[1], 300),
                                "acct_1Other"))
                .then()
                .statusCode(200);
        deliver(
                        m,
                        event(
                                ownAnswer,
                                "refund.updated",
                                StripeWebhookTest.refund(own[0], own[1], "succeeded", id),
                                "acct_1Other"))
                .then()
                .statusCode(200);
        assertEquals(1, refunds(m), "nothing adopted");
        m.get(id).then().body("status", equalTo("PENDING"));
        assertEquals(0, Db.count("select count(*) from webhook_events where merchant_id = ?", m.id()), "not kept");
        String line = LogLines.waitFor(dashboard, "acct_1Other", m.id());
        assertTrue(line.contains("WARN"), line);
        assertTrue(!line.contains(SECRET) && !line.contains("sk_test_answers"), "no secret in " + line);
    }

    @Test
    void aConnectedAccountsEndpointTakesThatAccountsEventsOnlyAndCallsStripeAsIt() throws Exception {
        Api.TestMerchant m = stripeMerchant("{\"account\":\"acct_1Merchant\"}");
        String id = Api.refundId();
        String[] own = pendingRefund(m, id);
        PspStandIn.server()
                .verify(postRequestedFor(urlEqualTo("/stripe/v1/refunds"))
                        .withRequestBody(containing(own[1]))
                        .withHeader("Stripe-Account", WireMock.equalTo("acct_1Merchant")));
        m.sync(id).then().statusCode(200);
        PspStandIn.server()
                .verify(getRequestedFor(urlEqualTo("/stripe/v1/refunds/" + own[0]))
                        .withHeader("Stripe-Account", WireMock.equalTo("acct_1Merchant")));

        String theirs = ExternalRefundTest.id("re_");
        String platforms = ExternalRefundTest.id("re_");
        String ours = ExternalRefundTest.id("re_");
        deliver(
                        m,
                        event(
                                StripeWebhookTest.evtId(),
                                "refund.created",
                                dashboardRefund(theirs, own[1], 100),
                                "acct_1Other"))
                .then()
                .statusCode(200);
        // the platform's own events carry no account: they are not the connected account's
        deliver(m, event(StripeWebhookTest.evtId(), "refund.created", dashboardRefund(platforms, own[1], 100), null))
                .then()
                .statusCode(200);
        deliver(
                        m,
                        event(
                                StripeWebhookTest.evtId(),
                                "refund.created",
                                dashboardRefund(ours, own[1], 100),
                                "acct_1Merchant"))
                .then()
                .statusCode(200);
        m.get("external:stripe:" + ours).then().statusCode(200).body("status", equalTo("SUCCEEDED"));
        assertEquals(2, refunds(m), "its own refund and the one made in its dashboard");
        Db.assertLedgerConsistent(m.id(), own[1]);
    }

    @Test
    void callsForAMerchantOwnAccountNameNoConnectedAccountAndAMalformedOneIsRefused() {
        Api.TestMerchant m = stripeMerchant("{}");
        String[] own = pendingRefund(m, Api.refundId());
        PspStandIn.server()
                .verify(postRequestedFor(urlEqualTo("/stripe/v1/refunds"))
                        .withRequestBody(containing(own[1]))
                        .withoutHeader("Stripe-Account"));
        Api.admin()
                .body("{\"credentials\":{\"api_key\":\"sk_test_x\"},\"settings\":{\"account\":\"merchant-7\"}}")
                .put("/admin/v1/merchants/" + m.id() + "/connectors/stripe")
                .then()
                .statusCode(400)
                .body("error.param", equalTo("settings.account"));
    }

    @Test
    void anEventNamingAnotherMerchantsRefundIsAcceptedLeavesItUntouchedAndAdoptsNothing() throws Exception {
        Api.TestMerchant a = stripeMerchant("{}");
        Api.TestMerchant b = stripeMerchant("{}");
        String shared = Api.refundId();
        String[] ofA = pendingRefund(a, shared);
        String[] ofB = pendingRefund(b, shared);
        String echoing = StripeWebhookTest.evtId();
        String bare = StripeWebhookTest.evtId();
        // B's refund, echoing the reference both merchants use; then as the dashboard would show it, with none
        deliver(
                        a,
                        event(
                                echoing,
                                "refund.updated",
                                StripeWebhookTest.refund(ofB[0], ofB[1], "succeeded", shared),
                                null))
                .then()
                .statusCode(200);
        deliver(a, event(bare, "refund.updated", StripeWebhookTest.refund(ofB[0], ofB[1], "succeeded", null), null))
                .then()
                .statusCode(200);
        a.get(shared).then().body("status", equalTo("PENDING")).body("connector_refund_id", equalTo(ofA[0]));
        b.get(shared).then().body("status", equalTo("PENDING"));
        assertEquals(1, refunds(a), "nothing of B's adopted for A");
        assertEquals(1, kept(a, echoing));
        assertEquals(1, kept(a, bare));
        LogLines.waitFor(bare, ofB[0], a.id(), b.id());
        Db.assertLedgerConsistent(a.id(), ofA[1]);
    }

    @Test
    void signedEventsRefractCannotReadAreAcceptedKeptAndNeverApplied() throws Exception {
        Api.TestMerchant m = stripeMerchant("{}");
        String id = Api.refundId();
        String[] own = pendingRefund(m, id);
        String succeeded = StripeWebhookTest.refund(own[0], own[1], "succeeded", id);
        List<String> malformed = List.of(
                succeeded.replace("\"amount\": 500", "\"amount\": 500.5"),
                succeeded.replace("\"amount\": 500", "\"amount\": \"500\""),
                succeeded.replace("\"amount\": 500", "\"amount\": 99999999999999999999"),
                succeeded.replace("\"amount\": 500", "\"amount\": 1e400"),
                succeeded.replace("\"amount\": 500", "\"amount\": true"),
                succeeded.replace("\"currency\": \"usd\"", "\"currency\": [\"usd\"]"),
                succeeded.replace("\"status\": \"succeeded\"", "\"status\": {\"is\": \"succeeded\"}"),
                succeeded.replace("\"metadata\": {", "\"metadata\": [{").replace("\"}}", "\"}]}"),
                // a refund made in the dashboard, for a fraction of a cent more than 400: not 400
                dashboardRefund(ExternalRefundTest.id("re_"), own[1], 400)
                        .replace("\"amount\": 400", "\"amount\": 400.9"));
        List<Executable> each = new ArrayList<>();
        for (String object : malformed) {
            String eventId = StripeWebhookTest.evtId();
            int status =
                    deliver(m, event(eventId, "refund.updated", object, null)).statusCode();
            long keptNow = kept(m, eventId);
            each.add(() -> assertEquals(200, status, "answered: " + object));
            each.add(() -> assertEquals(1, keptNow, "kept: " + object));
        }
        assertAll(each);
        m.get(id).then().body("status", equalTo("PENDING"));
        assertEquals(1, refunds(m), "nothing adopted");
        Db.assertLedgerConsistent(m.id(), own[1]);
    }

    @Test
    void aNulCharacterAnywhereInASignedEventIsAcceptedAndKeptNeverA500() throws Exception {
        Api.TestMerchant m = stripeMerchant("{}");
        String payment = ExternalRefundTest.id("pi_");
        String inMetadata = StripeWebhookTest.evtId();
        deliver(
                        m,
                        event(
                                inMetadata,
                                "refund.created",
                                dashboardRefund(ExternalRefundTest.id("re_"), payment, 300)
                                        .replace("\"metadata\": {}", "\"metadata\": {\"note\": \"a\\u0000b\"}"),
                                null))
                .then()
                .statusCode(200);
        assertEquals(1, kept(m, inMetadata));
        String inId = StripeWebhookTest.evtId() + "\\u0000";
        deliver(m, event(inId, "refund.created", dashboardRefund(ExternalRefundTest.id("re_"), payment, 300), null))
                .then()
                .statusCode(200);
        assertEquals(0, refunds(m), "not adopted");
        assertEquals(2, Db.count("select count(*) from webhook_events where merchant_id = ?", m.id()), "both kept");
    }

    @Test
    void aSignedBodyThatIsNoStripeEventIsAcceptedAndKept() throws Exception {
        Api.TestMerchant m = stripeMerchant("{}");
        for (String body : List.of("{\"object\": \"event\", \"data\": {}}", "[1, 2]", "signed, but not JSON")) {
            deliver(m, body).then().statusCode(200);
            deliver(m, body).then().statusCode(200);
        }
        assertEquals(
                3,
                Db.count("select count(*) from webhook_events where merchant_id = ? and applied_at is null", m.id()),
                "each kept once");
    }
}
