package dev.refract.notify;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.refract.outbound.Hmac;
import dev.refract.outbound.WireJson;
import dev.refract.store.OutboxStore;
import dev.refract.support.Api;
import dev.refract.support.Db;
import dev.refract.support.PostgresResource;
import dev.refract.support.PspStandIn;
import dev.refract.support.Workers;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Merchant notifications: signed, at least once, in order per refund, through a receiver that fails at first. */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(PspStandIn.class)
class MerchantNotificationTest {

    static final String SECRET = "whsec_merchant_receiver";

    @Inject
    OutboxStore outbox;

    Api.TestMerchant merchantWithReceiver(String path) {
        Api.TestMerchant m = Api.newMerchant();
        Api.admin()
                .body("{\"webhook_url\":\"http://localhost:"
                        + PspStandIn.server().port() + path + "\"," + "\"webhook_secret\":\"" + SECRET + "\"}")
                .put("/admin/v1/merchants/" + m.id())
                .then()
                .statusCode(200);
        return m;
    }

    @Test
    void everyStatusChangeReachesARecoveringReceiverSignedAndInOrder() {
        String path = "/merchant-hooks/" + System.nanoTime();
        // the receiver is down for its first three deliveries
        PspStandIn.server()
                .stubFor(post(urlEqualTo(path))
                        .inScenario(path)
                        .whenScenarioStateIs(Scenario.STARTED)
                        .willReturn(aResponse().withStatus(503))
                        .willSetStateTo("failed-once"));
        PspStandIn.server()
                .stubFor(post(urlEqualTo(path))
                        .inScenario(path)
                        .whenScenarioStateIs("failed-once")
                        .willReturn(aResponse().withStatus(500))
                        .willSetStateTo("failed-twice"));
        PspStandIn.server()
                .stubFor(post(urlEqualTo(path))
                        .inScenario(path)
                        .whenScenarioStateIs("failed-twice")
                        .willReturn(aResponse().withFixedDelay(3_000).withStatus(200))
                        .willSetStateTo("up"));
        PspStandIn.server()
                .stubFor(post(urlEqualTo(path))
                        .inScenario(path)
                        .whenScenarioStateIs("up")
                        .willReturn(aResponse().withStatus(204)));
        Api.TestMerchant m = merchantWithReceiver(path);

        String id = Api.refundId();
        m.create(Api.body(
                        id,
                        Api.payment(10_000, "USD"),
                        1_000L,
                        "USD",
                        "\"connector_options\":{\"sandbox_outcome\":\"pending\",\"sandbox_settle_ms\":0}"))
                .then()
                .statusCode(200);
        m.sync(id).then().body("status", equalTo("SUCCEEDED"));

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            // its pending and succeeded notifications, one run each (a refund's items go in order)
            Workers.outbox();
            Workers.outbox();
            assertEquals(
                    0, Db.count("select count(*) from outbox where merchant_id = ? and delivered_at is null", m.id()));
        });
        List<LoggedRequest> received = PspStandIn.server().findAll(postRequestedFor(urlEqualTo(path)));
        assertTrue(received.size() >= 5, "three failed attempts, then both events: " + received.size());

        // the events in the order they happened, each delivered (the last two attempts are the accepted ones)
        List<String> types = received.stream()
                .map(r -> WireJson.tree(r.getBodyAsString()).path("type").asText())
                .toList();
        assertEquals("refund.pending", types.get(0));
        assertEquals("refund.succeeded", types.get(types.size() - 1));
        assertTrue(
                types.indexOf("refund.succeeded") > types.lastIndexOf("refund.pending"),
                "no succeeded before every pending attempt: " + types);

        for (LoggedRequest r : received) {
            JsonNode body = WireJson.tree(r.getBodyAsString());
            assertTrue(body.path("id").asText().startsWith("evt_"));
            assertEquals(id, body.path("data").path("merchant_refund_id").asText());
            assertTrue(body.path("created_at").isTextual());
            assertSignature(r);
        }
        JsonNode last = WireJson.tree(received.get(received.size() - 1).getBodyAsString());
        assertEquals("SUCCEEDED", last.path("data").path("status").asText());
        assertEquals(
                1_000, last.path("data").path("amount").path("minor_amount").asLong());
    }

    @Test
    void anOutboxItemThatCannotBeReadDoesNotHoldUpTheOthers() {
        // an item whose payload is not a refund (no row Refract writes looks like this), for another refund
        Api.TestMerchant quiet = Api.newMerchant();
        quiet.create(Api.body(Api.refundId(), Api.payment(1_000, "USD"), 100L, "USD", null))
                .then()
                .statusCode(200);
        long other = Db.count("select id from refunds where merchant_id = ?", quiet.id());
        String poison = "evt_unreadable_" + System.nanoTime();
        Db.execute(
                "insert into outbox (merchant_id, refund_id, kind, event_id, event_type, payload) "
                        + "values (?, ?, 'notification', ?, 'refund.pending', '{}')",
                quiet.id(),
                other,
                poison);
        String path = "/merchant-hooks/beside-unreadable-" + System.nanoTime();
        PspStandIn.server()
                .stubFor(post(urlEqualTo(path)).willReturn(aResponse().withStatus(204)));
        Api.TestMerchant m = merchantWithReceiver(path);
        m.create(Api.body(Api.refundId(), Api.payment(1_000, "USD"), 100L, "USD", null))
                .then()
                .statusCode(200);
        try {
            // its pending and succeeded notifications, one run each (a refund's items go in order)
            Workers.outbox();
            Workers.outbox();
            assertEquals(
                    0, Db.count("select count(*) from outbox where merchant_id = ? and delivered_at is null", m.id()));
            assertEquals(
                    2,
                    PspStandIn.server()
                            .findAll(postRequestedFor(urlEqualTo(path)))
                            .size());
            assertEquals(
                    1,
                    Db.count("select count(*) from outbox where event_id = ? and delivered_at is null", poison),
                    "the unreadable item is kept, undelivered, for an operator");
        } finally {
            Db.execute("delete from outbox where event_id = ?", poison);
        }
    }

    @Test
    void merchantsWithoutAWebhookUrlGetNothingQueued() {
        Api.TestMerchant m = Api.newMerchant();
        m.create(Api.body(Api.refundId(), Api.payment(1_000, "USD"), 100L, "USD", null))
                .then()
                .statusCode(200);
        assertEquals(0, Db.count("select count(*) from outbox where merchant_id = ?", m.id()));
    }

    @Test
    void concurrentClaimsNeverDeliverAnItemTwice() {
        String path = "/merchant-hooks/idle-" + System.nanoTime();
        PspStandIn.server()
                .stubFor(post(urlEqualTo(path)).willReturn(aResponse().withStatus(500)));
        Api.TestMerchant m = merchantWithReceiver(path);
        for (int i = 0; i < 10; i++) {
            m.create(Api.body(Api.refundId(), Api.payment(1_000, "USD"), 100L, "USD", null))
                    .then()
                    .statusCode(200);
        }
        Db.execute("update outbox set next_attempt_at = now() - interval '1 second' where merchant_id = ?", m.id());
        Instant now = Instant.now();
        var claims = Uni.join()
                .all(outbox.claimDue(now, 50, Duration.ofMinutes(5)), outbox.claimDue(now, 50, Duration.ofMinutes(5)))
                .andFailFast()
                .await()
                .atMost(Duration.ofSeconds(20));
        Set<Long> seen = new HashSet<>();
        for (var claim : claims) {
            for (var item : claim) {
                assertTrue(seen.add(item.id()), "item " + item.id() + " claimed twice");
            }
        }
    }

    /** Checks Refract-Signature the way a merchant would. */
    static void assertSignature(LoggedRequest r) {
        String header = r.getHeader("Refract-Signature");
        String t = header.split(",")[0].substring(2);
        String v1 = header.split(",")[1].substring(3);
        byte[] expected = Hmac.sha256(
                SECRET.getBytes(StandardCharsets.UTF_8),
                (t + "." + r.getBodyAsString()).getBytes(StandardCharsets.UTF_8));
        assertEquals(HexFormat.of().formatHex(expected), v1);
        assertTrue(Math.abs(Instant.now().getEpochSecond() - Long.parseLong(t)) < 120);
    }
}
