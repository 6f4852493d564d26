package dev.refract.store;

import dev.refract.refund.ErrorCode;
import dev.refract.refund.Outcome;
import dev.refract.refund.PspRefund;
import dev.refract.refund.ReconciliationRun;
import dev.refract.refund.ReconciliationStore;
import dev.refract.refund.Refund;
import dev.refract.refund.WebhookEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Reconciliation's runs and items on the reactive PostgreSQL client ({@link ReconciliationQueries}). */
@ApplicationScoped
public class SqlReconciliationStore implements ReconciliationStore {

    private final Pool pool;

    SqlReconciliationStore(Pool pool) {
        this.pool = pool;
    }

    @Override
    public Uni<ReconciliationRun> create(ReconciliationRun run) {
        return pool.preparedQuery(ReconciliationQueries.CREATE)
                .execute(Tuple.tuple()
                        .addString(run.merchantId())
                        .addString(run.id())
                        .addString(run.connector())
                        .addValue(RowMapping.time(run.from()))
                        .addValue(RowMapping.time(run.to()))
                        .addString(run.source().wire())
                        .addString(run.startedBy().wire())
                        .addValue(report(run.report())))
                .map(rows -> run(rows.iterator().next()));
    }

    @Override
    public Uni<Integer> scheduleWindow(Instant from, Instant to, Collection<String> connectors) {
        return pool.preparedQuery(ReconciliationQueries.SCHEDULE)
                .execute(Tuple.tuple()
                        .addValue(RowMapping.time(from))
                        .addValue(RowMapping.time(to))
                        .addArrayOfString(connectors.toArray(String[]::new)))
                .map(RowSet::size);
    }

    @Override
    public Uni<ReconciliationRun> claim(String owner, Instant now, Instant leaseUntil) {
        return pool.preparedQuery(ReconciliationQueries.CLAIM)
                .execute(Tuple.of(owner, RowMapping.time(now), RowMapping.time(leaseUntil)))
                .map(SqlReconciliationStore::firstRun);
    }

    @Override
    public Uni<ReconciliationRun> find(String id) {
        return pool.preparedQuery(ReconciliationQueries.BY_ID)
                .execute(Tuple.of(id))
                .map(SqlReconciliationStore::firstRun);
    }

    @Override
    public Uni<List<ReconciliationRun.Item>> record(
            ReconciliationRun run, String owner, List<ReconciliationRun.Item> items) {
        if (items.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        Tuple args = owned(run, owner)
                .addArrayOfString(
                        items.stream().map(ReconciliationRun.Item::key).toArray(String[]::new))
                .addArrayOfString(items.stream().map(i -> i.kind().wire()).toArray(String[]::new))
                .addArrayOfLong(
                        items.stream().map(ReconciliationRun.Item::refundId).toArray(Long[]::new))
                .addArrayOfString(items.stream()
                        .map(ReconciliationRun.Item::merchantRefundId)
                        .toArray(String[]::new))
                .addArrayOfString(items.stream()
                        .map(ReconciliationRun.Item::connectorRefundId)
                        .toArray(String[]::new))
                .addArrayOfString(
                        items.stream().map(ReconciliationRun.Item::detail).toArray(String[]::new));
        return pool.preparedQuery(ReconciliationQueries.RECORD).execute(args).map(rows -> {
            Map<String, ReconciliationRun.Item> stored = new LinkedHashMap<>();
            for (Row row : rows) {
                if (row.getLong("owned") == 0) {
                    throw new LeaseLost(run.id());
                }
                // the item recorded before wins over the one this statement tried to insert (there is only one)
                stored.putIfAbsent(row.getString("item_key"), item(row));
            }
            if (stored.isEmpty()) {
                throw new LeaseLost(run.id());
            }
            List<ReconciliationRun.Item> inOrder = new ArrayList<>();
            for (ReconciliationRun.Item asked : items) {
                ReconciliationRun.Item found = stored.get(asked.key());
                if (found != null) {
                    inOrder.add(found);
                }
            }
            return inOrder;
        });
    }

    @Override
    public Uni<Void> revise(ReconciliationRun run, String owner, ReconciliationRun.Item item) {
        return pool.preparedQuery(ReconciliationQueries.REVISE)
                .execute(owned(run, owner)
                        .addString(item.key())
                        .addString(item.kind().wire())
                        .addString(item.detail()))
                .replaceWithVoid();
    }

    @Override
    public Uni<ReconciliationRun> checkpoint(
            ReconciliationRun run,
            String owner,
            Collection<String> keys,
            ReconciliationRun.Position next,
            long read,
            Instant leaseUntil) {
        return pool.preparedQuery(ReconciliationQueries.CHECKPOINT)
                .execute(owned(run, owner)
                        .addArrayOfString(keys.toArray(String[]::new))
                        .addString(next.phase().wire())
                        .addString(next.scope())
                        .addString(next.cursor())
                        .addLong(read)
                        .addValue(RowMapping.time(leaseUntil)))
                .map(rows -> {
                    if (rows.size() == 0) {
                        throw new LeaseLost(run.id());
                    }
                    return run(rows.iterator().next());
                });
    }

    @Override
    public Uni<ReconciliationRun> finish(
            ReconciliationRun run, String owner, ReconciliationRun.Status status, String failure, String stoppedAt) {
        return pool.preparedQuery(ReconciliationQueries.FINISH)
                .execute(owned(run, owner)
                        .addString(status.wire())
                        .addString(failure)
                        .addString(stoppedAt))
                .map(rows -> {
                    if (rows.size() == 0) {
                        throw new LeaseLost(run.id());
                    }
                    return run(rows.iterator().next());
                });
    }

    @Override
    public Uni<List<Refund>> refundsOf(
            String merchantId,
            String connector,
            Collection<String> connectorRefundIds,
            Collection<String> pspReferences) {
        return pool.preparedQuery(ReconciliationQueries.REFUNDS_OF)
                .execute(Tuple.tuple()
                        .addString(connector)
                        .addArrayOfString(connectorRefundIds.toArray(String[]::new))
                        .addArrayOfString(pspReferences.toArray(String[]::new))
                        .addString(merchantId))
                .map(rows -> {
                    Map<Long, Refund> found = new LinkedHashMap<>();
                    for (Row row : rows) {
                        Refund r = RowMapping.refund(row);
                        if (r.merchantId().equals(merchantId) && r.connector().equals(connector)) {
                            found.putIfAbsent(r.id(), r);
                        }
                    }
                    return List.copyOf(found.values());
                });
    }

    @Override
    public Uni<Set<Long>> resolvedByOperator(String merchantId, Collection<Long> refundIds) {
        if (refundIds.isEmpty()) {
            return Uni.createFrom().item(Set.of());
        }
        return pool.preparedQuery(ReconciliationQueries.RESOLVED_BY_OPERATOR)
                .execute(Tuple.tuple()
                        .addArrayOfLong(refundIds.toArray(Long[]::new))
                        .addString(merchantId))
                .map(rows -> {
                    Set<Long> ids = new HashSet<>();
                    rows.forEach(row -> ids.add(row.getLong("refund_id")));
                    return ids;
                });
    }

    @Override
    public Uni<List<Refund>> windowRefunds(
            String merchantId,
            String connector,
            Instant from,
            Instant to,
            WindowCursor after,
            int limit,
            ReconciliationRun unseenBy) {
        Tuple args = Tuple.tuple()
                .addString(merchantId)
                .addString(connector)
                .addValue(RowMapping.time(from))
                .addValue(RowMapping.time(to))
                .addValue(RowMapping.time(after == null ? from : after.createdAt()))
                .addLong(after == null ? 0L : after.id())
                .addInteger(limit);
        String sql = ReconciliationQueries.WINDOW;
        if (unseenBy != null) {
            args.addString(unseenBy.id());
            sql = ReconciliationQueries.UNSEEN;
        }
        return pool.preparedQuery(sql).execute(args).map(rows -> {
            List<Refund> refunds = new ArrayList<>();
            rows.forEach(row -> refunds.add(RowMapping.refund(row)));
            return refunds;
        });
    }

    @Override
    public Uni<String> nextPayment(String merchantId, String connector, String after) {
        return pool.preparedQuery(ReconciliationQueries.NEXT_PAYMENT)
                .execute(Tuple.of(merchantId, connector, after == null ? "" : after))
                .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getString(0));
    }

    @Override
    public Uni<Void> stage(String merchantId, String runId, List<Staged> records) {
        if (records.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        List<PspRefund> refunds = records.stream().map(Staged::refund).toList();
        Tuple args = Tuple.tuple()
                .addString(merchantId)
                .addString(runId)
                .addArrayOfLong(records.stream().map(Staged::line).toArray(Long[]::new))
                .addArrayOfString(
                        refunds.stream().map(PspRefund::connectorRefundId).toArray(String[]::new))
                .addArrayOfString(refunds.stream().map(PspRefund::reference).toArray(String[]::new))
                .addArrayOfString(refunds.stream()
                        .map(p -> p.record().reported().paymentIds().isEmpty()
                                ? null
                                : p.record().reported().paymentIds().get(0))
                        .toArray(String[]::new))
                .addArrayOfString(refunds.stream().map(p -> outcome(p.record())).toArray(String[]::new))
                .addArrayOfString(
                        refunds.stream().map(p -> p.record().connectorStatus()).toArray(String[]::new))
                .addArrayOfString(refunds.stream()
                        .map(p -> p.record().reported().minorAmount() == null
                                ? null
                                : p.record().reported().minorAmount().toPlainString())
                        .toArray(String[]::new))
                .addArrayOfString(refunds.stream()
                        .map(p -> p.record().reported().currency())
                        .toArray(String[]::new))
                .addArrayOfString(refunds.stream()
                        .map(p -> p.createdAt() == null ? null : p.createdAt().toString())
                        .toArray(String[]::new))
                .addArrayOfBoolean(
                        refunds.stream().map(p -> p.external() != null).toArray(Boolean[]::new));
        return pool.preparedQuery(ReconciliationQueries.STAGE).execute(args).replaceWithVoid();
    }

    @Override
    public Uni<List<Staged>> staged(String merchantId, String runId, long afterLine, int limit) {
        return pool.preparedQuery(ReconciliationQueries.STAGED)
                .execute(Tuple.of(merchantId, runId, afterLine, limit))
                .map(rows -> {
                    List<Staged> staged = new ArrayList<>();
                    rows.forEach(row -> staged.add(new Staged(row.getLong("line"), stagedRefund(row))));
                    return staged;
                });
    }

    @Override
    public Uni<Void> discardStaged(String merchantId, String runId) {
        return pool.preparedQuery(ReconciliationQueries.DISCARD)
                .execute(Tuple.of(merchantId, runId))
                .replaceWithVoid();
    }

    @Override
    public Uni<Integer> pruneStaged(Instant before) {
        return pool.preparedQuery(ReconciliationQueries.PRUNE_STAGED)
                .execute(Tuple.of(RowMapping.time(before)))
                .map(RowSet::rowCount);
    }

    private static Tuple owned(ReconciliationRun run, String owner) {
        return Tuple.tuple().addString(run.merchantId()).addString(run.id()).addString(owner);
    }

    private static String outcome(Outcome record) {
        if (record instanceof Outcome.Succeeded) {
            return "succeeded";
        }
        return record instanceof Outcome.Declined ? "failed" : "pending";
    }

    /** A staged record as the PSP's answer it was read from. */
    private static PspRefund stagedRefund(Row row) {
        String id = row.getString("connector_refund_id");
        String status = row.getString("connector_status");
        BigDecimal minor = row.getBigDecimal("minor_amount");
        String payment = row.getString("payment_id");
        Outcome.Reported reported =
                new Outcome.Reported(minor, row.getString("currency"), payment == null ? List.of() : List.of(payment));
        Outcome record = switch (row.getString("outcome")) {
            case "succeeded" -> new Outcome.Succeeded(id, status, Map.of(), reported);
            case "failed" ->
                new Outcome.Declined(
                        ErrorCode.REFUND_FAILED,
                        "the PSP's records show the refund failed",
                        status,
                        null,
                        id,
                        status,
                        true,
                        Map.of());
            default -> new Outcome.Pending(id, status, Map.of(), reported);
        };
        return new PspRefund(
                id,
                row.getString("reference"),
                null,
                record,
                row.getBoolean("adoptable") ? new WebhookEvent.External(reported, Map.of()) : null,
                RowMapping.instant(row.getOffsetDateTime("psp_created_at")));
    }

    static ReconciliationRun firstRun(RowSet<Row> rows) {
        return rows.size() == 0 ? null : run(rows.iterator().next());
    }

    static ReconciliationRun run(Row row) {
        return new ReconciliationRun(
                row.getString("id"),
                row.getString("merchant_id"),
                row.getString("connector"),
                RowMapping.instant(row.getOffsetDateTime("window_from")),
                RowMapping.instant(row.getOffsetDateTime("window_to")),
                ReconciliationRun.Source.valueOf(upper(row.getString("source"))),
                ReconciliationRun.StartedBy.valueOf(upper(row.getString("started_by"))),
                ReconciliationRun.Status.valueOf(upper(row.getString("status"))),
                ReconciliationRun.Phase.valueOf(upper(row.getString("phase"))),
                row.getString("scope"),
                row.getString("cursor"),
                row.getLong("psp_records"),
                new ReconciliationRun.Counts(
                        row.getLong("matched"),
                        row.getLong("adopted"),
                        row.getLong("mismatched"),
                        row.getLong("missing_at_psp")),
                row.getString("failure"),
                row.getString("stopped_at"),
                report(row.getJsonObject("report")),
                RowMapping.instant(row.getOffsetDateTime("started_at")),
                RowMapping.instant(row.getOffsetDateTime("finished_at")));
    }

    static ReconciliationRun.Item item(Row row) {
        return new ReconciliationRun.Item(
                row.getString("item_key"),
                ReconciliationRun.Kind.of(row.getString("kind")),
                row.getLong("refund_id"),
                row.getString("merchant_refund_id"),
                row.getString("connector_refund_id"),
                row.getString("detail"));
    }

    private static JsonObject report(ReconciliationRun.Report report) {
        if (report == null) {
            return null;
        }
        return new JsonObject()
                .put("name", report.name())
                .put("entries", report.entries())
                .put("refunds", report.refunds())
                .put("batches", new JsonArray(List.copyOf(report.batches())));
    }

    private static ReconciliationRun.Report report(JsonObject json) {
        if (json == null) {
            return null;
        }
        List<String> batches = new ArrayList<>();
        json.getJsonArray("batches", new JsonArray()).forEach(b -> batches.add(String.valueOf(b)));
        return new ReconciliationRun.Report(
                json.getString("name"), json.getLong("entries", 0L), json.getLong("refunds", 0L), batches);
    }

    private static String upper(String wire) {
        return wire.toUpperCase(Locale.ROOT);
    }
}
