package dev.refract.store;

import dev.refract.refund.ReconciliationRun;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * What operators read of reconciliation, through the admin API, the console and the gauges: runs newest first, a
 * run's exceptions in the order they were found, recent exceptions across merchants, and each account's latest runs.
 * Every read is bounded and served by an index; none is on the money path.
 */
@ApplicationScoped
public class ReconciliationReads {

    /** A position in the newest-first list of runs: strictly older than (startedAt, id). */
    public record RunCursor(Instant startedAt, String id) {}

    public record RunPage(List<ReconciliationRun> runs, boolean hasMore) {}

    /** An exception of a run and its place among the run's items. */
    public record Exception(long seq, ReconciliationRun.Item item) {}

    public record ExceptionPage(List<Exception> exceptions, boolean hasMore) {}

    /** An exception an operator should look at, with the run that found it. */
    public record Attention(
            String merchantId, String runId, String connector, Instant foundAt, ReconciliationRun.Item item) {}

    /** One account's reconciliation, for the gauges: its latest completed run (if any) and whether its latest failed. */
    public record AccountStatus(
            String merchantId,
            String connector,
            Instant accountCreatedAt,
            Instant lastCompletedAt,
            ReconciliationRun.Counts lastCompletedCounts,
            boolean lastFailed) {}

    static final String RUNS_OF_MERCHANT = """
            select * from reconciliation_runs where merchant_id = $1 and (started_at, id) < ($2, $3)
            order by started_at desc, id desc limit $4""";

    static final String RUNS = """
            select * from reconciliation_runs where (started_at, id) < ($1, $2)
            order by started_at desc, id desc limit $3""";

    static final String EXCEPTIONS = """
            select seq, item_key, kind, refund_id, merchant_refund_id, connector_refund_id, detail
            from reconciliation_items
            where merchant_id = $1 and run_id = $2 and kind <> 'matched' and seq > $3 and counted
            order by seq limit $4""";

    /** The newest finding of each record, mismatched or missing at the PSP, found since {@code $1}. */
    static final String ATTENTION = """
            select * from (
                select distinct on (i.merchant_id, i.item_key) i.*, r.connector
                from reconciliation_items i
                join reconciliation_runs r on r.merchant_id = i.merchant_id and r.id = i.run_id
                where i.created_at >= $1 and i.kind in ('mismatched', 'missing_at_psp') and i.counted
                order by i.merchant_id, i.item_key, i.created_at desc) newest
            order by created_at desc limit $2""";

    static final String ACCOUNTS = """
            select a.merchant_id, a.connector, a.created_at, c.finished_at as completed_at, c.matched, c.adopted,
                   c.mismatched, c.missing_at_psp, l.status as last_status
            from connector_accounts a
            left join lateral (
                select finished_at, matched, adopted, mismatched, missing_at_psp from reconciliation_runs r
                where r.merchant_id = a.merchant_id and r.connector = a.connector and r.status = 'completed'
                order by r.started_at desc limit 1) c on true
            left join lateral (
                select status from reconciliation_runs r
                where r.merchant_id = a.merchant_id and r.connector = a.connector and r.status <> 'running'
                order by r.started_at desc limit 1) l on true
            where a.enabled and a.connector = any($1)""";

    private final Pool pool;

    ReconciliationReads(Pool pool) {
        this.pool = pool;
    }

    /** Newest first: of one merchant, or of every merchant when {@code merchantId} is null. */
    public Uni<RunPage> runs(String merchantId, int limit, RunCursor after) {
        Instant before = after == null ? Instant.parse("9999-12-31T00:00:00Z") : after.startedAt();
        String afterId = after == null ? "" : after.id();
        Tuple args = merchantId == null
                ? Tuple.of(RowMapping.time(before), afterId, limit + 1)
                : Tuple.of(merchantId, RowMapping.time(before), afterId, limit + 1);
        return pool.preparedQuery(merchantId == null ? RUNS : RUNS_OF_MERCHANT)
                .execute(args)
                .map(rows -> {
                    List<ReconciliationRun> runs = new ArrayList<>();
                    rows.forEach(row -> runs.add(SqlReconciliationStore.run(row)));
                    boolean more = runs.size() > limit;
                    return new RunPage(more ? runs.subList(0, limit) : runs, more);
                });
    }

    /** A run's exceptions after {@code afterSeq}, in the order they were found; only those of pages it finished. */
    public Uni<ExceptionPage> exceptions(ReconciliationRun run, int limit, long afterSeq) {
        return pool.preparedQuery(EXCEPTIONS)
                .execute(Tuple.of(run.merchantId(), run.id(), afterSeq, limit + 1))
                .map(rows -> {
                    List<Exception> found = new ArrayList<>();
                    for (Row row : rows) {
                        found.add(new Exception(row.getLong("seq"), SqlReconciliationStore.item(row)));
                    }
                    boolean more = found.size() > limit;
                    return new ExceptionPage(more ? found.subList(0, limit) : found, more);
                });
    }

    /** Recent exceptions across merchants that need an operator: mismatched, or missing at the PSP; newest first. */
    public Uni<List<Attention>> attention(Instant since, int limit) {
        return pool.preparedQuery(ATTENTION)
                .execute(Tuple.of(RowMapping.time(since), limit))
                .map(rows -> {
                    List<Attention> found = new ArrayList<>();
                    for (Row row : rows) {
                        found.add(new Attention(
                                row.getString("merchant_id"),
                                row.getString("run_id"),
                                row.getString("connector"),
                                RowMapping.instant(row.getOffsetDateTime("created_at")),
                                SqlReconciliationStore.item(row)));
                    }
                    return found;
                });
    }

    /** Every enabled account at these connectors, with its latest runs. */
    public Uni<List<AccountStatus>> accounts(Collection<String> connectors) {
        return pool.preparedQuery(ACCOUNTS)
                .execute(Tuple.tuple().addArrayOfString(connectors.toArray(String[]::new)))
                .map(rows -> {
                    List<AccountStatus> found = new ArrayList<>();
                    for (Row row : rows) {
                        Instant completed = RowMapping.instant(row.getOffsetDateTime("completed_at"));
                        found.add(new AccountStatus(
                                row.getString("merchant_id"),
                                row.getString("connector"),
                                RowMapping.instant(row.getOffsetDateTime("created_at")),
                                completed,
                                completed == null
                                        ? null
                                        : new ReconciliationRun.Counts(
                                                row.getLong("matched"),
                                                row.getLong("adopted"),
                                                row.getLong("mismatched"),
                                                row.getLong("missing_at_psp")),
                                "failed".equals(row.getString("last_status"))));
                    }
                    return found;
                });
    }
}
