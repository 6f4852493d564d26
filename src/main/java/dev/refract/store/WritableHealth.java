package dev.refract.store;

import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready only while the database takes writes. A standby answers {@code SELECT 1} (the datasource's own check), so
 * while one is being promoted, or the proxy sends us to a node still in recovery, Refract would look ready and
 * answer every create 503. The connection that found the server read-only is discarded, as one refused a write is
 * ({@link FailoverPool}), so that the next probe reconnects through the proxy.
 */
@Readiness
@ApplicationScoped
public class WritableHealth implements AsyncHealthCheck {

    private static final String NAME = "Database takes writes";

    static final String WRITABLE = "select pg_is_in_recovery() as in_recovery,"
            + " current_setting('transaction_read_only') = 'on' as read_only";

    private final Pool pool;

    WritableHealth(Pool pool) {
        this.pool = pool;
    }

    @Override
    public Uni<HealthCheckResponse> call() {
        return pool.withConnection(conn -> conn.query(WRITABLE).execute().chain(rows -> {
                    Row row = rows.iterator().next();
                    if (row.getBoolean("in_recovery")) {
                        return discarded(conn, "the database is a standby in recovery: it refuses writes");
                    }
                    if (row.getBoolean("read_only")) {
                        return discarded(conn, "the database is read-only (default_transaction_read_only)");
                    }
                    return Uni.createFrom()
                            .item(HealthCheckResponse.named(NAME).up().build());
                }))
                .onFailure()
                .recoverWithItem(e ->
                        down("the database cannot be asked (" + e.getClass().getSimpleName() + ")"));
    }

    private static Uni<HealthCheckResponse> discarded(io.vertx.mutiny.sqlclient.SqlConnection conn, String why) {
        return Uni.createFrom()
                .completionStage(() -> FailoverPool.discard(conn.getDelegate()).toCompletionStage())
                .onFailure()
                .recoverWithNull()
                .map(v -> down(why));
    }

    private static HealthCheckResponse down(String why) {
        return HealthCheckResponse.named(NAME).down().withData("reason", why).build();
    }
}
