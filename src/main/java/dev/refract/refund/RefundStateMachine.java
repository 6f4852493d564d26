package dev.refract.refund;

/**
 * The refund state machine: one pure function from (state, outcome) to the next state. It never moves a
 * refund backwards and an outcome applied twice changes nothing the second time. The only way out of a final
 * state is a failure that the PSP reports after success ({@link Outcome.Declined#reversesSuccess()}).
 */
public final class RefundStateMachine {

    private RefundStateMachine() {}

    /**
     * @param to the state after the outcome (equal to {@code from} when nothing changes)
     * @param accepted whether the outcome's data (connector ids, status word, error) is to be recorded
     */
    public record Transition(RefundState from, RefundState to, boolean accepted) {
        public boolean changesState() {
            return from != to;
        }
    }

    public static Transition next(RefundState from, Outcome outcome) {
        return switch (from) {
            case RECEIVED, UNKNOWN, PENDING -> fromInFlight(from, outcome);
            case MANUAL_REVIEW -> fromManualReview(outcome);
            case SUCCEEDED ->
                outcome instanceof Outcome.Declined d && d.reversesSuccess()
                        ? accept(from, RefundState.FAILED)
                        : ignore(from);
            case FAILED -> ignore(from);
        };
    }

    /** The janitor gives up: the refund's outcome could not be settled after the configured attempts. */
    public static Transition exhausted(RefundState from) {
        return from.inFlight() ? accept(from, RefundState.MANUAL_REVIEW) : ignore(from);
    }

    private static Transition fromInFlight(RefundState from, Outcome outcome) {
        if (outcome instanceof Outcome.Succeeded) {
            return accept(from, RefundState.SUCCEEDED);
        }
        if (outcome instanceof Outcome.Declined || outcome instanceof Outcome.NotFound) {
            return accept(from, RefundState.FAILED);
        }
        if (outcome instanceof Outcome.Pending) {
            return accept(from, RefundState.PENDING);
        }
        if (outcome instanceof Outcome.Unknown && from == RefundState.RECEIVED) {
            return accept(from, RefundState.UNKNOWN);
        }
        // NotSent, or Unknown once the PSP may already have the refund: a resend that did not get through
        // says nothing about an earlier attempt that may have.
        return ignore(from);
    }

    private static Transition fromManualReview(Outcome outcome) {
        RefundState from = RefundState.MANUAL_REVIEW;
        if (outcome instanceof Outcome.Succeeded) {
            return accept(from, RefundState.SUCCEEDED);
        }
        if (outcome instanceof Outcome.Declined || outcome instanceof Outcome.NotFound) {
            return accept(from, RefundState.FAILED);
        }
        return ignore(from);
    }

    private static Transition accept(RefundState from, RefundState to) {
        return new Transition(from, to, true);
    }

    private static Transition ignore(RefundState from) {
        return new Transition(from, from, false);
    }
}
