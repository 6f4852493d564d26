package dev.refract.refund;

import java.util.EnumSet;
import java.util.Set;

/**
 * Where a refund is in its life, as the core and the janitor need to know it. Merchants see the coarser
 * {@link RefundStatus}. The rank orders the states so that the state machine never moves backwards.
 */
public enum RefundState {
    /** Recorded by us; the PSP has provably not been reached yet (not sent, or refused before sending). */
    RECEIVED(RefundStatus.PENDING, 0),
    /** A submission may have reached the PSP (timeout, 5xx, reset): resend with the same key, or sync. */
    UNKNOWN(RefundStatus.PENDING, 1),
    /** The PSP accepted the refund; its final answer comes later by sync or webhook. */
    PENDING(RefundStatus.PENDING, 2),
    /** No final outcome could be settled automatically; an operator decides. */
    MANUAL_REVIEW(RefundStatus.MANUAL_REVIEW, 3),
    SUCCEEDED(RefundStatus.SUCCEEDED, 4),
    FAILED(RefundStatus.FAILED, 4);

    /** States the janitor works on. */
    public static final Set<RefundState> IN_FLIGHT = EnumSet.of(RECEIVED, UNKNOWN, PENDING);

    private final RefundStatus status;
    private final int rank;

    RefundState(RefundStatus status, int rank) {
        this.status = status;
        this.rank = rank;
    }

    public RefundStatus status() {
        return status;
    }

    int rank() {
        return rank;
    }

    public boolean inFlight() {
        return IN_FLIGHT.contains(this);
    }

    public boolean isFinal() {
        return this == SUCCEEDED || this == FAILED;
    }

    /** The internal states a public status stands for (list filters). */
    public static Set<RefundState> of(RefundStatus status) {
        EnumSet<RefundState> states = EnumSet.noneOf(RefundState.class);
        for (RefundState s : values()) {
            if (s.status == status) {
                states.add(s);
            }
        }
        return states;
    }
}
