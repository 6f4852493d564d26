package dev.refract.refund;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * A reconciliation run: one merchant's account at one PSP, checked against the PSP's own records over a window of
 * time. It works in phases, the PSP's records first and then the refunds of Refract's that the PSP did not show, and
 * keeps its position in each ({@code scope}, {@code cursor}) with every page it finishes.
 *
 * @param scope     the payment whose refunds are being listed, for a PSP that lists per payment
 * @param cursor    where the phase resumes (its meaning is the phase's and the source's)
 * @param failure   why a failed run stopped
 * @param stoppedAt the last record a failed run had finished with, in words
 * @param report    what an uploaded report held, for a run of one
 */
public record ReconciliationRun(
        String id,
        String merchantId,
        String connector,
        Instant from,
        Instant to,
        Source source,
        StartedBy startedBy,
        Status status,
        Phase phase,
        String scope,
        String cursor,
        long pspRecords,
        Counts counts,
        String failure,
        String stoppedAt,
        Report report,
        Instant startedAt,
        Instant finishedAt) {

    /** Where the PSP's side comes from. */
    public enum Source {
        LIST,
        STATUS_READS,
        REPORT;

        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public enum StartedBy {
        OPERATOR,
        SCHEDULE;

        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public enum Status {
        RUNNING,
        COMPLETED,
        FAILED;

        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public enum Phase {
        PSP,
        MISSING,
        DONE;

        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** What a run found of each kind. */
    public record Counts(long matched, long adopted, long mismatched, long missingAtPsp) {
        public static final Counts NONE = new Counts(0, 0, 0, 0);

        public long exceptions() {
            return adopted + mismatched + missingAtPsp;
        }
    }

    /**
     * What a record a run looked at turned out to be. Every kind but {@code matched} is an exception an operator sees.
     */
    public enum Kind {
        MATCHED,
        ADOPTED,
        MISMATCHED,
        MISSING_AT_PSP;

        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Kind of(String wire) {
            return valueOf(wire.toUpperCase(Locale.ROOT));
        }
    }

    /**
     * One record a run looked at and what it was: a PSP refund ({@code psp:<PSP refund id>}) or a refund of Refract's
     * the PSP did not show ({@code refund:<id>}). {@code detail} names both sides' values for every exception.
     */
    public record Item(
            String key, Kind kind, Long refundId, String merchantRefundId, String connectorRefundId, String detail) {

        public Item withKind(Kind newKind, String newDetail) {
            return new Item(key, newKind, refundId, merchantRefundId, connectorRefundId, newDetail);
        }
    }

    /** Where a phase resumes. */
    public record Position(Phase phase, String scope, String cursor) {}

    /** What an uploaded report held: its entries, the refunds among them, the settlement batches it covers. */
    public record Report(String name, long entries, long refunds, List<String> batches) {
        public Report {
            batches = List.copyOf(batches);
        }
    }

    /** A new run's id: {@code rec_} and 128 random bits in hex. */
    public static String newId() {
        return "rec_" + UUID.randomUUID().toString().replace("-", "");
    }

    public Position position() {
        return new Position(phase, scope, cursor);
    }

    /** A new run, not yet stored: running, at the start of its first phase. */
    public static ReconciliationRun starting(
            String id,
            String merchantId,
            String connector,
            Instant from,
            Instant to,
            Source source,
            StartedBy startedBy,
            Report report) {
        return new ReconciliationRun(
                id,
                merchantId,
                connector,
                from,
                to,
                source,
                startedBy,
                Status.RUNNING,
                Phase.PSP,
                null,
                null,
                0,
                Counts.NONE,
                null,
                null,
                report,
                null,
                null);
    }
}
