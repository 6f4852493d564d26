package dev.refract.refund;

import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reconciliation's use cases: a run started for a window, a report received and its run started, a run read. Runs
 * are worked in the background by whichever replica claims them ({@link ReconciliationEngine}); starting one tells
 * this replica's worker ({@link Started}) so that it need not wait for its next look.
 */
@ApplicationScoped
public class Reconciliations {

    /** The longest window a run reconciles. */
    public static final Duration MAX_WINDOW = Duration.ofDays(31);

    private static final int STAGE_BATCH = 500;

    /** A run was stored and waits for a replica to work it. */
    public record Started(ReconciliationRun run) {}

    private final ReconciliationStore runs;
    private final RefundStore store;
    private final ConnectorRegistry registry;
    private final Event<Started> started;

    Reconciliations(ReconciliationStore runs, RefundStore store, ConnectorRegistry registry, Event<Started> started) {
        this.runs = runs;
        this.store = store;
        this.registry = registry;
        this.started = started;
    }

    /** Where a connector's side comes from, if it can be reconciled at all. */
    public static Optional<ReconciliationRun.Source> sourceOf(AccountKind kind) {
        if (kind instanceof ListsRefunds) {
            return Optional.of(ReconciliationRun.Source.LIST);
        }
        if (kind instanceof ReadsRefundStatus) {
            return Optional.of(ReconciliationRun.Source.STATUS_READS);
        }
        if (kind instanceof ReadsSettlementReports) {
            return Optional.of(ReconciliationRun.Source.REPORT);
        }
        return Optional.empty();
    }

    /** The connectors whose runs the daily schedule starts: those whose PSP lists its refunds. */
    public List<String> listingConnectors() {
        List<String> names = new ArrayList<>();
        for (Connector c : registry.all()) {
            if (c instanceof ListsRefunds) {
                names.add(c.name());
            }
        }
        return names;
    }

    /**
     * Starts a run of the merchant's account at {@code connector} over {@code [from, to)}: a window of at most 31 days
     * that has ended, at a connector that can list its refunds or be asked about each, where the merchant has an
     * account. The merchant is known to exist.
     */
    public Uni<ReconciliationRun> start(String merchantId, String connector, Instant from, Instant to, Instant now) {
        AccountKind kind = registry.findAccountKind(connector)
                .orElseThrow(() -> RefundError.InvalidRequest.of("connector", "unknown connector " + connector));
        ReconciliationRun.Source source = sourceOf(kind)
                .orElseThrow(() -> new RefundError.InvalidRequest(
                        ErrorCode.CONNECTOR_NOT_RECONCILABLE,
                        "connector",
                        connector + " cannot be reconciled: Refract can neither list its refunds nor ask it about "
                                + "each"));
        if (source == ReconciliationRun.Source.REPORT) {
            throw new RefundError.InvalidRequest(
                    ErrorCode.CONNECTOR_NOT_RECONCILABLE,
                    "connector",
                    connector + " is reconciled from its " + ((ReadsSettlementReports) kind).reportName()
                            + ", which an operator uploads: POST it to /admin/v1/reconciliations/"
                            + connector + "-settlement-report?merchant_id=" + merchantId);
        }
        checkWindow(from, to, now);
        return requireAccount(merchantId, connector)
                .chain(account -> runs.create(ReconciliationRun.starting(
                        ReconciliationRun.newId(),
                        merchantId,
                        connector,
                        from,
                        to,
                        source,
                        ReconciliationRun.StartedBy.OPERATOR,
                        null)))
                .invoke(run -> started.fire(new Started(run)));
    }

    /** Where an uploaded report goes: the connector that reads it and the merchant's account it is of. */
    public record ReportUpload(
            String merchantId, String connector, ReadsSettlementReports reader, ConnectorAccount account) {}

    /**
     * Where a merchant's settlement report of this connector ({@code adyen}) goes, after checking that the connector
     * reads such reports and that the merchant has an account at it; refused as {@link #start} refuses a connector.
     */
    public Uni<ReportUpload> reportUpload(String merchantId, String connector) {
        AccountKind kind = registry.find(connector).orElse(null);
        if (!(kind instanceof ReadsSettlementReports reader)) {
            return Uni.createFrom()
                    .failure(new RefundError.InvalidRequest(
                            ErrorCode.CONNECTOR_NOT_RECONCILABLE,
                            "connector",
                            connector + " is not reconciled from an uploaded report"));
        }
        return requireAccount(merchantId, connector)
                .map(account -> new ReportUpload(merchantId, connector, reader, account));
    }

    /**
     * Reads an uploaded report as it streams in, stages its refunds, and starts their run: over {@code [from, to)} when
     * given, else over the span of the report's entries. A report refused (not that report, malformed, cut short, a
     * window refused) or an upload that breaks off stages nothing. Blocking: called on a worker thread.
     */
    public ReconciliationRun receiveReport(
            ReportUpload upload, InputStream report, Instant from, Instant to, Instant now) throws IOException {
        String merchantId = upload.merchantId();
        ReadsSettlementReports reader = upload.reader();
        if ((from == null) != (to == null)) {
            throw RefundError.InvalidRequest.of(
                    from == null ? "from" : "to", "give both from and to, or neither (the report's own span)");
        }
        if (from != null) {
            checkWindow(from, to, now);
        }
        String id = ReconciliationRun.newId();
        List<ReconciliationStore.Staged> batch = new ArrayList<>();
        long[] line = {0};
        ReadsSettlementReports.Summary summary;
        try {
            summary = reader.read(upload.account(), report, refund -> {
                batch.add(new ReconciliationStore.Staged(++line[0], refund));
                if (batch.size() >= STAGE_BATCH) {
                    stage(merchantId, id, batch);
                }
            });
            stage(merchantId, id, batch);
            Instant windowFrom = from;
            Instant windowTo = to;
            if (windowFrom == null) {
                if (summary.earliest() == null) {
                    throw new RefundError.InvalidRequest(
                            ErrorCode.INVALID_REPORT,
                            "from",
                            "the report has no entries, so it names no window: give from and to");
                }
                windowFrom = summary.earliest();
                windowTo = summary.latest().plus(1, ChronoUnit.SECONDS);
                checkWindow(windowFrom, windowTo, now);
            }
            ReconciliationRun run = runs.create(ReconciliationRun.starting(
                            id,
                            merchantId,
                            upload.connector(),
                            windowFrom,
                            windowTo,
                            ReconciliationRun.Source.REPORT,
                            ReconciliationRun.StartedBy.OPERATOR,
                            new ReconciliationRun.Report(
                                    reader.reportName(), summary.entries(), summary.refunds(), summary.batches())))
                    .await()
                    .indefinitely();
            started.fire(new Started(run));
            return run;
        } catch (IOException | RuntimeException e) {
            runs.discardStaged(merchantId, id).await().indefinitely();
            throw e;
        }
    }

    public Uni<ReconciliationRun> find(String id) {
        return runs.find(id);
    }

    private void stage(String merchantId, String runId, List<ReconciliationStore.Staged> batch) {
        if (!batch.isEmpty()) {
            runs.stage(merchantId, runId, List.copyOf(batch)).await().indefinitely();
            batch.clear();
        }
    }

    private Uni<ConnectorAccount> requireAccount(String merchantId, String connector) {
        return store.accounts(merchantId)
                .map(accounts -> accounts.stream()
                        .filter(a -> a.connector().equals(connector) && a.enabled())
                        .findFirst()
                        .orElseThrow(() -> new RefundError.InvalidRequest(
                                ErrorCode.CONNECTOR_NOT_ENABLED,
                                "connector",
                                "merchant " + merchantId + " has no enabled " + connector + " account to reconcile")));
    }

    /** A window that ended, in order, of at most 31 days; refused naming the bound it breaks. */
    public static void checkWindow(Instant from, Instant to, Instant now) {
        if (!from.isBefore(to)) {
            throw RefundError.InvalidRequest.of(
                    "to", "to must be after from; the window given is " + from + " to " + to);
        }
        Duration length = Duration.between(from, to);
        if (length.compareTo(MAX_WINDOW) > 0) {
            throw RefundError.InvalidRequest.of(
                    "to",
                    "a run reconciles at most 31 days; the window given is " + length.toHours() + " hours (" + from
                            + " to " + to + ")");
        }
        if (to.isAfter(now)) {
            throw RefundError.InvalidRequest.of(
                    "to", "the window must have ended: to is " + to + ", in the future (now is " + now + ")");
        }
    }
}
