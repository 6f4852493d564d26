package dev.refract.refund;

import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;

/**
 * A connector whose PSP's books come as a settlement report an operator downloads and uploads (Adyen's Settlement
 * details report): reconciliation reads the refunds the report settled.
 */
public interface ReadsSettlementReports {

    /** The report's name as the PSP calls it, for operators' messages. */
    String reportName();

    /**
     * Reads the report as it streams in, handing each of the account's refunds in it to {@code refunds} in the file's
     * order (a report may cover several accounts at the PSP: the others' entries are passed over), and answers what
     * the report held. A file that is not this report, or is malformed or cut short, is refused with
     * {@link RefundError.InvalidRequest} ({@link ErrorCode#INVALID_REPORT}) naming its line; {@code refunds} may have
     * been handed some of its refunds by then.
     */
    Summary read(ConnectorAccount account, InputStream report, Consumer<PspRefund> refunds) throws IOException;

    /**
     * @param entries    the report's entries (lines under the header)
     * @param earliest   the earliest creation time of an entry, null for none
     * @param latest     the latest
     * @param batches    the settlement batches the report covers (the first few)
     */
    record Summary(long entries, long refunds, Instant earliest, Instant latest, List<String> batches) {}
}
