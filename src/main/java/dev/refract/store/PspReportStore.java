package dev.refract.store;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

/**
 * What each replica reports of its PSP calls and breakers, for the console's PSP page: one row per replica,
 * connector and 30-second slot, and one per replica and connector for the breaker. A report overwrites the
 * replica's own rows (its counts are totals of the slot so far, so a report sent twice changes nothing) and deletes
 * every replica's rows older than the page's window.
 */
@ApplicationScoped
public class PspReportStore {

    /** One replica's counts of one connector in one slot. */
    public record SlotCounts(
            String connector,
            Instant slotStart,
            long attempts,
            long failures,
            long refused,
            long totalMillis,
            long maxMillis) {}

    /** One replica's breaker of one connector, as it last reported it. */
    public record BreakerState(String replica, String connector, String state) {}

    static final String UPSERT_SLOTS = """
            insert into psp_call_slots
                (replica, connector, slot_start, attempts, failures, refused, total_millis, max_millis)
            select $1, s.* from unnest($2::text[], $3::timestamptz[], $4::bigint[], $5::bigint[], $6::bigint[],
                                       $7::bigint[], $8::bigint[]) as s
            on conflict (replica, connector, slot_start) do update set attempts = excluded.attempts,
                failures = excluded.failures, refused = excluded.refused, total_millis = excluded.total_millis,
                max_millis = excluded.max_millis""";

    static final String UPSERT_BREAKERS = """
            insert into psp_breakers (replica, connector, state, reported_at)
            select $1, b.connector, b.state, now() from unnest($2::text[], $3::text[]) as b(connector, state)
            on conflict (replica, connector) do update set state = excluded.state, reported_at = excluded.reported_at""";

    static final String PRUNE = """
            with slots as (delete from psp_call_slots where slot_start < $1),
                 breakers as (delete from psp_breakers where reported_at < $2)
            select 1""";

    /** The other replicas' slots since a time, summed per connector and slot. */
    static final String OTHERS_SLOTS = """
            select connector, slot_start, sum(attempts)::bigint as attempts, sum(failures)::bigint as failures,
                   sum(refused)::bigint as refused, sum(total_millis)::bigint as total_millis,
                   max(max_millis) as max_millis
            from psp_call_slots where slot_start >= $1 and replica <> $2
            group by connector, slot_start""";

    /** The other replicas' breakers, as reported since a time (a replica that stopped reporting is gone). */
    static final String OTHERS_BREAKERS =
            "select replica, connector, state from psp_breakers where reported_at >= $1 and replica <> $2";

    private final Pool pool;

    PspReportStore(Pool pool) {
        this.pool = pool;
    }

    /**
     * Writes this replica's slots and breakers in one transaction, and deletes slots older than {@code slotsSince}
     * and breakers not reported since {@code breakersSince}, of every replica.
     */
    public Uni<Void> report(
            String replica,
            List<SlotCounts> slots,
            List<BreakerState> breakers,
            Instant slotsSince,
            Instant breakersSince) {
        Tuple slotArgs = Tuple.of(replica)
                .addArrayOfString(slots.stream().map(SlotCounts::connector).toArray(String[]::new))
                .addArrayOfOffsetDateTime(
                        slots.stream().map(s -> RowMapping.time(s.slotStart())).toArray(OffsetDateTime[]::new))
                .addArrayOfLong(slots.stream().map(SlotCounts::attempts).toArray(Long[]::new))
                .addArrayOfLong(slots.stream().map(SlotCounts::failures).toArray(Long[]::new))
                .addArrayOfLong(slots.stream().map(SlotCounts::refused).toArray(Long[]::new))
                .addArrayOfLong(slots.stream().map(SlotCounts::totalMillis).toArray(Long[]::new))
                .addArrayOfLong(slots.stream().map(SlotCounts::maxMillis).toArray(Long[]::new));
        Tuple breakerArgs = Tuple.of(replica)
                .addArrayOfString(breakers.stream().map(BreakerState::connector).toArray(String[]::new))
                .addArrayOfString(breakers.stream().map(BreakerState::state).toArray(String[]::new));
        return pool.withTransaction(sql -> sql.preparedQuery(UPSERT_SLOTS)
                .execute(slotArgs)
                .chain(() -> sql.preparedQuery(UPSERT_BREAKERS).execute(breakerArgs))
                .chain(() -> sql.preparedQuery(PRUNE)
                        .execute(Tuple.of(RowMapping.time(slotsSince), RowMapping.time(breakersSince))))
                .replaceWithVoid());
    }

    /** The slots every replica but {@code replica} reported from {@code since} on, summed per connector and slot. */
    public Uni<List<SlotCounts>> othersSlots(String replica, Instant since) {
        return pool.preparedQuery(OTHERS_SLOTS)
                .execute(Tuple.of(RowMapping.time(since), replica))
                .map(rows -> {
                    List<SlotCounts> list = new ArrayList<>();
                    for (Row row : rows) {
                        list.add(new SlotCounts(
                                row.getString("connector"),
                                row.getOffsetDateTime("slot_start").toInstant(),
                                row.getLong("attempts"),
                                row.getLong("failures"),
                                row.getLong("refused"),
                                row.getLong("total_millis"),
                                row.getLong("max_millis")));
                    }
                    return list;
                });
    }

    /** The breakers every replica but {@code replica} reported from {@code since} on. */
    public Uni<List<BreakerState>> othersBreakers(String replica, Instant since) {
        return pool.preparedQuery(OTHERS_BREAKERS)
                .execute(Tuple.of(RowMapping.time(since), replica))
                .map(rows -> {
                    List<BreakerState> list = new ArrayList<>();
                    for (Row row : rows) {
                        list.add(new BreakerState(
                                row.getString("replica"), row.getString("connector"), row.getString("state")));
                    }
                    return list;
                });
    }
}
