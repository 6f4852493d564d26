package dev.refract.store;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * What is waiting, for the operator's gauges: refunds in MANUAL_REVIEW, how long the janitor's oldest due refund
 * has been due, how long the outbox's oldest undelivered item has waited. One round trip, each part read through
 * a partial index that holds only what it counts.
 */
@ApplicationScoped
public class BacklogStore {

    static final String BACKLOG = """
            select (select count(*) from refunds where state = 'MANUAL_REVIEW') as manual_review,
                   (select coalesce(extract(epoch from now() - min(next_action_at)), 0)::float8
                    from refunds where next_action_at is not null and next_action_at <= now()) as janitor_oldest_due,
                   (select coalesce(extract(epoch from now() - min(created_at)), 0)::float8
                    from outbox where delivered_at is null) as outbox_oldest_undelivered""";

    /** Seconds are 0 where nothing waits. */
    public record Backlog(long manualReview, double janitorOldestDueSeconds, double outboxOldestUndeliveredSeconds) {}

    private final Pool pool;

    BacklogStore(Pool pool) {
        this.pool = pool;
    }

    public Uni<Backlog> read() {
        return pool.query(BACKLOG).execute().map(rows -> {
            Row row = rows.iterator().next();
            return new Backlog(
                    row.getLong("manual_review"),
                    row.getDouble("janitor_oldest_due"),
                    row.getDouble("outbox_oldest_undelivered"));
        });
    }
}
