package dev.refract.replicas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.refract.store.ApiKeyStore;
import dev.refract.store.MigrationSettings;
import dev.refract.store.SchemaHealth;
import dev.refract.support.Api;
import dev.refract.support.AppInstance;
import dev.refract.support.PostgresResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.restassured.response.Response;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

/**
 * A database whose merchants were made before API keys had a table of their own (the schema before V9, their
 * keys' hashes in merchants.api_key_hash) is migrated by the packaged application at start: every merchant's key
 * keeps working, as its first key, named default. A build before V9 that still serves during the rollout keeps
 * working too: a merchant it creates gets its default key, and a key revoked through the new build is taken from
 * where the old build looks.
 */
@QuarkusIntegrationTest
@QuarkusTestResource(PostgresResource.class)
class ApiKeyMigrationIT {

    static final String OLD_KEY = "rk_made_before_keys_were_listed_0123456789abcdef";
    static final String ROLLOUT_KEY = "rk_made_by_an_older_build_during_the_rollout_42";

    @Test
    void merchantsMadeBeforeTheMigrationKeepTheirKeys() throws Exception {
        String database = "before_keys_" + System.nanoTime();
        dev.refract.support.Db.execute("CREATE DATABASE " + database);
        String jdbc = "jdbc:postgresql://localhost:" + PostgresResource.port() + "/" + database;
        // the schema as the build before API keys left it (every migration before V9), and a merchant it made
        // with the application's own Flyway settings (V8 builds its keys concurrently, outside a transaction)
        MigrationSettings.apply(Flyway.configure()
                        .dataSource(jdbc, "postgres", "postgres")
                        .locations("classpath:db/migration"))
                .target(newestBefore(9))
                .load()
                .migrate();
        execute(
                jdbc,
                "insert into merchants (id, name, api_key_hash, created_at) values (?, 'Old', ?, "
                        + "timestamptz '2026-01-02T03:04:05Z')",
                "m_before_keys",
                ApiKeyStore.hash(OLD_KEY));

        Map<String, String> config = new HashMap<>(PostgresResource.datasourceOn(PostgresResource.port()));
        config.put(
                "quarkus.datasource.reactive.url",
                "postgresql://localhost:" + PostgresResource.port() + "/" + database);
        config.put("quarkus.datasource.jdbc.url", jdbc);
        config.put("quarkus.flyway.migrate-at-start", "true");
        config.put("refract.janitor.enabled", "false");
        config.put("refract.outbox.enabled", "false");
        try (AppInstance app = AppInstance.start("key-migration", config)) {
            // migrated at start through V9 to the newest migration
            assertEquals(
                    SchemaHealth.EXPECTED_VERSION,
                    one(jdbc, "select max(version::int)::text from flyway_schema_history where success"));
            app.as(OLD_KEY).get("/v1/refunds").then().statusCode(200);
            app.as(OLD_KEY)
                    .body(Api.body(Api.refundId(), Api.payment(10_000, "USD"), 2_500L, "USD", null))
                    .post("/v1/refunds")
                    .then()
                    .statusCode(200);
            Response keys = app.admin().get("/admin/v1/merchants/m_before_keys/api-keys");
            keys.then().statusCode(200);
            assertEquals(1, keys.jsonPath().getList("data").size());
            assertEquals("default", keys.path("data[0].name"));
            assertEquals("full", keys.path("data[0].mode"));
            assertNull(keys.path("data[0].prefix"), "only the hash of a key made before was ever stored");
            assertEquals("2026-01-02T03:04:05Z", keys.path("data[0].created_at"));

            // an older build, still serving during the rollout, creates a merchant: its key works here too
            execute(
                    jdbc,
                    "insert into merchants (id, name, api_key_hash) values (?, 'Rollout', ?)",
                    "m_during_rollout",
                    ApiKeyStore.hash(ROLLOUT_KEY));
            app.as(ROLLOUT_KEY).get("/v1/refunds").then().statusCode(200);

            // revoked here, the key is gone from where an older build looks it up
            String id = keys.path("data[0].id");
            app.admin()
                    .delete("/admin/v1/merchants/m_before_keys/api-keys/" + id)
                    .then()
                    .statusCode(200);
            app.as(OLD_KEY).get("/v1/refunds").then().statusCode(401);
            assertNull(one(jdbc, "select api_key_hash from merchants where id = 'm_before_keys'"));

            // a merchant made now carries its default key's hash there too, for the older builds
            String newKey = app.admin()
                    .body("{\"merchant_id\":\"m_after_keys\",\"name\":\"New\"}")
                    .post("/admin/v1/merchants")
                    .then()
                    .statusCode(201)
                    .extract()
                    .path("api_key");
            assertEquals(
                    ApiKeyStore.hash(newKey),
                    one(jdbc, "select api_key_hash from merchants where id = 'm_after_keys'"));
            assertEquals("1", one(jdbc, "select count(*)::text from api_keys where merchant_id = 'm_after_keys'"));
        }
    }

    /** The newest migration before {@code version} (migrations are numbered per branch, so there may be gaps). */
    static String newestBefore(int version) throws IOException {
        Pattern name = Pattern.compile("V(\\d+)__.+\\.sql");
        try (Stream<Path> files = Files.list(Path.of("src/main/resources/db/migration"))) {
            return String.valueOf(files.map(p -> name.matcher(p.getFileName().toString()))
                    .filter(Matcher::matches)
                    .mapToInt(m -> Integer.parseInt(m.group(1)))
                    .filter(v -> v < version)
                    .max()
                    .orElseThrow());
        }
    }

    static void execute(String jdbc, String sql, String... args) throws SQLException {
        try (Connection c = DriverManager.getConnection(jdbc, "postgres", "postgres");
                PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                s.setString(i + 1, args[i]);
            }
            s.executeUpdate();
        }
    }

    static String one(String jdbc, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(jdbc, "postgres", "postgres");
                PreparedStatement s = c.prepareStatement(sql);
                ResultSet rs = s.executeQuery()) {
            rs.next();
            return rs.getString(1);
        }
    }
}
