package dev.refract.replicas;

import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.refract.refund.Refund;
import dev.refract.support.Api;
import dev.refract.support.AppInstance;
import dev.refract.support.Db;
import dev.refract.support.PostgresResource;
import dev.refract.support.PspStandIn;
import dev.refract.support.StripeStandIn;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * An instance is killed with SIGKILL while refunds are in flight at the PSP. The surviving instance's janitor
 * settles every refund that was recorded, resending with the same PSP idempotency key, so a real PSP would refund
 * each once; every refund answered 200 is in the database.
 */
@QuarkusIntegrationTest
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(PspStandIn.class)
class KillNineIT {

    static final int REFUNDS = 30;

    @Test
    void refundsInFlightWhenAnInstanceIsKilledAreSettledByTheOtherWithTheSameKeys() throws Exception {
        Map<String, String> config = new HashMap<>(new PostgresResource().start());
        config.putAll(new PspStandIn().start());
        AppInstance victim = AppInstance.start("killed-instance", config);

        Api.TestMerchant m = Api.newMerchant();
        Api.admin()
                .body("{\"credentials\":{\"api_key\":\"sk_test_kill\"}}")
                .put("/admin/v1/merchants/" + m.id() + "/connectors/stripe")
                .then()
                .statusCode(200);
        String tag = UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        // Stripe takes 700 ms to answer: the kill lands while every create waits for it
        for (int i = 0; i < REFUNDS; i++) {
            StripeStandIn.capture(payment(tag, i), 1_000, 700);
        }

        ExecutorService clients = Executors.newFixedThreadPool(REFUNDS);
        List<Future<Integer>> answers = new ArrayList<>();
        for (int i = 0; i < REFUNDS; i++) {
            String body = Api.body(
                    "kill_" + i,
                    payment(tag, i),
                    100L,
                    "USD",
                    "\"payment_amount\":{\"minor_amount\":1000,\"currency\":\"USD\"}");
            answers.add(clients.submit(
                    () -> victim.as(m.apiKey()).body(body).post("/v1/refunds").statusCode()));
        }
        // kill once some refunds are recorded and waiting for the PSP
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(20))
                .until(() -> Db.count("select count(*) from refunds where merchant_id = ?", m.id()) >= 5);
        victim.kill();
        List<String> answered = new ArrayList<>();
        for (int i = 0; i < REFUNDS; i++) {
            try {
                if (answers.get(i).get() == 200) {
                    answered.add("kill_" + i);
                }
            } catch (Exception e) {
                // the connection died with the process: no answer
            }
        }
        clients.shutdownNow();

        long recorded = Db.count("select count(*) from refunds where merchant_id = ?", m.id());
        assertTrue(recorded > 0, "refunds were recorded before the kill");
        // the surviving instance settles every recorded refund
        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(() -> assertEquals(
                        recorded,
                        Db.count(
                                "select count(*) from refunds where merchant_id = ? and state = 'SUCCEEDED'", m.id())));
        for (String id : answered) {
            assertEquals(
                    1,
                    Db.count(
                            "select count(*) from refunds where merchant_id = ? and merchant_refund_id = ?",
                            m.id(),
                            id),
                    id + " was answered 200, so it must be there");
        }
        // every call Stripe saw for a refund carried that refund's one key, and Stripe's books show one refund for
        // each recorded one and none for the others
        for (int i = 0; i < REFUNDS; i++) {
            String payment = payment(tag, i);
            long stored = Db.count(
                    "select count(*) from refunds where merchant_id = ? and merchant_refund_id = ?",
                    m.id(),
                    "kill_" + i);
            assertEquals(stored, StripeStandIn.refundsMade(payment), "kill_" + i + ": refunds at Stripe");
            String key = Refund.pspReferenceFor(m.id(), "kill_" + i);
            List<LoggedRequest> calls = PspStandIn.server()
                    .findAll(postRequestedFor(urlEqualTo("/stripe/v1/refunds"))
                            .withRequestBody(matching(".*payment_intent=" + payment + "(&.*)?")));
            assertTrue(calls.size() >= stored);
            for (LoggedRequest call : calls) {
                assertEquals(key, call.getHeader("Idempotency-Key"));
            }
        }
        Db.query("select connector_transaction_id from refunds where merchant_id = ?", m.id())
                .forEach(r -> Db.assertLedgerConsistent(m.id(), (String) r.get("connector_transaction_id")));
    }

    static String payment(String tag, int n) {
        return "pi_kill" + tag + "x" + n;
    }
}
