package dev.refract.store;

import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.configuration.FluentConfiguration;

/** Flyway as the application configures it, for tests that migrate a database of their own. */
final class Migrations {

    private Migrations() {}

    static FluentConfiguration configure(DataSource dataSource) {
        return MigrationSettings.apply(Flyway.configure().dataSource(dataSource).locations("classpath:db/migration"));
    }
}
