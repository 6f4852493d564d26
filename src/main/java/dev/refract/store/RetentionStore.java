package dev.refract.store;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;

/**
 * Deletes what has served its purpose: outbox rows delivered, and PSP webhook events applied, before a cutoff. The
 * refund event log is never pruned: it is the audit trail. Each call deletes one small batch, oldest first, found
 * through a partial index of delivered (applied) rows only, then deleted by primary key; rows another transaction
 * holds are skipped, never waited for.
 */
@ApplicationScoped
public class RetentionStore {

    /** Which merchants have outbox rows delivered before $1, one row per row up to the batch ($2); no locks. */
    static final String PRUNABLE_OUTBOX =
            "select merchant_id from outbox where delivered_at < $1 order by delivered_at limit $2";

    static final String PRUNE_OUTBOX = """
            delete from outbox where merchant_id = $3 and id = any(array(
                select id from outbox where delivered_at < $1 and merchant_id = $3
                order by delivered_at limit $2 for update skip locked))""";

    /** Which merchants have webhook events applied before $1, as for the outbox. */
    static final String PRUNABLE_WEBHOOK_EVENTS =
            "select merchant_id from webhook_events where applied_at < $1 order by applied_at limit $2";

    static final String PRUNE_WEBHOOK_EVENTS = """
            delete from webhook_events where merchant_id = $3 and id = any(array(
                select id from webhook_events where applied_at < $1 and merchant_id = $3
                order by applied_at limit $2 for update skip locked))""";

    private final Pool pool;

    RetentionStore(Pool pool) {
        this.pool = pool;
    }

    /** Deletes up to {@code limit} outbox rows delivered before {@code cutoff}; answers how many. */
    public Uni<Integer> pruneOutbox(Instant cutoff, int limit) {
        return prune(PRUNABLE_OUTBOX, PRUNE_OUTBOX, cutoff, limit);
    }

    /**
     * Deletes up to {@code limit} webhook events applied before {@code cutoff}; answers how many. Events
     * never applied (kept for reconciliation) stay. A PSP redelivering a pruned event long after is harmless: the
     * state machine moves no refund backwards and an external refund is adopted once.
     */
    public Uni<Integer> pruneWebhookEvents(Instant cutoff, int limit) {
        return prune(PRUNABLE_WEBHOOK_EVENTS, PRUNE_WEBHOOK_EVENTS, cutoff, limit);
    }

    /** The merchants with rows to prune first, then each one's rows deleted ({@link PerMerchant}). */
    private Uni<Integer> prune(String prunable, String prune, Instant cutoff, int limit) {
        return pool.preparedQuery(prunable)
                .execute(Tuple.of(RowMapping.time(cutoff), limit))
                .chain(rows -> PerMerchant.sum(
                        PerMerchant.due(rows),
                        (merchantId, due) -> pool.preparedQuery(prune)
                                .execute(Tuple.of(RowMapping.time(cutoff), due, merchantId))
                                .map(deleted -> deleted.rowCount())));
    }
}
