package dev.refract.security;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.refract.support.PostgresResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * While the database refuses every connection, each request that needs one fails at once, and the log says only
 * that: no Vert.x "uncaught exception" one acquisition timeout later for each of them (the reactive client's pool
 * used to report one per failed acquire of its own queries, thousands per failover, burying the real errors).
 */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
@TestProfile(DatabaseLogFloodTest.RefusingDatabase.class)
class DatabaseLogFloodTest {

    static final Duration ACQUIRE_TIMEOUT = Duration.ofSeconds(1);

    public static class RefusingDatabase extends DatabaseDownTest.NoDatabase {
        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> overrides = new HashMap<>(super.getConfigOverrides());
            overrides.put("refract.database.acquire-timeout", ACQUIRE_TIMEOUT.toMillis() + "ms");
            return overrides;
        }
    }

    @Inject
    Pool pool;

    static final Path LOG = Path.of("target", "refract-test.log");

    static long logLength() throws IOException {
        return LOG.toFile().length();
    }

    static List<String> logSince(long offset) throws IOException {
        try (RandomAccessFile file = new RandomAccessFile(LOG.toFile(), "r")) {
            byte[] added = new byte[(int) (file.length() - offset)];
            file.seek(offset);
            file.readFully(added);
            return new String(added, StandardCharsets.UTF_8).lines().toList();
        }
    }

    @Test
    void failedAcquiresLeaveNoErrorBehindThemOneTimeoutLater() throws Exception {
        long start = logLength();
        int refused = 0;
        for (int i = 0; i < 100; i++) {
            try {
                pool.query("select 1").execute().await().atMost(Duration.ofSeconds(10));
            } catch (RuntimeException e) {
                assertTrue(dev.refract.store.DatabaseDown.isDatabaseDown(e), e.toString());
                refused++;
            }
            pool.preparedQuery("select $1::int")
                    .execute(io.vertx.mutiny.sqlclient.Tuple.of(i))
                    .onFailure()
                    .recoverWithNull()
                    .await()
                    .atMost(Duration.ofSeconds(10));
        }
        assertEquals(100, refused, "every query met the refusing port");
        for (int i = 0; i < 20; i++) {
            given().get("/q/health/ready").then().statusCode(503);
            given().header("Authorization", "Bearer rk_any")
                    .contentType("application/json")
                    .body("{\"merchant_refund_id\":\"r1\",\"connector_transaction_id\":\"sbx_100_USD\"}")
                    .post("/v1/refunds")
                    .then()
                    .statusCode(503);
        }
        // past the acquisition timeout of every one of them, with room for a slow machine
        Thread.sleep(ACQUIRE_TIMEOUT.multipliedBy(3).toMillis());

        List<String> lines = logSince(start);
        assertTrue(
                lines.stream().anyMatch(l -> l.contains("database unavailable")),
                "the refusals themselves are logged: " + lines.size() + " lines");
        List<String> uncaught = lines.stream()
                .filter(l ->
                        l.contains("Uncaught exception received by Vert.x") || l.contains("Result is already complete"))
                .toList();
        assertEquals(List.of(), uncaught, "no uncaught exception after the refusals");
        List<String> errors = lines.stream()
                .filter(l -> l.contains("\"level\":\"ERROR\"") || l.contains(" ERROR "))
                .toList();
        assertEquals(List.of(), errors, "a database that is away is not an ERROR of ours");
    }
}
