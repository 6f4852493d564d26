package dev.refract.dev;

import dev.refract.store.ApiKeyStore;
import io.agroal.api.AgroalDataSource;
import io.quarkus.arc.profile.IfBuildProfile;
import io.quarkus.runtime.StartupEvent;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import org.flywaydb.core.Flyway;
import org.jboss.logging.Logger;

/**
 * Dev mode only ({@code ./mvnw quarkus:dev}): starts a real PostgreSQL from Maven artifacts (no Docker, works as
 * root), applies the migrations and creates a demo merchant with a known API key, so the README's first
 * {@code curl} works on a machine that has nothing but a JDK. The embedded server's jar is a {@code provided}
 * dependency: it is on the dev-mode classpath and absent from the packaged application.
 */
@ApplicationScoped
@IfBuildProfile("dev")
public class DevDatabase {

    private static final Logger LOG = Logger.getLogger(DevDatabase.class);

    private final int port;
    private final String demoMerchantId;
    private final String demoApiKey;

    DevDatabase(DevSettings settings) {
        this.port = settings.databasePort();
        this.demoMerchantId = settings.demoMerchantId();
        this.demoApiKey = settings.demoApiKey()
                .orElseThrow(() ->
                        new IllegalStateException("refract.dev.demo-api-key is not set (the dev profile sets it)"));
    }

    void start(@Observes @Priority(1) StartupEvent event, Flyway flyway, AgroalDataSource dataSource) {
        if (answers(port)) {
            LOG.infof("dev database already running on port %d (live reload)", port);
        } else {
            try {
                EmbeddedPostgres.builder()
                        .setPort(port)
                        .setRegisterShutdownHook(true)
                        .start();
            } catch (IOException e) {
                throw new UncheckedIOException("could not start the embedded PostgreSQL on port " + port, e);
            }
            LOG.infof("dev database started: embedded PostgreSQL on port %d", port);
        }
        flyway.migrate();
        seedDemoMerchant(dataSource);
    }

    private void seedDemoMerchant(AgroalDataSource dataSource) {
        String hash = ApiKeyStore.hash(demoApiKey);
        try (Connection c = dataSource.getConnection();
                PreparedStatement insert = c.prepareStatement(
                        "with m as (insert into merchants (id, name, api_key_hash) values (?, 'Demo merchant', ?) "
                                + "on conflict (id) do nothing returning id) "
                                + "insert into api_keys (merchant_id, name, mode, key_hash, prefix) "
                                + "select id, 'default', 'full', ?, left(?, 9) from m")) {
            insert.setString(1, demoMerchantId);
            insert.setString(2, hash);
            insert.setString(3, hash);
            insert.setString(4, demoApiKey);
            insert.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("could not create the demo merchant", e);
        }
        LOG.infof(
                "%n  Demo merchant %s is ready; its API key (dev only): %s%n  Try: curl -s localhost:8080/v1/refunds "
                        + "-H 'Authorization: Bearer %s' -H 'Content-Type: application/json' "
                        + "-d '{\"merchant_refund_id\":\"demo_1\",\"connector_transaction_id\":\"sbx_10000_USD\"}'%n",
                demoMerchantId, demoApiKey, demoApiKey);
    }

    private static boolean answers(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("localhost", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
