package dev.refract.admin;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.refract.http.ApiException;
import dev.refract.refund.ReconciliationRun;
import dev.refract.store.ReconciliationReads;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Reconciliation runs as the admin API answers them, and the cursors that page them. */
public final class ReconciliationViews {

    private ReconciliationViews() {}

    @RegisterForReflection
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record StartRun(String merchantId, String connector, String from, String to) {}

    @RegisterForReflection
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Counts(long matched, long adopted, long mismatched, long missingAtPsp) {}

    @RegisterForReflection
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record ExceptionView(
            @Schema(enumeration = {"mismatched", "missing_at_psp", "adopted"})
            String kind,

            String merchantRefundId,
            String connectorRefundId,

            @Schema(description = "what each side holds, in words that name both sides' values")
            String detail) {}

    @RegisterForReflection
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Failure(
            String reason,

            @Schema(description = "the last record the run had finished with: what is before it is counted")
            String stoppedAt) {}

    @RegisterForReflection
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record ReportView(String name, long entries, long refunds, List<String> batches) {}

    /** A run: the contract's fields, then where it stands and, for a failed run, where it stopped. */
    @RegisterForReflection
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record RunView(
            String id,
            String merchantId,
            String connector,
            Instant from,
            Instant to,

            @Schema(enumeration = {"running", "completed", "failed"})
            String status,

            Instant startedAt,
            Instant finishedAt,
            Counts counts,
            List<ExceptionView> exceptions,

            @Schema(description = "whether the run has more exceptions than listed: page on with exceptions_cursor")
            boolean exceptionsHasMore,

            String exceptionsNextCursor,
            @Schema(enumeration = {"operator", "schedule"}) String startedBy,

            @Schema(enumeration = {"list", "status_reads", "report"})
            String source,

            @Schema(description = "the PSP's records the run has read so far")
            long pspRecords,

            @Schema(description = "set when the run failed") Failure failure,

            @Schema(description = "the uploaded report a run of one reconciles")
            ReportView report) {

        /** A run just started: nothing found yet. */
        public static RunView started(ReconciliationRun run) {
            return of(run, new ReconciliationReads.ExceptionPage(List.of(), false));
        }

        public static RunView of(ReconciliationRun run, ReconciliationReads.ExceptionPage page) {
            ReconciliationRun.Counts c = run.counts();
            List<ExceptionView> exceptions = page.exceptions().stream()
                    .map(e -> new ExceptionView(
                            e.item().kind().wire(),
                            e.item().merchantRefundId(),
                            e.item().connectorRefundId(),
                            e.item().detail()))
                    .toList();
            String next = page.hasMore()
                    ? exceptionsCursor(
                            page.exceptions().get(page.exceptions().size() - 1).seq())
                    : null;
            ReconciliationRun.Report report = run.report();
            return new RunView(
                    run.id(),
                    run.merchantId(),
                    run.connector(),
                    run.from(),
                    run.to(),
                    run.status().wire(),
                    run.startedAt(),
                    run.finishedAt(),
                    new Counts(c.matched(), c.adopted(), c.mismatched(), c.missingAtPsp()),
                    exceptions,
                    page.hasMore(),
                    next,
                    run.startedBy().wire(),
                    run.source().wire(),
                    run.pspRecords(),
                    run.status() == ReconciliationRun.Status.FAILED
                            ? new Failure(run.failure(), run.stoppedAt())
                            : null,
                    report == null
                            ? null
                            : new ReportView(report.name(), report.entries(), report.refunds(), report.batches()));
        }
    }

    @RegisterForReflection
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record RunList(List<RunView> data, boolean hasMore, String nextCursor) {}

    static String runsCursor(ReconciliationRun last) {
        long micros = ChronoUnit.MICROS.between(Instant.EPOCH, last.startedAt());
        return encode("r1." + micros + "." + last.id());
    }

    static ReconciliationReads.RunCursor runsCursor(String cursor) {
        if (cursor == null || cursor.isBlank()) {
            return null;
        }
        String[] parts = decode(cursor).split("\\.", 3);
        try {
            if (parts.length != 3 || !parts[0].equals("r1")) {
                throw new IllegalArgumentException();
            }
            return new ReconciliationReads.RunCursor(
                    Instant.EPOCH.plus(Long.parseLong(parts[1]), ChronoUnit.MICROS), parts[2]);
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw ApiException.invalid("cursor", "cursor is not one this API gave out");
        }
    }

    static String exceptionsCursor(long seq) {
        return encode("e1." + seq);
    }

    static long exceptionsCursor(String cursor) {
        if (cursor == null || cursor.isBlank()) {
            return 0;
        }
        String[] parts = decode(cursor).split("\\.");
        try {
            if (parts.length != 2 || !parts[0].equals("e1")) {
                throw new IllegalArgumentException();
            }
            return Long.parseLong(parts[1]);
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid("exceptions_cursor", "exceptions_cursor is not one this API gave out");
        }
    }

    private static String encode(String plain) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(plain.getBytes(StandardCharsets.US_ASCII));
    }

    private static String decode(String cursor) {
        try {
            return new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.US_ASCII);
        } catch (IllegalArgumentException e) {
            return "";
        }
    }
}
