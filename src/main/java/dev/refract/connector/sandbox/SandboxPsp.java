package dev.refract.connector.sandbox;

import dev.refract.refund.Money;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The simulated PSP behind the sandbox connector. It keeps its own books like a real PSP: refunds by
 * idempotency key (a resend returns the first answer, a status read finds it), and per payment what it already
 * refunded (so it declines over-refunds by itself, whatever the caller believes). In memory, and bounded:
 *
 * <ul>
 *   <li><b>Refunds</b> ({@code refunds}, at most {@code maxRefunds}): a settled refund is forgotten once it has been
 *       settled for {@code retention}, or earlier, in the order they settled, when the books are full. A pending
 *       refund is never forgotten (the janitor will ask about it); with the books full of pending refunds, a new
 *       refund is declined with {@code sandbox_books_full} until one settles.
 *   <li><b>A resend after its refund was forgotten never refunds twice.</b> The PSP remembers the latest
 *       {@code created_at} of any refund it forgot ({@code forgottenUpTo}). An unknown key whose refund was created
 *       at or before it may be one it forgot, so it is answered {@link Answer.Forgotten} (an unknown outcome: the
 *       janitor retries and, past its attempts, hands the refund to review) and nothing is booked. What this gives
 *       up: a refund first sent that late (never sent before) is not made either; it goes to review too.
 *   <li><b>Payments</b> ({@code payments}): one small entry each, the refunded total and the count of refunds made
 *       (the over-refund check needs no more). A payment holding a refund stays; idle payments (no refund held) are
 *       kept, least recently used first out, up to {@code maxPayments}. What this gives up: a payment forgotten
 *       that way starts again from nothing refunded here, so only Refract's own ledger (checked under a row lock
 *       before any PSP call) stands between it and an over-refund.
 *   <li><b>Served errors</b> ({@code errorsServed}, for {@code sandbox_outcome=error}): dropped once the key is
 *       refunded, and at most {@code maxRefunds} kept, oldest out; a forgotten count starts over.
 * </ul>
 *
 * So it never holds more than {@code 2 * maxRefunds + maxPayments} entries ({@link #held()}).
 */
final class SandboxPsp {

    /** {@code sbx_<minor>_<CUR>} or {@code sbx_<minor>_<CUR>_<anything>}. */
    private static final Pattern PAYMENT = Pattern.compile("sbx_(\\d{1,18})_([A-Z]{3})(?:_.*)?");

    enum Status {
        SUCCEEDED,
        PENDING
    }

    /** A refund the PSP made; one that settles later is pending until {@code settlesAt}. */
    record SandboxRefund(
            String id, String paymentKey, Money amount, boolean settlesLater, Instant settlesAt, Instant createdAt) {
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

        /** The key may be one of a refund the PSP has forgotten: it cannot say, and books nothing. */
        record Forgotten(Instant forgottenUpTo) implements Answer {}
    }

    private record Settling(String key, Instant settlesAt, long sequence) {}

    /** One payment's books: what was refunded, how many refunds, how many of them are still held. */
    private static final class Books {
        long refundedMinor;
        long made;
        int held;
    }

    private final Duration retention;
    private final int maxRefunds;
    private final int maxPayments;
    /** Every refund held, by key. Bounded by {@code maxRefunds}. */
    private final Map<String, SandboxRefund> refunds = new HashMap<>();
    /** The keys in {@code refunds} not settled yet, soonest to settle first. */
    private final PriorityQueue<Settling> pending =
            new PriorityQueue<>(Comparator.comparing(Settling::settlesAt).thenComparingLong(Settling::sequence));
    /** The other keys in {@code refunds}, in the order they settled: the order of forgetting. */
    private final ArrayDeque<String> settled = new ArrayDeque<>();
    /** Bounded by {@code maxRefunds} (holding a refund) plus {@code maxPayments} (idle, in {@code idle}). */
    private final Map<String, Books> payments = new HashMap<>();
    /** The idle subset of {@code payments}, least recently used first. Bounded by {@code maxPayments}. */
    private final LinkedHashMap<String, Books> idle = new LinkedHashMap<>(16, 0.75f, true);
    /** Bounded by {@code maxRefunds}, eldest out. */
    private final LinkedHashMap<String, Integer> errorsServed = new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Integer> eldest) {
            return size() > maxRefunds;
        }
    };

    private final AtomicLong ids = new AtomicLong();
    private Instant forgottenUpTo = Instant.MIN;

    SandboxPsp(Duration retention, int maxRefunds, int maxPayments) {
        if (retention.isNegative() || maxRefunds < 1 || maxPayments < 0) {
            throw new IllegalArgumentException(
                    "sandbox books need retention >= 0, max-refunds >= 1, max-payments >= 0");
        }
        this.retention = retention;
        this.maxRefunds = maxRefunds;
        this.maxPayments = maxPayments;
    }

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
     * One submission of a refund Refract created at {@code createdAt}. Synchronised: the check against what was
     * already refunded and the booking of the new refund are one step, as in a PSP's own ledger.
     */
    synchronized Answer submit(
            String merchantId,
            String transactionId,
            String idempotencyKey,
            Money amount,
            SandboxBehaviour behaviour,
            Instant createdAt,
            Instant now) {
        forget(now, true);
        SandboxRefund earlier = refunds.get(idempotencyKey);
        if (earlier != null) {
            return new Answer.Refunded(earlier, false);
        }
        if (!createdAt.isAfter(forgottenUpTo)) {
            return new Answer.Forgotten(forgottenUpTo);
        }
        if (behaviour.outcome() == SandboxBehaviour.Kind.ERROR) {
            int served = errorsServed.merge(idempotencyKey, 1, Integer::sum);
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
        if (refunds.size() >= maxRefunds) {
            return new Answer.Declined(
                    "sandbox_books_full",
                    "The sandbox PSP holds " + refunds.size() + " refunds that have not settled, its limit"
                            + " (refract.connectors.sandbox.max-refunds); it takes new ones as they settle");
        }
        String paymentKey = merchantId + "/" + transactionId;
        Books books = payments.get(paymentKey);
        long refunded = books == null ? 0 : books.refundedMinor;
        if (refunded + amount.minorAmount() > captured.minorAmount()) {
            return new Answer.Declined(
                    "amount_too_large",
                    "Refund amount " + amount.minorAmount() + " is greater than the unrefunded amount "
                            + (captured.minorAmount() - refunded));
        }
        boolean pending = behaviour.outcome() == SandboxBehaviour.Kind.PENDING;
        long sequence = ids.incrementAndGet();
        SandboxRefund refund = new SandboxRefund(
                "sbxre_" + sequence,
                paymentKey,
                amount,
                pending,
                pending ? now.plusMillis(behaviour.settleMillis()) : now,
                createdAt);
        refunds.put(idempotencyKey, refund);
        if (pending) {
            this.pending.add(new Settling(idempotencyKey, refund.settlesAt(), sequence));
        } else {
            settled.add(idempotencyKey);
        }
        errorsServed.remove(idempotencyKey);
        if (books == null) {
            books = new Books();
            payments.put(paymentKey, books);
        } else if (books.held == 0) {
            idle.remove(paymentKey);
        }
        books.refundedMinor += amount.minorAmount();
        books.made++;
        books.held++;
        return behaviour.outcome() == SandboxBehaviour.Kind.TIMEOUT
                ? new Answer.TimedOut()
                : new Answer.Refunded(refund, true);
    }

    /** A status read by idempotency key; empty once the refund is forgotten. */
    synchronized Optional<SandboxRefund> find(String idempotencyKey, Instant now) {
        forget(now, false);
        return Optional.ofNullable(refunds.get(idempotencyKey));
    }

    /** How many refunds the PSP made for one payment while it kept its books (tests count PSP-side refunds). */
    synchronized long refundCount(String merchantId, String transactionId) {
        Books books = payments.get(merchantId + "/" + transactionId);
        return books == null ? 0 : books.made;
    }

    /** Entries held in all the books: never more than {@code 2 * maxRefunds + maxPayments}. */
    synchronized int held() {
        return refunds.size() + payments.size() + errorsServed.size();
    }

    synchronized int refundsHeld() {
        return refunds.size();
    }

    /**
     * Moves refunds that have settled by {@code now} from {@code pending} to {@code settled}, then forgets, in the
     * order they settled, those settled longer than the retention and, for a submission, one more if the books are full.
     */
    private void forget(Instant now, boolean makeRoom) {
        while (!pending.isEmpty() && !pending.peek().settlesAt().isAfter(now)) {
            settled.add(pending.poll().key());
        }
        Instant settledBefore = now.minus(retention);
        while (!settled.isEmpty()) {
            SandboxRefund oldest = refunds.get(settled.peek());
            if ((!makeRoom || refunds.size() < maxRefunds) && oldest.settlesAt().isAfter(settledBefore)) {
                return;
            }
            refunds.remove(settled.poll());
            if (oldest.createdAt().isAfter(forgottenUpTo)) {
                forgottenUpTo = oldest.createdAt();
            }
            release(oldest.paymentKey());
        }
    }

    /** A payment's refund was forgotten: once it holds none, it is idle, and idle payments are capped. */
    private void release(String paymentKey) {
        Books books = payments.get(paymentKey);
        if (--books.held > 0) {
            return;
        }
        idle.put(paymentKey, books);
        Iterator<String> eldest = idle.keySet().iterator();
        while (idle.size() > maxPayments) {
            payments.remove(eldest.next());
            eldest.remove();
        }
    }
}
