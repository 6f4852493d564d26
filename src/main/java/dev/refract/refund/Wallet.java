package dev.refract.refund;

import io.smallrye.mutiny.Uni;

/**
 * The customer's wallet, kept in step with the refunds of its payments: when a refund whose payment names the
 * customer ({@link #CUSTOMER_KEY} in its metadata) succeeds, the wallet gives back what the PSP refunded; when a
 * succeeded refund later fails, that adjustment is reversed. A merchant holds an account at it like at a PSP.
 */
public interface Wallet extends AccountKind {

    /** The metadata key that names the customer's wallet, on a refund or on its payment at the PSP. */
    String CUSTOMER_KEY = "credyt_customer_id";

    /**
     * Sends the adjustment for a refund, or its reversal. The same refund always makes the same adjustment, so a
     * delivery that is repeated is applied once.
     */
    Uni<Delivery> adjust(ConnectorAccount account, Refund refund, boolean reversal);
}
