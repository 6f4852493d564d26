package dev.refract.store;

import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.pgclient.PgException;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready only once the database's schema is the one this build was written for. Replicas do not run Flyway at start
 * (the migrate Job did, once per rollout): opening a JDBC connection and validating every migration's checksum
 * would add a database round trip set to every replica's start for a fact that one query answers. A replica of a
 * newer build than the schema stays unready, and so out of the Service, until {@code refract migrate} has run.
 * Schemas only move forward, so once seen current it is not asked again.
 */
@Readiness
@ApplicationScoped
public class SchemaHealth implements AsyncHealthCheck {

    /** The newest migration in {@code db/migration}; {@code SchemaVersionTest} holds the two together. */
    public static final String EXPECTED_VERSION = "11";

    static final String APPLIED = "SELECT 1 FROM flyway_schema_history WHERE version = $1 AND success";

    private static final String NAME = "Database schema";

    private final Pool pool;
    private volatile boolean current;

    SchemaHealth(Pool pool) {
        this.pool = pool;
    }

    @Override
    public Uni<HealthCheckResponse> call() {
        if (current) {
            return Uni.createFrom().item(up());
        }
        return pool.preparedQuery(APPLIED)
                .execute(Tuple.of(EXPECTED_VERSION))
                .map(rows -> {
                    if (rows.size() == 0) {
                        return down("the schema is older than this build's version " + EXPECTED_VERSION
                                + ": run refract migrate");
                    }
                    current = true;
                    return up();
                })
                .onFailure()
                .recoverWithItem(e -> down(
                        e instanceof PgException pg && "42P01".equals(pg.getSqlState())
                                ? "the database has no schema yet: run refract migrate"
                                : "the schema cannot be read (" + e.getClass().getSimpleName() + ")"));
    }

    private static HealthCheckResponse up() {
        return HealthCheckResponse.named(NAME)
                .up()
                .withData("version", EXPECTED_VERSION)
                .build();
    }

    private static HealthCheckResponse down(String why) {
        return HealthCheckResponse.named(NAME).down().withData("reason", why).build();
    }
}
