package dev.refract.refund;

import io.smallrye.mutiny.Uni;

/** A connector whose PSP can cancel a refund still in flight. */
public interface CancelsRefunds {

    /**
     * Whether the PSP would cancel a refund in this PSP status: a cancel it would refuse is answered 409 without
     * calling it. By default, any refund still in flight.
     */
    default boolean cancellableIn(String connectorStatus) {
        return true;
    }

    /**
     * Asks the PSP to cancel the refund. A cancelled refund is {@link Outcome.Declined} with
     * {@link ErrorCode#REFUND_CANCELLED}; a PSP that refuses answers the refund's current status, or NotSent.
     */
    Uni<Outcome> cancel(ConnectorAccount account, Refund refund);
}
