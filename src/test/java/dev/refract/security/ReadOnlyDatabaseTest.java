package dev.refract.security;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.refract.support.Api;
import dev.refract.support.PostgresResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The database cannot take writes for a while, as while a standby is promoted: the merchant is answered 503 with
 * Retry-After, never 500, readiness is down, and creates are served again once the server is writable, by
 * themselves. The server is real and its own: first set read-only while Refract's connections are open, then
 * restarted as a hot standby (in recovery, as a promoted node is until it has replayed its WAL) and promoted.
 */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
@TestProfile(ReadOnlyDatabaseTest.OwnDatabase.class)
class ReadOnlyDatabaseTest {

    /** The profile is loaded by more than one class loader: the server is shared through system properties. */
    static final String PORT = "refract.test.read-only-database-port";

    static final String DIR = "refract.test.read-only-database-dir";

    /**
     * The thread that owns the first server and stops it when interrupted: the test, in another class loader than
     * the profile that started it, reaches it by name (system properties hold strings only).
     */
    static final String KEEPER = "refract-read-only-database";

    public static class OwnDatabase implements QuarkusTestProfile {
        @Override
        public synchronized Map<String, String> getConfigOverrides() {
            if (System.getProperty(PORT) == null) {
                try {
                    Path dir = Files.createTempDirectory("refract-read-only-db");
                    EmbeddedPostgres db = start(dir, 0, false);
                    System.setProperty(PORT, Integer.toString(db.getPort()));
                    System.setProperty(DIR, dir.toString());
                    Thread keeper = new Thread(
                            () -> {
                                try {
                                    Thread.sleep(Long.MAX_VALUE);
                                } catch (InterruptedException stop) {
                                    try {
                                        db.close();
                                    } catch (IOException e) {
                                        throw new UncheckedIOException(e);
                                    }
                                }
                            },
                            KEEPER);
                    keeper.setDaemon(true);
                    keeper.start();
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }
            return PostgresResource.datasourceOn(Integer.getInteger(PORT));
        }
    }

    static EmbeddedPostgres start(Path dir, int port, boolean standby) throws IOException {
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                .setDataDirectory(dir)
                .setCleanDataDirectory(false)
                .setRegisterShutdownHook(true)
                .setDataDirectoryCustomizer(d -> {
                    if (standby) {
                        try {
                            // recovery with nothing to replay: a hot standby, read-only until promoted
                            Files.writeString(d.toPath().resolve("standby.signal"), "");
                        } catch (IOException e) {
                            throw new IllegalStateException(e);
                        }
                    }
                });
        return (port == 0 ? builder : builder.setPort(port)).start();
    }

    static Connection admin() throws SQLException {
        return DriverManager.getConnection(
                "jdbc:postgresql://localhost:" + Integer.getInteger(PORT) + "/postgres", "postgres", "postgres");
    }

    static void admin(String sql) throws SQLException {
        try (Connection c = admin();
                Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    /** The backends of Refract's reactive pool (the test's own JDBC connections name themselves otherwise). */
    static Set<Integer> poolBackends() throws SQLException {
        Set<Integer> pids = new HashSet<>();
        try (Connection c = admin();
                Statement s = c.createStatement();
                ResultSet rs =
                        s.executeQuery("select pid from pg_stat_activity where application_name = 'vertx-pg-client'")) {
            while (rs.next()) {
                pids.add(rs.getInt(1));
            }
        }
        return pids;
    }

    static long count(String merchantId) throws SQLException {
        try (Connection c = admin();
                Statement s = c.createStatement();
                ResultSet rs =
                        s.executeQuery("select count(*) from refunds where merchant_id = '" + merchantId + "'")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    static Response create(Api.TestMerchant m, String id) {
        return m.create(Api.body(id, Api.payment(100_000, "USD"), 100L, "USD", null));
    }

    /** A refusal while the server is read-only: 503 in the API's error shape with Retry-After, nothing recorded. */
    static void assertRefused(Response r) {
        assertEquals(503, r.statusCode(), r.asString());
        assertEquals("service_unavailable", r.jsonPath().getString("error.code"));
        assertEquals("5", r.header("Retry-After"));
    }

    static void assertReadiness(int status) {
        given().get("/q/health/ready").then().statusCode(status);
    }

    @Test
    void writesRefusedAsReadOnlyAre503sUntilTheServerTakesWritesAgain() throws Exception {
        Api.TestMerchant m = Api.newMerchant();
        int accepted = 0;
        for (int i = 0; i < 5; i++) {
            assertEquals(200, create(m, "ro_before_" + i).statusCode());
            accepted++;
        }
        assertReadiness(200);

        // 1. the server turns read-only under the open connections (as a primary fenced by its operator)
        Set<Integer> before = poolBackends();
        admin("alter system set default_transaction_read_only = on");
        admin("select pg_reload_conf()");
        Response refused = null;
        for (int i = 0; i < 20 && refused == null; i++) {
            Response r = create(m, "ro_fenced_" + i);
            if (r.statusCode() == 200) {
                accepted++; // a connection that had not read the new setting yet
            } else {
                assertRefused(r);
                refused = r;
            }
        }
        assertTrue(refused != null, "a read-only server refused a create");
        Set<Integer> gone = new HashSet<>(before);
        gone.removeAll(poolBackends());
        assertEquals(1, gone.size(), "the one connection that was refused the write is closed: " + before);
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> given().get("/q/health/ready")
                        .then()
                        .statusCode(503)
                        .body("checks.find { it.name == 'Database takes writes' }.status", equalTo("DOWN")));
        admin("alter system reset default_transaction_read_only");
        admin("select pg_reload_conf()");
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertReadiness(200));
        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> assertEquals(200, create(m, "ro_back").statusCode()));
        accepted++;

        // 2. the server restarts as a standby in recovery, as the node a proxy sends writes to while it is promoted
        Thread keeper = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals(KEEPER))
                .findFirst()
                .orElseThrow();
        keeper.interrupt();
        keeper.join(30_000);
        assertFalse(keeper.isAlive(), "the primary stopped");
        start(Path.of(System.getProperty(DIR)), Integer.getInteger(PORT), true); // stopped by its shutdown hook
        try (Connection c = admin();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select pg_is_in_recovery()")) {
            rs.next();
            assertTrue(rs.getBoolean(1), "the server is a standby");
        }
        for (int i = 0; i < 10; i++) {
            Response r = create(m, "ro_standby_" + i);
            assertRefused(r);
        }
        given().get("/q/health/ready")
                .then()
                .statusCode(503)
                .body(
                        "checks.find { it.name == 'Database takes writes' }.data.reason",
                        equalTo("the database is a standby in recovery: it refuses writes"));

        admin("select pg_promote()");
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertReadiness(200));
        assertEquals(200, create(m, "ro_promoted").statusCode(), "served again, without a restart of Refract");
        accepted++;
        assertEquals(accepted, count(m.id()), "every 200 recorded, none of the refused");
    }
}
