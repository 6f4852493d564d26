package dev.refract.store;

import dev.refract.refund.Refund;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.jboss.logging.Logger;

/** The outbox as its delivery worker sees it. */
@ApplicationScoped
public class OutboxStore {

    /** Which merchants have items due ($1), one row per item up to the batch ($2); read without locks. */
    static final String DUE_MERCHANTS = """
            select merchant_id from outbox where delivered_at is null and next_attempt_at <= $1
            order by next_attempt_at limit $2""";

    /**
     * Due items of one merchant ($4), the oldest undelivered one of each refund and kind only (so a refund's
     * notifications go out in order), each then updated by its primary key; the ids go through an array so that the
     * generic plan does not join them against a scan of the whole outbox (see {@code RefundQueries.CLAIM_DUE}).
     */
    static final String CLAIM_DUE = """
            update outbox set next_attempt_at = $3 where merchant_id = $4 and id = any(array(
                select o.id from outbox o
                where o.delivered_at is null and o.next_attempt_at <= $1 and o.merchant_id = $4 and not exists (
                    select 1 from outbox p
                    where p.refund_id = o.refund_id and p.merchant_id = o.merchant_id and p.kind = o.kind
                      and p.delivered_at is null and p.id < o.id)
                order by o.id limit $2 for update skip locked))
            returning *""";

    static final String DELIVERED = "update outbox set delivered_at = now(), attempts = attempts + 1, last_error = $2 "
            + "where id = $1 and merchant_id = $3";

    static final String RETRY_LATER =
            "update outbox set attempts = attempts + 1, next_attempt_at = $2, last_error = $3 "
                    + "where id = $1 and merchant_id = $4";

    private static final Logger LOG = Logger.getLogger(OutboxStore.class);

    private final Pool pool;

    OutboxStore(Pool pool) {
        this.pool = pool;
    }

    /** One thing to deliver, with the refund as it was when the change happened. */
    public record Item(
            long id,
            String merchantId,
            String kind,
            String eventId,
            String eventType,
            Refund refund,
            int attempts,
            Instant createdAt) {
        public boolean isCredyt() {
            return RefundWrites.WALLET.equals(kind);
        }

        public boolean isReversal() {
            return RefundWrites.WALLET_REVERSAL.equals(eventType);
        }
    }

    /**
     * Claims due items, skipping rows another replica holds and, to keep each refund's items in order, any item
     * with an earlier undelivered one of the same kind for the same refund. A claim pushes the item's next attempt
     * {@code lease} ahead, so a replica that dies mid-delivery only delays it.
     */
    public Uni<List<Item>> claimDue(Instant now, int limit, Duration lease) {
        return pool.preparedQuery(DUE_MERCHANTS)
                .execute(Tuple.of(RowMapping.time(now), limit))
                .chain(rows -> PerMerchant.claim(
                        PerMerchant.due(rows), (merchantId, due) -> claim(merchantId, now, due, lease)))
                .map(items -> {
                    items.sort(Comparator.comparingLong(Item::id));
                    return items;
                });
    }

    private Uni<List<Item>> claim(String merchantId, Instant now, int limit, Duration lease) {
        return pool.preparedQuery(CLAIM_DUE)
                .execute(Tuple.of(RowMapping.time(now), limit, RowMapping.time(now.plus(lease)), merchantId))
                .map(rows -> {
                    List<Item> items = new ArrayList<>();
                    for (Row row : rows) {
                        Refund refund;
                        try {
                            refund = RowMapping.fromSnapshot(row.getJsonObject("payload"));
                        } catch (RuntimeException unreadable) {
                            // one item that cannot be read must not hold up every other delivery: it stays
                            // undelivered (and is claimed again after its lease) for an operator to look at
                            LOG.errorf(
                                    "outbox item %d cannot be read and is not delivered: %s",
                                    row.getLong("id"), unreadable.toString());
                            continue;
                        }
                        items.add(new Item(
                                row.getLong("id"),
                                row.getString("merchant_id"),
                                row.getString("kind"),
                                row.getString("event_id"),
                                row.getString("event_type"),
                                refund,
                                row.getInteger("attempts"),
                                row.getOffsetDateTime("created_at").toInstant()));
                    }
                    return items;
                });
    }

    public Uni<Void> delivered(Item item, String note) {
        return pool.preparedQuery(DELIVERED)
                .execute(Tuple.of(item.id(), note, item.merchantId()))
                .replaceWithVoid();
    }

    public Uni<Void> retryLater(Item item, Instant next, String error) {
        String shortError = error == null ? null : error.length() > 500 ? error.substring(0, 500) : error;
        return pool.preparedQuery(RETRY_LATER)
                .execute(Tuple.of(item.id(), RowMapping.time(next), shortError, item.merchantId()))
                .replaceWithVoid();
    }
}
