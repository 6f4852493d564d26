package dev.refract.refund;

import io.smallrye.mutiny.Uni;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * The persistence port of reconciliation: runs, the records each looked at, and the reads of Refract's side that a
 * run compares with the PSP's. Every write of a run's progress is fenced by its lease: a replica that lost the run to
 * another (its lease passed) fails with {@link LeaseLost} and writes nothing.
 */
public interface ReconciliationStore {

    /** Stores a new run. */
    Uni<ReconciliationRun> create(ReconciliationRun run);

    /**
     * Starts the run of the window {@code [from, to)} for every enabled account at one of {@code connectors} that has
     * none yet: every replica may ask, one row per account and window can exist. Answers how many this call started.
     */
    Uni<Integer> scheduleWindow(Instant from, Instant to, Collection<String> connectors);

    /** Takes a running run whose lease has passed (or was never taken), leased to {@code owner} until then; or null. */
    Uni<ReconciliationRun> claim(String owner, Instant now, Instant leaseUntil);

    /** The run of this id, or null. */
    Uni<ReconciliationRun> find(String id);

    /**
     * Records what the run found of each item, the first time each is seen, and answers the items as recorded: an item
     * recorded before (a page read again after a crash) keeps its first kind.
     */
    Uni<List<ReconciliationRun.Item>> record(ReconciliationRun run, String owner, List<ReconciliationRun.Item> items);

    /** Changes what an item was found to be, while it is not counted yet (an adoption the payment's ledger refused). */
    Uni<Void> revise(ReconciliationRun run, String owner, ReconciliationRun.Item item);

    /**
     * Counts the items of these keys that are not counted yet, moves the run to {@code next} and adds {@code read} to
     * the records it read, all at once; renews the lease.
     */
    Uni<ReconciliationRun> checkpoint(
            ReconciliationRun run,
            String owner,
            Collection<String> keys,
            ReconciliationRun.Position next,
            long read,
            Instant leaseUntil);

    /** Ends the run: completed, or failed with why and where it stopped (the items it had not counted forgotten). */
    Uni<ReconciliationRun> finish(
            ReconciliationRun run, String owner, ReconciliationRun.Status status, String failure, String stoppedAt);

    /** A merchant's refunds at a connector with any of these PSP refund ids or PSP references. */
    Uni<List<Refund>> refundsOf(
            String merchantId,
            String connector,
            Collection<String> connectorRefundIds,
            Collection<String> pspReferences);

    /** Which of these refunds of the merchant an operator has settled (an OPERATOR event in their log). */
    Uni<Set<Long>> resolvedByOperator(String merchantId, Collection<Long> refundIds);

    /**
     * A merchant's refunds at a connector that the PSP has named, created in {@code [from, to)}, after {@code after}
     * in creation order; with {@code unseenBy} set, only SUCCEEDED ones that run has not seen at the PSP.
     */
    Uni<List<Refund>> windowRefunds(
            String merchantId,
            String connector,
            Instant from,
            Instant to,
            WindowCursor after,
            int limit,
            ReconciliationRun unseenBy);

    /** The merchant's next payment at a connector after {@code after} (null: the first), in id order; or null. */
    Uni<String> nextPayment(String merchantId, String connector, String after);

    /** Stages records of a report under a run id, before the run exists. */
    Uni<Void> stage(String merchantId, String runId, List<Staged> records);

    /** A run's staged records after {@code afterLine}, in order. */
    Uni<List<Staged>> staged(String merchantId, String runId, long afterLine, int limit);

    /** Deletes what an upload that failed had staged. */
    Uni<Void> discardStaged(String merchantId, String runId);

    /** Deletes staged records no run names, staged before {@code before} (an upload lost to a crash). */
    Uni<Integer> pruneStaged(Instant before);

    /** A record of a report, and its place in it. */
    record Staged(long line, PspRefund refund) {}

    /** A position in creation order: after (createdAt, id). */
    record WindowCursor(Instant createdAt, long id) {}

    /** Another replica holds the run now: this one stops without writing. */
    final class LeaseLost extends RuntimeException {
        public LeaseLost(String runId) {
            super("reconciliation run " + runId + " is held by another replica now", null, false, false);
        }
    }
}
