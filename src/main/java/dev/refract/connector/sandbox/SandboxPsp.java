package dev.refract.connector.sandbox;

import dev.refract.refund.Money;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The simulated PSP behind the sandbox connector. It keeps its own books like a real PSP: refunds by
 * idempotency key (a resend returns the first answer), and per payment what it already refunded (so it
 * declines over-refunds by itself, whatever the caller believes). In memory: it is a sandbox.
 */
final class SandboxPsp {

    /** {@code sbx_<minor>_<CUR>} or {@code sbx_<minor>_<CUR>_<anything>}. */
    private static final Pattern PAYMENT = Pattern.compile("sbx_(\\d{1,18})_([A-Z]{3})(?:_.*)?");

    enum Status {
        SUCCEEDED,
        PENDING
    }

    /** A refund the PSP made; one that settles later is pending until {@code settlesAt}. */
    record SandboxRefund(String id, String paymentKey, Money amount, boolean settlesLater, Instant settlesAt) {
        Status statusAt(Instant now) {
            return now.isBefore(settlesAt) ? Status.PENDING : Status.SUCCEEDED;
        }
    }

    /** What the PSP answered to one submission. */
    sealed interface Answer {
        /** {@code first}: this submission made the refund (a resend gets the same refund back). */
        record Refunded(SandboxRefund refund, boolean first) implements Answer {}

        record ServerError() implements Answer {}

        /** The PSP refunded but its answer never arrived. */
        record TimedOut() implements Answer {}

        record Declined(String code, String message) implements Answer {}
    }

    private final Map<String, SandboxRefund> refundsByKey = new HashMap<>();
    private final Map<String, Long> refundedByPayment = new HashMap<>();
    private final Map<String, Integer> errorsServedByKey = new HashMap<>();
    private final AtomicLong ids = new AtomicLong();

    /** The captured payment an id stands for, if it is a well-formed sandbox id. */
    static Optional<Money> captured(String connectorTransactionId) {
        Matcher m = PAYMENT.matcher(connectorTransactionId);
        if (!m.matches() || !Money.isKnownCurrency(m.group(2))) {
            return Optional.empty();
        }
        long minor = Long.parseLong(m.group(1));
        return minor > 0 ? Optional.of(Money.of(minor, m.group(2))) : Optional.empty();
    }

    /**
     * One submission. Synchronised: the check against what was already refunded and the booking of the new
     * refund are one step, as in a PSP's own ledger.
     */
    synchronized Answer submit(
            String merchantId,
            String transactionId,
            String idempotencyKey,
            Money amount,
            SandboxBehaviour behaviour,
            Instant now) {
        SandboxRefund earlier = refundsByKey.get(idempotencyKey);
        if (earlier != null) {
            return new Answer.Refunded(earlier, false);
        }
        if (behaviour.outcome() == SandboxBehaviour.Kind.ERROR) {
            int served = errorsServedByKey.merge(idempotencyKey, 1, Integer::sum);
            if (served <= behaviour.failures()) {
                return new Answer.ServerError();
            }
        }
        if (behaviour.outcome() == SandboxBehaviour.Kind.DECLINED) {
            return new Answer.Declined("refund_declined", "The sandbox PSP declined the refund");
        }
        Money captured = captured(transactionId).orElseThrow();
        if (!captured.sameCurrency(amount)) {
            return new Answer.Declined(
                    "currency_mismatch",
                    "The refund currency " + amount.currency() + " is not the payment's " + captured.currency());
        }
        String paymentKey = merchantId + "/" + transactionId;
        long refunded = refundedByPayment.getOrDefault(paymentKey, 0L);
        if (refunded + amount.minorAmount() > captured.minorAmount()) {
            return new Answer.Declined(
                    "amount_too_large",
                    "Refund amount " + amount.minorAmount() + " is greater than the unrefunded amount "
                            + (captured.minorAmount() - refunded));
        }
        Instant settlesAt =
                behaviour.outcome() == SandboxBehaviour.Kind.PENDING ? now.plusMillis(behaviour.settleMillis()) : now;
        SandboxRefund refund = new SandboxRefund(
                "sbxre_" + ids.incrementAndGet(),
                paymentKey,
                amount,
                behaviour.outcome() == SandboxBehaviour.Kind.PENDING,
                settlesAt);
        refundsByKey.put(idempotencyKey, refund);
        refundedByPayment.put(paymentKey, refunded + amount.minorAmount());
        return behaviour.outcome() == SandboxBehaviour.Kind.TIMEOUT
                ? new Answer.TimedOut()
                : new Answer.Refunded(refund, true);
    }

    synchronized Optional<SandboxRefund> find(String idempotencyKey) {
        return Optional.ofNullable(refundsByKey.get(idempotencyKey));
    }

    /** How many refunds the PSP made for one payment (tests count PSP-side refunds with it). */
    synchronized long refundCount(String merchantId, String transactionId) {
        String paymentKey = merchantId + "/" + transactionId;
        return refundsByKey.values().stream()
                .filter(r -> r.paymentKey().equals(paymentKey))
                .count();
    }
}
