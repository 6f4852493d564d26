package dev.refract.refund;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.jboss.logging.Logger;

/**
 * Works a reconciliation run page by page: reads a page of the PSP's records (its list, the staged rows of a report,
 * or status reads of the window's refunds), decides what each is ({@link ReconciliationVerdicts}), records that before
 * acting, acts (each action idempotent), then counts the page and moves the run past it in one write. A replica that
 * dies anywhere in between leaves a page another replica reads again: it finds the page's items recorded, acts again
 * without changing anything twice, and counts what was not counted. Only one page is ever held in memory.
 */
@ApplicationScoped
public class ReconciliationEngine {

    private static final Logger LOG = Logger.getLogger(ReconciliationEngine.class);
    static final int REPORT_PAGE = 200;
    static final int MISSING_PAGE = 200;
    static final int STATUS_PAGE = 50;

    private final ReconciliationStore runs;
    private final RefundStore refundStore;
    private final RefundService refunds;
    private final WebhookIntake intake;
    private final ConnectorRegistry registry;
    private final ReconciliationSettings settings;

    ReconciliationEngine(
            ReconciliationStore runs,
            RefundStore refundStore,
            RefundService refunds,
            WebhookIntake intake,
            ConnectorRegistry registry,
            ReconciliationSettings settings) {
        this.runs = runs;
        this.refundStore = refundStore;
        this.refunds = refunds;
        this.intake = intake;
        this.registry = registry;
        this.settings = settings;
    }

    /** What one page came to: the items it finished with, and why it stopped short if it did. */
    private record PageResult(List<String> keys, String failure, String stoppedAt) {
        static PageResult done(List<String> keys) {
            return new PageResult(keys, null, null);
        }
    }

    /** A record of the page, the refund of Refract's it is (or null), and what the run recorded it as. */
    private record Pair(PspRefund record, Refund found, boolean resolved, ReconciliationRun.Item item) {}

    /**
     * Works a claimed run until it completes or fails; answers it as it ended. When another replica took the run over
     * (this one's lease passed), stops at once and answers the run as this replica last wrote it.
     */
    public Uni<ReconciliationRun> work(ReconciliationRun claimed, String owner) {
        AtomicReference<ReconciliationRun> current = new AtomicReference<>(claimed);
        return Multi.createBy()
                .repeating()
                .uni(() -> step(current.get(), owner).invoke(current::set))
                .until(run -> run.status() != ReconciliationRun.Status.RUNNING)
                .collect()
                .last()
                .replaceWith(current::get)
                .onFailure(ReconciliationStore.LeaseLost.class)
                .recoverWithItem(e -> {
                    LOG.infof("%s; this replica stops working it", e.getMessage());
                    return current.get();
                });
    }

    private Uni<ReconciliationRun> step(ReconciliationRun run, String owner) {
        if (run.phase() == ReconciliationRun.Phase.DONE) {
            return runs.finish(run, owner, ReconciliationRun.Status.COMPLETED, null, null);
        }
        if (run.phase() == ReconciliationRun.Phase.MISSING) {
            return missingStep(run, owner);
        }
        Connector connector = registry.find(run.connector()).orElse(null);
        return switch (run.source()) {
            case REPORT -> reportStep(run, owner);
            case LIST ->
                connector instanceof ListsRefunds lists
                        ? account(run).chain(a -> a == null ? noAccount(run, owner) : listStep(run, owner, lists, a))
                        : fail(run, owner, run.connector() + " cannot list its refunds in this deployment", "start");
            case STATUS_READS ->
                connector instanceof ReadsRefundStatus reads
                        ? account(run).chain(a -> a == null ? noAccount(run, owner) : statusStep(run, owner, reads, a))
                        : fail(
                                run,
                                owner,
                                run.connector() + " cannot be asked about refunds in this deployment",
                                "start");
        };
    }

    // ---- the PSP's list ----------------------------------------------------------------------------------------

    private Uni<ReconciliationRun> listStep(
            ReconciliationRun run, String owner, ListsRefunds lists, ConnectorAccount account) {
        if (lists.listsPerPayment() && run.scope() == null) {
            return runs.nextPayment(run.merchantId(), run.connector(), null)
                    .chain(first -> checkpoint(run, owner, List.of(), first == null ? missing() : psp(first, null), 0));
        }
        ListsRefunds.Listing listing =
                new ListsRefunds.Listing(run.from(), run.to().plus(settings.pspLag()), run.scope(), run.cursor());
        AtomicReference<String> unavailable = new AtomicReference<>();
        return lists.listRefunds(account, listing)
                .onFailure(PspRecordsUnavailable.class)
                .recoverWithItem(e -> {
                    unavailable.set(e.getMessage());
                    return null;
                })
                .chain(page -> {
                    if (page == null) {
                        return fail(
                                run,
                                owner,
                                unavailable.get(),
                                listPosition(run) + " (not read; the pages before it are counted)");
                    }
                    if (page.next() != null && page.next().equals(run.cursor())) {
                        return fail(
                                run,
                                owner,
                                run.connector() + "'s list did not move past " + run.cursor(),
                                listPosition(run));
                    }
                    return records(run, owner, page.refunds(), listPosition(run))
                            .chain(result -> result.failure() != null
                                    ? stop(run, owner, result)
                                    : nextAfter(run, lists, page)
                                            .chain(next -> checkpoint(
                                                    run,
                                                    owner,
                                                    result.keys(),
                                                    next,
                                                    page.refunds().size())));
                });
    }

    private Uni<ReconciliationRun.Position> nextAfter(
            ReconciliationRun run, ListsRefunds lists, ListsRefunds.Page page) {
        if (page.next() != null) {
            return Uni.createFrom().item(psp(run.scope(), page.next()));
        }
        if (!lists.listsPerPayment()) {
            return Uni.createFrom().item(missing());
        }
        return runs.nextPayment(run.merchantId(), run.connector(), run.scope())
                .map(payment -> payment == null ? missing() : psp(payment, null));
    }

    private static String listPosition(ReconciliationRun run) {
        String page = run.cursor() == null ? "the first page" : "the page after " + run.cursor();
        return run.scope() == null ? page : page + " of payment " + run.scope();
    }

    // ---- an uploaded report ------------------------------------------------------------------------------------

    private Uni<ReconciliationRun> reportStep(ReconciliationRun run, String owner) {
        long after = run.cursor() == null ? 0 : Long.parseLong(run.cursor());
        return runs.staged(run.merchantId(), run.id(), after, REPORT_PAGE).chain(staged -> {
            if (staged.isEmpty()) {
                return checkpoint(run, owner, List.of(), missing(), 0);
            }
            List<PspRefund> records =
                    staged.stream().map(ReconciliationStore.Staged::refund).toList();
            String where = "the report's refunds after its refund " + after;
            String next = Long.toString(staged.get(staged.size() - 1).line());
            return records(run, owner, records, where)
                    .chain(result -> result.failure() != null
                            ? stop(run, owner, result)
                            : checkpoint(run, owner, result.keys(), psp(null, next), records.size()));
        });
    }

    // ---- status reads ------------------------------------------------------------------------------------------

    private Uni<ReconciliationRun> statusStep(
            ReconciliationRun run, String owner, ReadsRefundStatus reads, ConnectorAccount account) {
        return runs.windowRefunds(
                        run.merchantId(),
                        run.connector(),
                        run.from(),
                        run.to(),
                        WindowCursors.decode(run.cursor()),
                        STATUS_PAGE,
                        null)
                .chain(window -> {
                    if (window.isEmpty()) {
                        return checkpoint(run, owner, List.of(), done(), 0);
                    }
                    List<PspRefund> read = new ArrayList<>();
                    AtomicReference<String> unavailable = new AtomicReference<>();
                    return readStatuses(reads, account, window, read, unavailable)
                            .chain(() -> {
                                Map<String, Refund> found = new HashMap<>();
                                for (int i = 0; i < read.size(); i++) {
                                    found.put(read.get(i).connectorRefundId(), window.get(i));
                                }
                                String where = "the window's refunds after " + WindowCursors.describe(run.cursor());
                                return decideAndAct(run, owner, read, found, where)
                                        .chain(result -> {
                                            if (unavailable.get() != null) {
                                                Refund failedAt = window.get(read.size());
                                                String stoppedAt = "refund " + failedAt.merchantRefundId() + " ("
                                                        + run.connector() + " refund " + failedAt.connectorRefundId()
                                                        + "), created "
                                                        + failedAt.createdAt() + "; the " + read.size()
                                                        + " refunds of the window before it on this page are counted";
                                                return stop(
                                                        run,
                                                        owner,
                                                        new PageResult(result.keys(), unavailable.get(), stoppedAt));
                                            }
                                            Refund last = window.get(window.size() - 1);
                                            ReconciliationRun.Position next = window.size() < STATUS_PAGE
                                                    ? done()
                                                    : psp(null, WindowCursors.encode(last.createdAt(), last.id()));
                                            return checkpoint(run, owner, result.keys(), next, read.size());
                                        });
                            });
                });
    }

    /** Reads each refund's status in turn, until one cannot be read (its reason kept in {@code unavailable}). */
    private Uni<Void> readStatuses(
            ReadsRefundStatus reads,
            ConnectorAccount account,
            List<Refund> window,
            List<PspRefund> read,
            AtomicReference<String> unavailable) {
        if (read.size() == window.size()) {
            return Uni.createFrom().voidItem();
        }
        Refund refund = window.get(read.size());
        return Uni.createFrom()
                .deferred(() -> reads.readStatus(account, refund))
                .onFailure()
                .recoverWithItem(e -> new Outcome.Unknown(e.getClass().getSimpleName()))
                .chain(outcome -> {
                    if (outcome instanceof Outcome.Unknown || outcome instanceof Outcome.NotSent) {
                        unavailable.set(refund.connector() + " could not be asked about refund "
                                + refund.connectorRefundId() + ": " + reason(outcome));
                        return Uni.createFrom().voidItem();
                    }
                    read.add(new PspRefund(
                            refund.connectorRefundId(),
                            refund.merchantRefundId(),
                            refund.pspReference(),
                            outcome,
                            null,
                            null));
                    return readStatuses(reads, account, window, read, unavailable);
                });
    }

    // ---- Refract's refunds the PSP did not show ----------------------------------------------------------------

    private Uni<ReconciliationRun> missingStep(ReconciliationRun run, String owner) {
        String pspSide = run.source() == ReconciliationRun.Source.REPORT
                ? "not among the refunds of the uploaded " + reportName(run)
                : "no such refund among those it made from " + run.from() + " to "
                        + run.to().plus(settings.pspLag());
        return runs.windowRefunds(
                        run.merchantId(),
                        run.connector(),
                        run.from(),
                        run.to(),
                        WindowCursors.decode(run.cursor()),
                        MISSING_PAGE,
                        run)
                .chain(missing -> {
                    List<ReconciliationRun.Item> items = missing.stream()
                            .map(r -> ReconciliationVerdicts.missing(r, run.connector(), pspSide))
                            .toList();
                    ReconciliationRun.Position next;
                    if (missing.size() < MISSING_PAGE) {
                        next = done();
                    } else {
                        Refund last = missing.get(missing.size() - 1);
                        next = new ReconciliationRun.Position(
                                ReconciliationRun.Phase.MISSING,
                                null,
                                WindowCursors.encode(last.createdAt(), last.id()));
                    }
                    return runs.record(run, owner, items)
                            .chain(stored -> checkpoint(
                                    run,
                                    owner,
                                    stored.stream()
                                            .map(ReconciliationRun.Item::key)
                                            .toList(),
                                    next,
                                    0));
                });
    }

    private static String reportName(ReconciliationRun run) {
        ReconciliationRun.Report report = run.report();
        if (report == null) {
            return "report";
        }
        return report.name()
                + (report.batches().isEmpty() ? "" : " (batches " + String.join(", ", report.batches()) + ")");
    }

    // ---- deciding and acting -----------------------------------------------------------------------------------

    /** Finds the refunds of Refract's the records are, then decides and acts on each. */
    private Uni<PageResult> records(ReconciliationRun run, String owner, List<PspRefund> records, String where) {
        if (records.isEmpty()) {
            return Uni.createFrom().item(PageResult.done(List.of()));
        }
        List<String> ids = new ArrayList<>();
        List<String> references = new ArrayList<>();
        for (PspRefund p : records) {
            ids.add(p.connectorRefundId());
            String byReference = referenceOf(run.merchantId(), p);
            if (byReference != null) {
                references.add(byReference);
            }
            if (p.pspReference() != null) {
                references.add(p.pspReference());
            }
        }
        return runs.refundsOf(run.merchantId(), run.connector(), ids, references)
                .chain(refundsFound -> {
                    Map<String, Refund> byPspReference = new HashMap<>();
                    Map<String, Refund> byConnectorId = new HashMap<>();
                    for (Refund r : refundsFound) {
                        byPspReference.put(r.pspReference(), r);
                        if (r.connectorRefundId() != null) {
                            byConnectorId.put(r.connectorRefundId(), r);
                        }
                    }
                    Map<String, Refund> found = new HashMap<>();
                    for (PspRefund p : records) {
                        // the merchant's reference first, as for webhooks; then the key Refract gave it; then the PSP's
                        // id
                        Refund r = byPspReference.get(referenceOf(run.merchantId(), p));
                        if (r == null && p.pspReference() != null) {
                            r = byPspReference.get(p.pspReference());
                        }
                        if (r == null) {
                            r = byConnectorId.get(p.connectorRefundId());
                        }
                        if (r != null) {
                            found.put(p.connectorRefundId(), r);
                        }
                    }
                    return decideAndAct(run, owner, records, found, where);
                });
    }

    private Uni<PageResult> decideAndAct(
            ReconciliationRun run, String owner, List<PspRefund> records, Map<String, Refund> found, String where) {
        if (records.isEmpty()) {
            return Uni.createFrom().item(PageResult.done(List.of()));
        }
        List<Long> foundIds = found.values().stream().map(Refund::id).distinct().toList();
        return runs.resolvedByOperator(run.merchantId(), foundIds).chain(resolved -> {
            Map<String, Pair> pairs = new LinkedHashMap<>();
            for (PspRefund p : records) {
                Refund r = found.get(p.connectorRefundId());
                boolean byOperator = r != null && resolved.contains(r.id());
                ReconciliationRun.Item item = ReconciliationVerdicts.of(run.connector(), p, r, byOperator);
                if (item != null) {
                    // a record listed twice (a list that shifted between pages) is one item
                    pairs.putIfAbsent(item.key(), new Pair(p, r, byOperator, item));
                }
            }
            List<ReconciliationRun.Item> decided =
                    pairs.values().stream().map(Pair::item).toList();
            return runs.record(run, owner, decided).chain(stored -> {
                List<Pair> recorded = new ArrayList<>();
                for (ReconciliationRun.Item item : stored) {
                    Pair pair = pairs.get(item.key());
                    recorded.add(new Pair(pair.record(), pair.found(), pair.resolved(), item));
                }
                return actFrom(run, owner, recorded, 0, where);
            });
        });
    }

    /** Acts on each item in turn; a PSP that cannot be asked (an adoption's payment lookup) stops the page there. */
    private Uni<PageResult> actFrom(ReconciliationRun run, String owner, List<Pair> pairs, int i, String where) {
        if (i == pairs.size()) {
            return Uni.createFrom().item(PageResult.done(keys(pairs)));
        }
        Pair pair = pairs.get(i);
        return act(run, owner, pair)
                .replaceWith((PageResult) null)
                .onFailure(e -> e instanceof PspRecordsUnavailable || e instanceof RefundError.PspUnreachable)
                .recoverWithItem(e -> new PageResult(
                        keys(pairs.subList(0, i)),
                        e.getMessage(),
                        run.connector() + " refund " + pair.record().connectorRefundId() + ", record " + (i + 1)
                                + " of " + pairs.size() + " of " + where + "; the " + i + " before it are counted"))
                .chain(stopped ->
                        stopped != null ? Uni.createFrom().item(stopped) : actFrom(run, owner, pairs, i + 1, where));
    }

    private Uni<Void> act(ReconciliationRun run, String owner, Pair pair) {
        ReconciliationRun.Item item = pair.item();
        PspRefund p = pair.record();
        return switch (item.kind()) {
            case MISSING_AT_PSP -> Uni.createFrom().voidItem();
            case MATCHED, MISMATCHED ->
                pair.found() == null
                        ? Uni.createFrom().voidItem()
                        : refunds.reconcile(pair.found(), p.record(), pair.resolved())
                                .replaceWithVoid()
                                .onFailure(RefundStore.LedgerRefused.class)
                                .recoverWithUni(e -> runs.revise(
                                        run,
                                        owner,
                                        item.withKind(
                                                ReconciliationRun.Kind.MISMATCHED,
                                                (item.detail() == null ? "" : item.detail() + "; ")
                                                        + "the payment's ledger cannot reserve the refund's amount again,"
                                                        + " so the refund stays as it was")));
            case ADOPTED ->
                intake.adoptExternal(
                                run.merchantId(),
                                run.connector(),
                                ReconciliationVerdicts.adoption(run.id(), p),
                                Cause.RECONCILIATION)
                        .chain(recorded -> {
                            if (recorded.refund() == null) {
                                return runs.revise(run, owner, ReconciliationVerdicts.notAdopted(run.connector(), p));
                            }
                            // adopted before (by this run before a crash, or by a webhook meanwhile): applied as a
                            // match
                            return recorded.created()
                                    ? Uni.createFrom().voidItem()
                                    : refunds.reconcile(recorded.refund(), p.record(), false)
                                            .replaceWithVoid();
                        });
        };
    }

    // ---- the run's progress ------------------------------------------------------------------------------------

    private Uni<ReconciliationRun> checkpoint(
            ReconciliationRun run, String owner, List<String> keys, ReconciliationRun.Position next, long read) {
        return runs.checkpoint(run, owner, keys, next, read, Instant.now().plus(settings.lease()));
    }

    /** A page that stopped short: what was done of it is counted, then the run fails saying where. */
    private Uni<ReconciliationRun> stop(ReconciliationRun run, String owner, PageResult result) {
        return checkpoint(
                        run, owner, result.keys(), run.position(), result.keys().size())
                .chain(counted -> fail(counted, owner, result.failure(), result.stoppedAt()));
    }

    private Uni<ReconciliationRun> fail(ReconciliationRun run, String owner, String failure, String stoppedAt) {
        LOG.warnf(
                "reconciliation run %s of %s at %s failed: %s; stopped at %s",
                run.id(), run.merchantId(), run.connector(), failure, stoppedAt);
        return runs.finish(run, owner, ReconciliationRun.Status.FAILED, failure, stoppedAt);
    }

    private Uni<ReconciliationRun> noAccount(ReconciliationRun run, String owner) {
        return fail(run, owner, "the merchant's " + run.connector() + " account is not enabled", "start");
    }

    private Uni<ConnectorAccount> account(ReconciliationRun run) {
        return refundStore
                .accounts(run.merchantId())
                .map(accounts -> accounts.stream()
                        .filter(a -> a.connector().equals(run.connector()) && a.enabled())
                        .findFirst()
                        .orElse(null));
    }

    private static String referenceOf(String merchantId, PspRefund p) {
        return p.reference() != null && CreateRefund.isMerchantRefundId(p.reference())
                ? Refund.pspReferenceFor(merchantId, p.reference())
                : null;
    }

    private static List<String> keys(List<Pair> pairs) {
        return pairs.stream().map(p -> p.item().key()).toList();
    }

    private static String reason(Outcome outcome) {
        return outcome instanceof Outcome.Unknown u
                ? u.reason()
                : outcome instanceof Outcome.NotSent n ? n.reason() : String.valueOf(outcome);
    }

    private static ReconciliationRun.Position psp(String scope, String cursor) {
        return new ReconciliationRun.Position(ReconciliationRun.Phase.PSP, scope, cursor);
    }

    private static ReconciliationRun.Position missing() {
        return new ReconciliationRun.Position(ReconciliationRun.Phase.MISSING, null, null);
    }

    private static ReconciliationRun.Position done() {
        return new ReconciliationRun.Position(ReconciliationRun.Phase.DONE, null, null);
    }
}
