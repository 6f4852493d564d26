package dev.refract.console;

import io.quarkus.qute.TemplateData;
import java.util.List;

/** What the Reconciliation page shows, already in words; each type's value resolver is generated at build time. */
final class ReconciliationViews {

    private ReconciliationViews() {}

    @TemplateData
    record RunRow(
            String id,
            String href,
            String merchantId,
            String connector,
            String window,
            String status,
            String startedBy,
            String started,
            String finished,
            long matched,
            long adopted,
            long mismatched,
            long missingAtPsp,
            String failure) {}

    @TemplateData
    record ExceptionRow(
            String kind, String merchantRefundId, String refundHref, String connectorRefundId, String detail) {}

    @TemplateData
    record Choice(String value, boolean selected) {}

    @TemplateData
    record RunsPage(
            String merchant,
            List<Choice> merchants,
            List<Choice> connectors,
            List<RunRow> runs,
            String nextHref,
            String yesterday) {}

    @TemplateData
    record RunPage(
            RunRow run,
            String source,
            long pspRecords,
            String stoppedAt,
            String report,
            List<ExceptionRow> exceptions,
            String nextHref) {}

    /** An exception for Needs attention: the run that found it and the refund it is about. */
    @TemplateData
    record AttentionRow(
            String kind,
            String merchantId,
            String merchantRefundId,
            String refundHref,
            String connector,
            String runId,
            String runHref,
            String found,
            String detail) {}
}
