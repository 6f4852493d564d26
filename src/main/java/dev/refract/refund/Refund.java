package dev.refract.refund;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A refund as the core sees it. Its state changes only through {@link #apply} (a PSP's answer), {@link #exhaust}
 * (the janitor gives up) and {@link #resolve} (an operator settles it); each returns the refund as it is to be
 * written, the event to append, and what the payment's ledger row must move by.
 */
public record Refund(
        long id,
        String merchantId,
        String merchantRefundId,
        String connector,
        String connectorTransactionId,
        String connectorRefundId,
        RefundState state,
        String connectorStatus,
        Money amount,
        String reason,
        Map<String, String> metadata,
        Map<String, Object> connectorOptions,
        Map<String, String> connectorDetails,
        RefundFailure failure,
        String fingerprint,
        String pspReference,
        int attempts,
        Instant nextActionAt,
        long version,
        Instant createdAt,
        Instant updatedAt,
        boolean external) {

    /** The prefix of an external refund's merchant_refund_id; no merchant may choose an id that starts with it. */
    public static final String EXTERNAL_PREFIX = "external:";

    public RefundStatus status() {
        return state.status();
    }

    /**
     * The PSP idempotency key / reference / token of a refund: derived from who asked and their reference,
     * so it is the same on every resend, from any replica, after any crash. 35 characters, within the
     * shortest PSP limit (Marqeta tokens, 36).
     */
    public static String pspReferenceFor(String merchantId, String merchantRefundId) {
        return "rf_" + Sha256.hex(merchantId + "\n" + merchantRefundId, 16);
    }

    /** A change to append to the refund's event log; {@code actor} names the operator of an OPERATOR change. */
    public record Event(
            RefundState from, RefundState to, Cause cause, String connectorStatus, String detail, Actor actor) {

        /** A change nobody in particular made: the API's, a PSP's, a webhook's or the janitor's. */
        public Event(RefundState from, RefundState to, Cause cause, String connectorStatus, String detail) {
            this(from, to, cause, connectorStatus, detail, null);
        }
    }

    /** How much the payment's in-flight and refunded totals move, in the refund's minor units. */
    public record LedgerDelta(long inFlight, long refunded) {
        static final LedgerDelta NONE = new LedgerDelta(0, 0);

        public boolean isZero() {
            return inFlight == 0 && refunded == 0;
        }

        static LedgerDelta between(RefundState from, RefundState to, long amount) {
            boolean wasReserved = from.inFlight() || from == RefundState.MANUAL_REVIEW;
            if (wasReserved && to == RefundState.SUCCEEDED) {
                return new LedgerDelta(-amount, amount);
            }
            if (wasReserved && to == RefundState.FAILED) {
                return new LedgerDelta(-amount, 0);
            }
            if (from == RefundState.SUCCEEDED && to == RefundState.FAILED) {
                return new LedgerDelta(0, -amount);
            }
            if (from == RefundState.SUCCEEDED && to == RefundState.MANUAL_REVIEW) {
                return new LedgerDelta(amount, -amount); // counted as refunded, now in doubt: reserved again
            }
            if (from == RefundState.FAILED && to == RefundState.MANUAL_REVIEW) {
                return new LedgerDelta(amount, 0); // released as failed, but the PSP's books say it was refunded
            }
            return NONE;
        }
    }

    /** The result of applying something to a refund. {@code event} is null when nothing worth logging changed. */
    public record Applied(Refund refund, Event event, LedgerDelta ledger) {
        public boolean changed() {
            return event != null;
        }

        public boolean statusChanged() {
            return event != null && event.from().status() != event.to().status();
        }

        /** What the change owes to the merchant and the customer's wallet; the store writes it with the change. */
        public Owed owed() {
            return Owed.by(event, refund.metadata());
        }
    }

    /**
     * Applies a PSP outcome.
     *
     * @param attempted whether this outcome is the answer to a PSP call made for this refund (counts an attempt)
     */
    public Applied apply(Outcome outcome, Cause cause, boolean attempted, RetryPolicy policy, Instant now) {
        int newAttempts = attempted ? attempts + 1 : attempts;
        if (outcome instanceof Outcome.Disowned d) {
            if (connectorRefundId != null && state != RefundState.FAILED) {
                return contradicted(d, disowning(d), cause, newAttempts, now);
            }
            // never named by the PSP: its submission may still be on the way, so nothing is learned
            outcome = new Outcome.Unknown("the PSP has no such refund yet");
        }
        String contradiction = state == RefundState.FAILED ? null : Contradiction.of(this, outcome);
        if (contradiction != null) {
            return contradicted(outcome, contradiction, cause, newAttempts, now);
        }
        RefundStateMachine.Transition t = awaitsOperator()
                ? new RefundStateMachine.Transition(state, state, false)
                : RefundStateMachine.next(state, outcome);
        if (!t.accepted()) {
            return new Applied(
                    with(
                            state,
                            connectorRefundId,
                            connectorStatus,
                            connectorDetails,
                            failure,
                            newAttempts,
                            schedule(state, newAttempts, policy, now),
                            now),
                    null,
                    LedgerDelta.NONE);
        }
        String newRefundId = outcome.connectorRefundId() != null ? outcome.connectorRefundId() : connectorRefundId;
        String newStatus = outcome.connectorStatus() != null ? outcome.connectorStatus() : connectorStatus;
        Map<String, String> details = new LinkedHashMap<>(connectorDetails);
        details.putAll(outcome.details());
        RefundFailure newFailure = switch (t.to()) {
            case FAILED -> failureOf(outcome);
            case SUCCEEDED -> null;
            default -> failure;
        };
        Refund updated = with(
                t.to(),
                newRefundId,
                newStatus,
                Map.copyOf(details),
                newFailure,
                newAttempts,
                schedule(t.to(), newAttempts, policy, now),
                now);
        boolean worthAnEvent = t.changesState() || !Objects.equals(newStatus, connectorStatus);
        Event event = worthAnEvent ? new Event(state, t.to(), cause, newStatus, describe(outcome)) : null;
        return new Applied(updated, event, LedgerDelta.between(state, t.to(), amount.minorAmount()));
    }

    /**
     * A refund the PSP's answer contradicted waits for an operator: no later answer settles it, since the PSP's
     * books already disagree with the request.
     */
    public boolean awaitsOperator() {
        return state == RefundState.MANUAL_REVIEW && failure != null && failure.code() == ErrorCode.CONNECTOR_MISMATCH;
    }

    /**
     * To MANUAL_REVIEW, the amount kept reserved (or reserved again, when the refund had been counted as refunded),
     * with the contradiction as the refund's error and in its event log. The PSP's refund id is recorded only when
     * the refund had none: which of the two is right is for the operator to find out. An answer whose own ids say it
     * is about another refund (another token or merchant_refund_id than Refract sent) leaves the refund without it.
     */
    private Applied contradicted(Outcome outcome, String contradiction, Cause cause, int newAttempts, Instant now) {
        if (awaitsOperator()) {
            return new Applied(
                    with(state, connectorRefundId, connectorStatus, connectorDetails, failure, newAttempts, null, now),
                    null,
                    LedgerDelta.NONE);
        }
        String newRefundId = connectorRefundId != null || Contradiction.namesAnotherRefund(this, outcome)
                ? connectorRefundId
                : outcome.connectorRefundId();
        String newStatus = outcome.connectorStatus() != null ? outcome.connectorStatus() : connectorStatus;
        RefundFailure newFailure =
                new RefundFailure("refund_error", ErrorCode.CONNECTOR_MISMATCH, contradiction, null, newStatus);
        Map<String, String> details = new LinkedHashMap<>(connectorDetails);
        details.putAll(outcome.details());
        Refund updated = with(
                RefundState.MANUAL_REVIEW,
                newRefundId,
                newStatus,
                Map.copyOf(details),
                newFailure,
                newAttempts,
                null,
                now);
        return new Applied(
                updated,
                new Event(state, RefundState.MANUAL_REVIEW, cause, newStatus, contradiction),
                LedgerDelta.between(state, RefundState.MANUAL_REVIEW, amount.minorAmount()));
    }

    /** A PSP's "no such refund" for a refund it gave us an id for contradicts its own earlier answer. */
    private String disowning(Outcome.Disowned d) {
        return "the PSP's answer contradicts the refund; the PSP has no refund " + connectorRefundId
                + (d.connectorCode() != null ? " (" + d.connectorCode() + ")" : "")
                + ", the id it gave for this refund";
    }

    /**
     * Reconciliation: the PSP's own record of this refund, read from its books. A record that agrees is applied as
     * any answer of the PSP is (a refund Refract had not settled yet is settled by it). One that contradicts the
     * refund ({@link Contradiction#ofRecord}) takes the contradiction's path: MANUAL_REVIEW with
     * {@code connector_mismatch}, the amount kept reserved, unless an operator settled the refund already (or is yet
     * to), whose decision stands.
     *
     * @param operatorResolved whether an operator has settled this refund before
     */
    public Applied reconcile(Outcome record, boolean operatorResolved, RetryPolicy policy, Instant now) {
        String disagreement = Contradiction.ofRecord(this, record);
        if (disagreement == null) {
            return apply(record, Cause.RECONCILIATION, false, policy, now);
        }
        if (operatorResolved || awaitsOperator()) {
            return new Applied(this, null, LedgerDelta.NONE);
        }
        return contradicted(record, disagreement, Cause.RECONCILIATION, attempts, now);
    }

    /** The janitor gives up on a refund whose outcome it could not settle. */
    public Applied exhaust(Cause cause, Instant now) {
        RefundStateMachine.Transition t = RefundStateMachine.exhausted(state);
        if (!t.changesState()) {
            return new Applied(this, null, LedgerDelta.NONE);
        }
        Refund updated = with(
                t.to(),
                connectorRefundId,
                connectorStatus,
                connectorDetails,
                RefundFailure.exhausted(attempts),
                attempts,
                null,
                now);
        return new Applied(
                updated,
                new Event(state, t.to(), cause, connectorStatus, "attempts exhausted"),
                LedgerDelta.between(state, t.to(), amount.minorAmount()));
    }

    /**
     * An operator settles a refund in MANUAL_REVIEW after checking the PSP by hand: SUCCEEDED or FAILED, with the
     * reason and who decided ({@code by}) recorded in the event log. Nothing else can be resolved this way.
     *
     * @param refundedMinor for SUCCEEDED, what the PSP actually refunded when it is not the amount asked (a
     *     contradicting answer): the refund's amount becomes that, the ledger counts that as refunded and releases
     *     the rest, and the event log keeps the amount asked. Null: the amount asked.
     */
    public Applied resolve(RefundState to, String reason, Long refundedMinor, Actor by, Instant now) {
        Objects.requireNonNull(by, "an operator's decision names who made it");
        if (state != RefundState.MANUAL_REVIEW || !to.isFinal()) {
            throw new RefundError.NotResolvable("only a MANUAL_REVIEW refund can be resolved, and only to SUCCEEDED "
                    + "or FAILED; refund " + merchantRefundId + " is " + state.status());
        }
        if (refundedMinor != null
                && (to != RefundState.SUCCEEDED || refundedMinor <= 0 || refundedMinor > amount.minorAmount())) {
            throw new RefundError.NotResolvable("refunded_minor_amount must be between 1 and the amount asked, "
                    + amount.minorAmount() + ", and only for SUCCEEDED; it was " + refundedMinor);
        }
        RefundFailure newFailure = to == RefundState.FAILED
                ? new RefundFailure("refund_error", ErrorCode.RESOLVED_AS_FAILED, reason, null, null)
                : null;
        long asked = amount.minorAmount();
        long settled = refundedMinor == null ? asked : refundedMinor;
        String detail = settled == asked
                ? "operator: " + reason
                : "operator: the PSP refunded " + settled + " of the " + asked + " asked (" + amount.currency()
                        + " minor units): " + reason;
        LedgerDelta ledger =
                to == RefundState.SUCCEEDED ? new LedgerDelta(-asked, settled) : LedgerDelta.between(state, to, asked);
        Refund updated = with(
                Money.of(settled, amount.currency()),
                to,
                connectorRefundId,
                connectorStatus,
                connectorDetails,
                newFailure,
                attempts,
                null,
                now);
        return new Applied(updated, new Event(state, to, Cause.OPERATOR, connectorStatus, detail, by), ledger);
    }

    private static Instant schedule(RefundState state, int attempts, RetryPolicy policy, Instant now) {
        return state.inFlight() ? policy.nextAction(attempts, now) : null;
    }

    private static RefundFailure failureOf(Outcome outcome) {
        if (outcome instanceof Outcome.Declined d) {
            return RefundFailure.of(d);
        }
        if (outcome instanceof Outcome.NotFound n) {
            return RefundFailure.of(n);
        }
        throw new IllegalStateException("no failure in " + outcome);
    }

    private static String describe(Outcome outcome) {
        if (outcome instanceof Outcome.Declined d) {
            return "declined: " + d.code() + (d.connectorCode() != null ? " (" + d.connectorCode() + ")" : "");
        }
        if (outcome instanceof Outcome.NotFound n) {
            return "not found" + (n.connectorCode() != null ? " (" + n.connectorCode() + ")" : "");
        }
        if (outcome instanceof Outcome.Unknown u) {
            return "unknown: " + u.reason();
        }
        if (outcome instanceof Outcome.NotSent n) {
            return "not sent: " + n.reason();
        }
        return outcome instanceof Outcome.Succeeded ? "succeeded" : "pending";
    }

    private Refund with(
            RefundState newState,
            String newConnectorRefundId,
            String newConnectorStatus,
            Map<String, String> newDetails,
            RefundFailure newFailure,
            int newAttempts,
            Instant newNextActionAt,
            Instant now) {
        return with(
                amount,
                newState,
                newConnectorRefundId,
                newConnectorStatus,
                newDetails,
                newFailure,
                newAttempts,
                newNextActionAt,
                now);
    }

    /** Only an operator's resolution changes the amount: to what the PSP actually refunded. */
    private Refund with(
            Money newAmount,
            RefundState newState,
            String newConnectorRefundId,
            String newConnectorStatus,
            Map<String, String> newDetails,
            RefundFailure newFailure,
            int newAttempts,
            Instant newNextActionAt,
            Instant now) {
        return new Refund(
                id,
                merchantId,
                merchantRefundId,
                connector,
                connectorTransactionId,
                newConnectorRefundId,
                newState,
                newConnectorStatus,
                newAmount,
                reason,
                metadata,
                connectorOptions,
                newDetails,
                newFailure,
                fingerprint,
                pspReference,
                newAttempts,
                newNextActionAt,
                version,
                createdAt,
                now,
                external);
    }
}
