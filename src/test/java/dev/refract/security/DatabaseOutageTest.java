package dev.refract.security;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.refract.support.Api;
import dev.refract.support.PostgresResource;
import dev.refract.support.Workers;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The database goes away in the middle of a load and comes back. Meanwhile Refract reports not-ready and refuses
 * new refunds with 503; afterwards it resumes by itself, and every refund it accepted is there exactly once and
 * settled. The outage is real: the database stops accepting connections and every open one is cut.
 */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
@TestProfile(DatabaseOutageTest.OwnDatabase.class)
class DatabaseOutageTest {

    /** The profile is loaded by more than one class loader: the port is shared through a system property. */
    static final String PORT = "refract.test.outage-database-port";

    static int port() {
        return Integer.getInteger(PORT);
    }

    public static class OwnDatabase implements QuarkusTestProfile {
        @Override
        public synchronized Map<String, String> getConfigOverrides() {
            if (System.getProperty(PORT) == null) {
                try {
                    EmbeddedPostgres db = EmbeddedPostgres.builder().start(); // stopped by its shutdown hook
                    System.setProperty(PORT, Integer.toString(db.getPort()));
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }
            return PostgresResource.datasourceOn(port());
        }
    }

    static void admin(String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(
                        "jdbc:postgresql://localhost:" + port() + "/template1", "postgres", "postgres");
                Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    static long count(String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(
                        "jdbc:postgresql://localhost:" + port() + "/postgres", "postgres", "postgres");
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void outageInTheMiddleOfALoadLosesNothingAndRecoversByItself() throws Exception {
        Api.TestMerchant m = Api.newMerchant();
        List<String> accepted = new ArrayList<>();
        int refused = 0;
        for (int i = 0; i < 60; i++) {
            if (i == 20) {
                admin("alter database postgres with allow_connections false");
                admin("select pg_terminate_backend(pid) from pg_stat_activity where datname = 'postgres'");
            }
            if (i == 40) {
                assertEquals(
                        503,
                        given().get("/q/health/ready").statusCode(),
                        "not ready while the database is away; " + "own database on " + port() + ", refused so far "
                                + refused);
                admin("alter database postgres with allow_connections true");
            }
            String id = "outage_" + i;
            Response r = m.create(Api.body(
                    id,
                    Api.payment(10_000, "USD"),
                    100L,
                    "USD",
                    "\"connector_options\":{\"sandbox_outcome\":\"pending\",\"sandbox_settle_ms\":0}"));
            if (r.statusCode() == 200) {
                accepted.add(id);
            } else {
                assertEquals(503, r.statusCode(), "during the outage: 503, never a 5xx of another kind");
                assertEquals("service_unavailable", r.jsonPath().getString("error.code"));
                refused++;
            }
        }
        assertTrue(refused >= 15, "the outage refused work: " + refused);
        assertTrue(accepted.size() >= 35, "before and after it, work was accepted: " + accepted.size());

        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> given().get("/q/health/ready").then().statusCode(200));
        // every accepted refund is there exactly once, none of the refused ones is, and the janitor settles them all
        await().atMost(Duration.ofSeconds(40)).ignoreExceptions().untilAsserted(() -> {
            Workers.janitor();
            assertEquals(
                    accepted.size(),
                    count("select count(*) from refunds where merchant_id = '" + m.id() + "' and state = 'SUCCEEDED'"));
        });
        assertEquals(accepted.size(), count("select count(*) from refunds where merchant_id = '" + m.id() + "'"));
    }
}
