package dev.refract.admin;

import dev.refract.http.ApiException;
import dev.refract.http.Limits;
import dev.refract.refund.Actor;
import dev.refract.refund.AuditAction;
import dev.refract.refund.AuditEntry;
import dev.refract.refund.ReconciliationRun;
import dev.refract.refund.Reconciliations;
import dev.refract.store.AuditTrail;
import dev.refract.store.MerchantDirectory;
import dev.refract.store.ReconciliationReads;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What operators do with reconciliation, through the admin API and the console alike: start a run, upload a report
 * and start its run, read runs. {@link #start} and {@link #receiveReport} are the only two places where an operator
 * starts a run; the audit trail's {@code reconciliation.run} entry belongs in them.
 */
@ApplicationScoped
public class OperatorReconciliations {

    /** How long an upload's answer waits for its audit entry to be written. */
    private static final Duration AUDIT_WAIT = Duration.ofSeconds(30);

    private final Reconciliations reconciliations;
    private final MerchantDirectory merchants;
    private final ReconciliationReads reads;
    private final AuditTrail trail;

    OperatorReconciliations(
            Reconciliations reconciliations, MerchantDirectory merchants, ReconciliationReads reads, AuditTrail trail) {
        this.reconciliations = reconciliations;
        this.merchants = merchants;
        this.reads = reads;
        this.trail = trail;
    }

    /** An operator starts a run of a merchant's account over a window (202, then worked in the background). */
    public Uni<ReconciliationRun> start(Actor by, String merchantId, String connector, Instant from, Instant to) {
        return requireMerchant(merchantId)
                .chain(() -> reconciliations.start(merchantId, connector, from, to, Instant.now()))
                .call(run -> trail.recordAfter(audit(by, run)));
    }

    /** Where an operator's upload of a merchant's settlement report goes, once the merchant and account are known. */
    public Uni<Reconciliations.ReportUpload> reportUpload(String merchantId, String connector) {
        return requireMerchant(merchantId).chain(() -> reconciliations.reportUpload(merchantId, connector));
    }

    /** An operator's uploaded report, read as it streams in, and its run started. Blocking: on a worker thread. */
    public ReconciliationRun receiveReport(
            Actor by, Reconciliations.ReportUpload upload, InputStream report, Instant from, Instant to)
            throws IOException {
        ReconciliationRun run = reconciliations.receiveReport(upload, report, from, to, Instant.now());
        trail.recordAfter(audit(by, run)).await().atMost(AUDIT_WAIT);
        return run;
    }

    /** The audit trail's entry of a run an operator started: whose account, which window, from what. */
    private static AuditEntry audit(Actor by, ReconciliationRun run) {
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("merchant_id", run.merchantId());
        detail.put("connector", run.connector());
        detail.put("source", run.source().wire());
        detail.put("window_from", run.from().toString());
        detail.put("window_to", run.to().toString());
        return new AuditEntry(by, AuditAction.RECONCILIATION_RUN, AuditEntry.reconciliation(run.id()), detail);
    }

    public Uni<ReconciliationRun> run(String id) {
        if (id == null || !id.matches("rec_[0-9a-f]{32}")) {
            return Uni.createFrom().failure(notFound(id));
        }
        return reconciliations.find(id).map(run -> {
            if (run == null) {
                throw notFound(id);
            }
            return run;
        });
    }

    public Uni<ReconciliationReads.ExceptionPage> exceptions(ReconciliationRun run, int limit, long afterSeq) {
        return reads.exceptions(run, limit, afterSeq);
    }

    public Uni<ReconciliationReads.RunPage> runs(String merchantId, int limit, ReconciliationReads.RunCursor after) {
        return reads.runs(merchantId, limit, after);
    }

    private Uni<Void> requireMerchant(String merchantId) {
        if (merchantId == null || merchantId.isBlank()) {
            return Uni.createFrom().failure(ApiException.invalid("merchant_id", "merchant_id is required"));
        }
        if (!Limits.isId(merchantId)) {
            return Uni.createFrom().failure(merchantNotFound(merchantId));
        }
        return merchants.get(merchantId).map(m -> {
            if (m == null) {
                throw merchantNotFound(merchantId);
            }
            return null;
        });
    }

    static ApiException merchantNotFound(String merchantId) {
        return new ApiException(404, "invalid_request_error", "merchant_not_found", "no such merchant", "merchant_id");
    }

    private static ApiException notFound(String id) {
        return new ApiException(
                404, "invalid_request_error", "reconciliation_not_found", "no reconciliation run " + id, null);
    }
}
