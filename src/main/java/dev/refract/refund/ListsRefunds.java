package dev.refract.refund;

import io.smallrye.mutiny.Uni;
import java.time.Instant;
import java.util.List;

/**
 * A connector whose PSP lists an account's refunds (Stripe) or a payment's (Marqeta's credit accounts), page by page:
 * reconciliation reads its books this way. Every page is read through the connector's guard (timeout, retries,
 * breaker), and a PSP that rate-limits is waited for as long as it asks.
 */
public interface ListsRefunds {

    /** Whether the PSP lists the refunds of one payment at a time rather than the whole account's. */
    default boolean listsPerPayment() {
        return false;
    }

    /**
     * One page of the refunds the PSP made in {@code [from, to)}, in the PSP's order, and where the next page starts
     * (null after the last). Fails with {@link PspRecordsUnavailable} when the page could not be read.
     */
    Uni<Page> listRefunds(ConnectorAccount account, Listing listing);

    /**
     * @param payment the payment whose refunds are listed, for a PSP that {@link #listsPerPayment}; else null
     * @param cursor  where the page starts, as the previous page said; null for the first
     */
    record Listing(Instant from, Instant to, String payment, String cursor) {}

    record Page(List<PspRefund> refunds, String next) {}
}
