package dev.refract.refund;

import io.smallrye.mutiny.Uni;

/**
 * A connector whose PSP cannot list its refunds but can be asked about each (Exodus, the charges API): reconciliation
 * reads the status of every refund of the window this way.
 */
public interface ReadsRefundStatus {

    /**
     * The refund as the PSP holds it: a record in the PSP's own shape (Succeeded, Pending, Declined), Disowned when the
     * PSP says in its own words that it has no such refund, and Unknown or NotSent when it could not be read.
     */
    Uni<Outcome> readStatus(ConnectorAccount account, Refund refund);
}
