package dev.refract.store;

import io.quarkus.flyway.FlywayConfigurationCustomizer;
import jakarta.inject.Singleton;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.flywaydb.database.postgresql.PostgreSQLConfigurationExtension;

/**
 * How Flyway applies the migrations. A migration that builds an index {@code CONCURRENTLY} (so that writes go on
 * while a large table is indexed) cannot run in a transaction: such a migration runs statement by statement, each
 * taking its own short lock, and is written so that running it again after a failure completes it (V8). Every other
 * migration still runs in one transaction.
 */
@Singleton
public class MigrationSettings implements FlywayConfigurationCustomizer {

    @Override
    public void customize(FluentConfiguration configuration) {
        apply(configuration);
    }

    /** The same settings, for whoever runs Flyway itself (the tests). */
    public static FluentConfiguration apply(FluentConfiguration configuration) {
        // Flyway's default PostgreSQL lock is an advisory lock held in a transaction around the whole run, which a
        // statement that cannot run in a transaction block then meets; a session lock serialises concurrent migrate
        // Jobs just as well. Set on the plugin itself (no property parsing, nothing looked up by name)
        configuration
                .getPluginRegister()
                .getPlugin(PostgreSQLConfigurationExtension.class)
                .setTransactionalLock(false);
        return configuration.mixed(true);
    }
}
