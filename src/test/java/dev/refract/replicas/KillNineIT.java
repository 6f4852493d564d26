package dev.refract.replicas;

import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.refract.refund.Refund;
import dev.refract.support.Api;
import dev.refract.support.Db;
import dev.refract.support.PostgresResource;
import dev.refract.support.PspStandIn;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.restassured.RestAssured;
import java.io.File;
import java.net.ServerSocket;
import java.nio.file.Path;
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
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Map<String, String> config = new HashMap<>(new PostgresResource().start());
        config.putAll(new PspStandIn().start());
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dquarkus.profile=test", "-Dquarkus.http.port=" + port));
        config.forEach((k, v) -> command.add("-D" + k + "=" + v));
        command.add("-jar");
        command.add(new File("target/quarkus-app/quarkus-run.jar").getAbsolutePath());
        Process victim = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(Path.of("target", "killed-instance.log").toFile()).start();
        int victimPort = port;
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
                .until(() -> RestAssured.given().port(victimPort).get("/q/health/ready").statusCode() == 200);

        Api.TestMerchant m = Api.newMerchant();
        Api.admin().body("{\"credentials\":{\"api_key\":\"sk_test_kill\"}}")
                .put("/admin/v1/merchants/" + m.id() + "/connectors/stripe").then().statusCode(200);
        String tag = UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        // the PSP takes 700 ms to answer: the kill lands while every create waits for it
        PspStandIn.server().stubFor(post(urlEqualTo("/stripe/v1/refunds")).withRequestBody(containing("pi_kill" + tag))
                .willReturn(okJson("{\"id\":\"re_kill\",\"object\":\"refund\",\"status\":\"succeeded\"}").withFixedDelay(700)));

        ExecutorService clients = Executors.newFixedThreadPool(REFUNDS);
        List<Future<Integer>> answers = new ArrayList<>();
        for (int i = 0; i < REFUNDS; i++) {
            String body = Api.body("kill_" + i, "pi_kill" + tag + "_" + i, 100L, "USD",
                    "\"payment_amount\":{\"minor_amount\":1000,\"currency\":\"USD\"}");
            answers.add(clients.submit(() -> RestAssured.given().port(victimPort)
                    .header("Authorization", "Bearer " + m.apiKey()).contentType("application/json")
                    .body(body).post("/v1/refunds").statusCode()));
        }
        // kill once some refunds are recorded and waiting for the PSP
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20))
                .until(() -> Db.count("select count(*) from refunds where merchant_id = ?", m.id()) >= 5);
        victim.destroyForcibly().waitFor(); // SIGKILL: no shutdown hook, no finishing touches
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
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertEquals(recorded, Db.count(
                "select count(*) from refunds where merchant_id = ? and state = 'SUCCEEDED'", m.id())));
        for (String id : answered) {
            assertEquals(1, Db.count("select count(*) from refunds where merchant_id = ? and merchant_refund_id = ?",
                    m.id(), id), id + " was answered 200, so it must be there");
        }
        // every call the PSP saw for a refund carried that refund's one key: a real PSP refunded each at most once
        for (var row : Db.query("select merchant_refund_id, connector_transaction_id from refunds where merchant_id = ?",
                m.id())) {
            String key = Refund.pspReferenceFor(m.id(), (String) row.get("merchant_refund_id"));
            List<LoggedRequest> calls = PspStandIn.server().findAll(postRequestedFor(urlEqualTo("/stripe/v1/refunds"))
                    .withRequestBody(matching(".*payment_intent=" + row.get("connector_transaction_id"))));
            assertTrue(calls.size() >= 1);
            for (LoggedRequest call : calls) {
                assertEquals(key, call.getHeader("Idempotency-Key"));
            }
        }
        Db.query("select connector_transaction_id from refunds where merchant_id = ?", m.id())
                .forEach(r -> Db.assertLedgerConsistent(m.id(), (String) r.get("connector_transaction_id")));
    }
}
