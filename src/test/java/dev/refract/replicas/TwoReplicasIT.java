package dev.refract.replicas;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.refract.connector.WireJson;
import dev.refract.support.Api;
import dev.refract.support.Db;
import dev.refract.support.PostgresResource;
import dev.refract.support.PspStandIn;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.restassured.RestAssured;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two instances of the packaged application on one database: the one this test class runs against, and a second
 * one the test starts. Both run the janitor and the outbox worker; every refund must be settled, every
 * notification delivered, and none of either worked twice.
 */
@QuarkusIntegrationTest
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(PspStandIn.class)
class TwoReplicasIT {

    static final int REFUNDS = 40;
    static Process second;
    static Path secondLog;

    @BeforeAll
    static void startSecondInstance() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Map<String, String> config = new HashMap<>(new PostgresResource().start());
        config.putAll(new PspStandIn().start());
        // the same artifact the integration tests run: the native binary where one was built, else the jar
        String nativeBinary = System.getProperty("native.image.path");
        boolean isNative = nativeBinary != null && new File(nativeBinary).canExecute();
        List<String> command = new ArrayList<>();
        if (isNative) {
            command.add(new File(nativeBinary).getAbsolutePath());
        } else {
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        }
        command.addAll(List.of("-Dquarkus.profile=test", "-Dquarkus.http.port=" + port));
        config.forEach((k, v) -> command.add("-D" + k + "=" + v));
        if (!isNative) {
            command.add("-jar");
            command.add(new File("target/quarkus-app/quarkus-run.jar").getAbsolutePath());
        }
        secondLog = Path.of("target", "second-replica.log");
        second = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(secondLog.toFile()).start();
        int secondPort = port;
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> RestAssured.given()
                .port(secondPort).get("/q/health/ready").statusCode() == 200);
    }

    @AfterAll
    static void stopSecondInstance() {
        if (second != null) {
            second.destroy();
        }
    }

    @Test
    void bothInstancesShareTheWorkWithoutDoingAnyItemTwiceOrLosingOne() throws IOException {
        String hooks = "/merchant-hooks/replicas-" + System.nanoTime();
        PspStandIn.server().stubFor(post(urlEqualTo(hooks)).willReturn(aResponse().withStatus(200)));
        Api.TestMerchant m = Api.newMerchant();
        Api.admin().body("{\"credentials\":{\"api_key\":\"sk_test_replicas\"}}")
                .put("/admin/v1/merchants/" + m.id() + "/connectors/stripe").then().statusCode(200);
        Api.admin().body("{\"webhook_url\":\"http://localhost:" + PspStandIn.server().port() + hooks + "\","
                + "\"webhook_secret\":\"whsec_replicas\"}").put("/admin/v1/merchants/" + m.id()).then().statusCode(200);

        List<String> stripeIds = new ArrayList<>();
        for (int i = 0; i < REFUNDS; i++) {
            String payment = "pi_" + UUID.randomUUID().toString().replace("-", "").substring(0, 20);
            String reId = "re_rep_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
            stripeIds.add(reId);
            PspStandIn.server().stubFor(post(urlEqualTo("/stripe/v1/refunds")).withRequestBody(containing(payment))
                    .willReturn(okJson("{\"id\":\"" + reId + "\",\"object\":\"refund\",\"status\":\"pending\"}")));
            PspStandIn.server().stubFor(get(urlEqualTo("/stripe/v1/refunds/" + reId))
                    .willReturn(okJson("{\"id\":\"" + reId + "\",\"object\":\"refund\",\"status\":\"succeeded\"}")));
            m.create(Api.body("rep_" + i, payment, 100L, "USD",
                    "\"payment_amount\":{\"minor_amount\":1000,\"currency\":\"USD\"}")).then().statusCode(200);
        }

        // none lost: every refund settled by one janitor or the other, every notification delivered
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            assertEquals(REFUNDS, Db.count("select count(*) from refunds where merchant_id = ? and state = 'SUCCEEDED'",
                    m.id()));
            assertEquals(0, Db.count("select count(*) from outbox where merchant_id = ? and delivered_at is null",
                    m.id()));
        });
        // none twice: one status sync per refund at Stripe, one delivery per notification
        for (String reId : stripeIds) {
            assertEquals(1, PspStandIn.server().findAll(getRequestedFor(urlEqualTo("/stripe/v1/refunds/" + reId))).size(),
                    "refund " + reId + " was synced by both instances");
        }
        List<LoggedRequest> deliveries = PspStandIn.server().findAll(postRequestedFor(urlEqualTo(hooks)));
        Map<String, Long> perEvent = deliveries.stream().collect(Collectors.groupingBy(
                r -> WireJson.tree(r.getBodyAsString()).path("id").asText(), Collectors.counting()));
        assertEquals(2L * REFUNDS, perEvent.size(), "pending and succeeded for each refund");
        perEvent.forEach((event, count) -> assertEquals(1L, count, "event " + event + " delivered " + count + " times"));

        // the second instance ran beside the first throughout (which of them worked which item is up to the claims)
        String secondOutput = java.nio.file.Files.readString(secondLog);
        assertTrue(second.isAlive(), "the second instance is still up");
        assertTrue(secondOutput.contains("started in"), secondOutput);
    }
}
