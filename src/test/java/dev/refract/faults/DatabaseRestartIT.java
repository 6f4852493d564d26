package dev.refract.faults;

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
import io.restassured.response.Response;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The PostgreSQL server itself is stopped in the middle of a load of Stripe refunds and started again on the same
 * data directory. Meanwhile the instance reports not-ready and refuses new work with 503; afterwards it resumes
 * by itself. A merchant resends what was refused, as the 503 invites it to; in the end every refund is there
 * once and settled, Stripe's own books show one refund per payment, and every ledger balances.
 */
@QuarkusIntegrationTest
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(PspStandIn.class)
class DatabaseRestartIT {

    static final int CLIENTS = 4;
    static final Duration OUTAGE = Duration.ofSeconds(4);

    final Map<String, Integer> answers = new ConcurrentHashMap<>();
    final Set<String> refused = ConcurrentHashMap.newKeySet();
    final AtomicInteger accepted = new AtomicInteger();
    final AtomicInteger unexpected = new AtomicInteger();

    @Test
    void stoppingAndRestartingPostgresMidLoadLosesNothingAndRefundsEachPaymentOnce() throws Exception {
        Path dataDirectory = Files.createTempDirectory(Path.of("target"), "restarted-db-");
        int dbPort = AppInstance.freePort();
        EmbeddedPostgres db = startDatabase(dataDirectory, dbPort);
        Db.Server sql = Db.at(dbPort);
        Map<String, String> config = new HashMap<>(new PspStandIn().start());
        config.putAll(PostgresResource.datasourceOn(dbPort));

        try (AppInstance app = AppInstance.start("restarted-db-instance", config)) {
            Api.TestMerchant m = Api.newMerchant(app::admin);
            String merchant = m.id();
            String apiKey = m.apiKey();
            app.admin()
                    .body("{\"credentials\":{\"api_key\":\"sk_test_restart\"}}")
                    .put("/admin/v1/merchants/" + merchant + "/connectors/stripe")
                    .then()
                    .statusCode(200);
            String tag = UUID.randomUUID().toString().replace("-", "").substring(0, 8);

            AtomicBoolean loading = new AtomicBoolean(true);
            AtomicInteger next = new AtomicInteger();
            ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
            for (int c = 0; c < CLIENTS; c++) {
                clients.submit(() -> {
                    while (loading.get()) {
                        send(app, apiKey, tag, next.getAndIncrement());
                    }
                });
            }

            await().atMost(Duration.ofSeconds(30)).until(() -> accepted.get() >= 30);
            db.close(); // the server process stops: every connection is gone and the port is closed
            long stoppedAt = System.nanoTime();
            int acceptedBeforeStop = accepted.get();
            await().atMost(Duration.ofSeconds(15))
                    .untilAsserted(() -> assertEquals(
                            503, app.given().get("/q/health/ready").statusCode(), "not ready without its database"));
            await().atMost(Duration.ofSeconds(15)).until(() -> refused.size() >= 10);
            Response read = app.as(apiKey).get("/v1/refunds/restart_0");
            assertEquals(503, read.statusCode(), "reads are refused too: " + read.asString());
            assertEquals("service_unavailable", read.jsonPath().getString("error.code"));
            assertTrue(read.header("Retry-After") != null, "a 503 says when to come back");

            // down long enough for the janitor and the outbox worker to run into it a few times
            Thread.sleep(Math.max(
                    0,
                    OUTAGE.toMillis()
                            - Duration.ofNanos(System.nanoTime() - stoppedAt).toMillis()));
            db = startDatabase(dataDirectory, dbPort);
            long restartedAt = System.nanoTime();
            await().atMost(Duration.ofSeconds(30))
                    .untilAsserted(() -> assertEquals(
                            200, app.given().get("/q/health/ready").statusCode(), "ready again by itself"));
            long readyAfterMs =
                    Duration.ofNanos(System.nanoTime() - restartedAt).toMillis();
            int acceptedAfterRestart = accepted.get();
            await().atMost(Duration.ofSeconds(30)).until(() -> accepted.get() >= acceptedAfterRestart + 30);
            loading.set(false);
            clients.shutdown();
            assertTrue(clients.awaitTermination(30, TimeUnit.SECONDS));
            assertEquals(
                    0,
                    unexpected.get(),
                    () -> "no answer other than 200 and 503, no dropped connection: " + answers
                            + "\nthe instance's errors:\n" + errorsIn(app.output()));

            // the merchant resends what was refused: each is then accepted, once
            for (String id : Set.copyOf(refused)) {
                int n = Integer.parseInt(id.substring("restart_".length()));
                assertEquals(200, create(app, apiKey, tag, n).statusCode(), id + " accepted on its resend");
            }

            int total = next.get();
            System.out.printf(
                    "database restart: %d refunds, %d accepted before the stop, %d refused during %d ms down,"
                            + " ready %d ms after the restart%n",
                    total, acceptedBeforeStop, refused.size(), OUTAGE.toMillis(), readyAfterMs);
            assertTrue(
                    acceptedBeforeStop >= 30 && refused.size() >= 10 && total > acceptedBeforeStop + 40,
                    "the load ran before, during and after the outage");
            await().atMost(Duration.ofSeconds(60))
                    .untilAsserted(() -> assertEquals(
                            total,
                            sql.count(
                                    "select count(*) from refunds where merchant_id = ? and state = 'SUCCEEDED'",
                                    merchant)));
            assertEquals(total, sql.count("select count(*) from refunds where merchant_id = ?", merchant));
            for (int n = 0; n < total; n++) {
                String payment = payment(tag, n);
                String key = Refund.pspReferenceFor(merchant, "restart_" + n);
                assertEquals(1, StripeStandIn.refundsMade(payment), "Stripe refunded " + payment + " once");
                assertEquals(300, StripeStandIn.refunded(payment));
                List<LoggedRequest> calls = PspStandIn.server()
                        .findAll(postRequestedFor(urlEqualTo("/stripe/v1/refunds"))
                                .withRequestBody(matching(".*payment_intent=" + payment + "(&.*)?")));
                calls.forEach(call -> assertEquals(key, call.getHeader("Idempotency-Key")));
                sql.assertLedgerConsistent(merchant, payment);
            }
        } finally {
            db.close();
        }
    }

    /** The instance's ERROR lines with the line after each: what a failed run must show, since CI keeps no log. */
    static String errorsIn(String output) {
        List<String> lines = output.lines().toList();
        StringBuilder errors = new StringBuilder();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(" ERROR ")) {
                errors.append(lines.get(i)).append('\n');
                if (i + 1 < lines.size()) {
                    errors.append(lines.get(i + 1)).append('\n');
                }
            }
        }
        return errors.toString();
    }

    static EmbeddedPostgres startDatabase(Path dataDirectory, int port) throws IOException {
        return EmbeddedPostgres.builder()
                .setDataDirectory(dataDirectory)
                .setCleanDataDirectory(false)
                .setPort(port)
                .setRegisterShutdownHook(true)
                .start();
    }

    static String payment(String tag, int n) {
        return "pi_restart" + tag + "x" + n;
    }

    void send(AppInstance app, String apiKey, String tag, int n) {
        String id = "restart_" + n;
        try {
            int status = create(app, apiKey, tag, n).statusCode();
            answers.put(id, status);
            if (status == 200) {
                accepted.incrementAndGet();
            } else if (status == 503) {
                refused.add(id);
                Thread.sleep(200); // a merchant backs off when refused (a real one would honour Retry-After)
            } else {
                unexpected.incrementAndGet();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            answers.put(id, -1);
            unexpected.incrementAndGet();
        }
    }

    static Response create(AppInstance app, String apiKey, String tag, int n) {
        String payment = payment(tag, n);
        StripeStandIn.capture(payment, 1_000);
        return app.as(apiKey)
                .body(Api.body(
                        "restart_" + n,
                        payment,
                        300L,
                        "USD",
                        "\"payment_amount\":{\"minor_amount\":1000,\"currency\":\"USD\"}"))
                .post("/v1/refunds");
    }
}
