package dev.refract.replicas;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.refract.support.AppInstance;
import dev.refract.support.Db;
import dev.refract.support.PostgresResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.restassured.response.Response;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A replica does not migrate or validate the schema at start (the migrate Job does, once per rollout). Started on a
 * database that has no schema yet, it is live but not ready, and says why; {@code refract migrate} applies the
 * migrations and exits 0; the waiting replica then becomes ready by itself.
 */
@QuarkusIntegrationTest
@QuarkusTestResource(PostgresResource.class)
class SchemaReadinessIT {

    @Test
    void aReplicaOnAnUnmigratedDatabaseIsUnreadyUntilMigrateHasRun() throws Exception {
        String database = "fresh_" + System.nanoTime();
        Db.execute("CREATE DATABASE " + database);
        Map<String, String> config = new HashMap<>(PostgresResource.datasourceOn(PostgresResource.port()));
        config.put(
                "quarkus.datasource.reactive.url",
                "postgresql://localhost:" + PostgresResource.port() + "/" + database);
        config.put(
                "quarkus.datasource.jdbc.url",
                "jdbc:postgresql://localhost:" + PostgresResource.port() + "/" + database);
        config.put("quarkus.flyway.migrate-at-start", "false");
        config.put("refract.janitor.enabled", "false");
        config.put("refract.outbox.enabled", "false");

        try (AppInstance replica = AppInstance.launch("schema-replica", config)) {
            await().atMost(Duration.ofSeconds(60))
                    .ignoreExceptions()
                    .until(() -> replica.given().get("/q/health/live").statusCode() == 200);
            Response ready = replica.given().get("/q/health/ready");
            assertEquals(503, ready.statusCode());
            assertEquals("DOWN", ready.path("checks.find { it.name == 'Database schema' }.status"));
            assertEquals(
                    "the database has no schema yet: run refract migrate",
                    ready.path("checks.find { it.name == 'Database schema' }.data.reason"));

            Map<String, String> migrateJob = new HashMap<>(config);
            migrateJob.put("quarkus.flyway.migrate-at-start", "true");
            try (AppInstance migrate = AppInstance.launch("schema-migrate", migrateJob, "migrate")) {
                assertEquals(0, migrate.exitCode(Duration.ofSeconds(60)), migrate::output);
            }

            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                Response now = replica.given().get("/q/health/ready");
                assertEquals(200, now.statusCode());
                assertEquals("UP", now.path("checks.find { it.name == 'Database schema' }.status"));
            });
        }
    }
}
