package dev.refract.store;

import io.quarkus.reactive.pg.client.PgPoolCreator;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.SqlConnectOptions;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Builds the reactive datasource's pool from Quarkus' settings ({@code quarkus.datasource.reactive.*}), with an
 * acquisition timeout of our choosing and inside {@link FailoverPool}. The client's default waits 30 s for a free
 * connection; while a primary fails over, a request that waited that long has long been given up by its caller:
 * a 503 after a few seconds says more. Credentials come from the datasource's settings, as without a creator (no
 * credentials provider is used here).
 */
@Singleton
public class DatabasePool implements PgPoolCreator {

    private final Duration acquireTimeout;

    DatabasePool(
            @ConfigProperty(name = "refract.database.acquire-timeout", defaultValue = "5s") Duration acquireTimeout) {
        this.acquireTimeout = acquireTimeout;
    }

    @Override
    public Pool create(Input input) {
        PoolOptions options = new PoolOptions(input.poolOptions())
                .setConnectionTimeout((int) acquireTimeout.toMillis())
                .setConnectionTimeoutUnit(TimeUnit.MILLISECONDS);
        // Each statement is prepared once per connection, and the plan PostgreSQL keeps for it is the generic one,
        // which QueryPlanTest holds to its one index. Left to choose, PostgreSQL plans the first five executions on
        // each connection (and again after each ANALYZE) for the values at hand, and for a merchant its statistics
        // do not know yet it sees no cost in reading a merchant-wide index for one refund of a key (id or PSP
        // reference with the merchant): it reads all of that merchant's refunds (docs/scaling.md).
        input.pgConnectOptionsList().forEach(o -> o.addProperty("plan_cache_mode", "force_generic_plan"));
        Pool pool = PgBuilder.pool()
                .with(options)
                .connectingTo(List.<SqlConnectOptions>copyOf(input.pgConnectOptionsList()))
                .using(input.vertx())
                .build();
        return new FailoverPool(pool);
    }
}
