package dev.refract.support;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * A real PostgreSQL 15 for the tests, from Maven artifacts: no Docker, and it runs as root too. One server for
 * the whole test JVM; Flyway migrates it when the application starts, exactly as in production.
 */
public class PostgresResource implements QuarkusTestResourceLifecycleManager {

    private static EmbeddedPostgres postgres;

    @Override
    public synchronized Map<String, String> start() {
        if (postgres == null) {
            try {
                postgres = EmbeddedPostgres.builder()
                        .setServerConfig("max_connections", "200")
                        .start();
            } catch (IOException e) {
                throw new UncheckedIOException("could not start the embedded PostgreSQL", e);
            }
        }
        return datasourceOn(postgres.getPort());
    }

    /** The application's datasource settings for a test PostgreSQL server on this port. */
    public static Map<String, String> datasourceOn(int port) {
        return Map.of(
                "quarkus.datasource.reactive.url",
                "postgresql://localhost:" + port + "/postgres",
                "quarkus.datasource.jdbc.url",
                "jdbc:postgresql://localhost:" + port + "/postgres",
                "quarkus.datasource.username",
                "postgres",
                "quarkus.datasource.password",
                "postgres");
    }

    @Override
    public void stop() {
        // kept for the whole JVM: every test class shares it, and its shutdown hook stops it at exit
    }

    /** The port, for tests that inspect or disturb the database directly. */
    public static int port() {
        return postgres.getPort();
    }
}
