package dev.refract.refund;

import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/** The persistence port of the core. Every method is one short transaction. */
public interface RefundStore {

    /** The refund of this merchant with this merchant_refund_id, or null. */
    Uni<Refund> find(String merchantId, String merchantRefundId);

    /** The merchant's refund of this id, or null. */
    Uni<Refund> findById(String merchantId, long id);

    /**
     * What a create must know first, in one read: the refund already under this merchant_refund_id, and the
     * payment as earlier refunds recorded it (the connector they went through, its totals).
     */
    Uni<Lookup> lookup(String merchantId, String merchantRefundId, String connectorTransactionId);

    /**
     * Records a new refund, first step of every create: locks the payment's ledger row, asks the recording to
     * check its connector and to reserve the amount, inserts the refund with its first event and what that event
     * {@link Owed owes}, and writes the reservation, all in one transaction. When a refund with the same
     * merchant_refund_id exists (a concurrent create won), returns it instead, with {@code created} false.
     */
    Uni<Recorded> record(Recording recording);

    /**
     * Records an external refund ({@link ExternalRefund#adoption}) in one transaction: locks the payment's ledger row
     * (the first of {@code paymentIds} that has one, else a new one under the first), counts the refund in it, and
     * inserts the refund with its first event and notifications. When a refund with its merchant_refund_id exists
     * (another event adopted it first), answers that one with {@code created} false and writes nothing. Answers a
     * null refund when the ledger refuses it (another connector's payment, another currency, past the captured
     * amount): the event then stays kept for reconciliation.
     */
    Uni<Recorded> adopt(Refund.Applied adoption, List<String> paymentIds);

    /**
     * Writes an applied change, its event and ledger movement, if the refund's version is still the one it was
     * read at; fails with {@link StaleRefund} otherwise, and with {@link LedgerRefused} when the payment's ledger
     * refuses the movement.
     */
    Uni<Refund> save(Refund.Applied applied);

    /**
     * Saves an operator's change as {@link #save(Refund.Applied)} does, and its entry in the audit trail in the same
     * transaction: both are written, or neither.
     */
    Uni<Refund> save(Refund.Applied applied, AuditEntry audit);

    /**
     * Claims up to {@code limit} in-flight refunds whose next action is due, skipping rows another replica has
     * locked, and pushes their next action {@code lease} into the future so nobody else takes them meanwhile.
     */
    Uni<List<Refund>> claimDue(Instant now, int limit, Duration lease);

    Uni<RefundPage> list(String merchantId, RefundFilter filter);

    /** Across merchants: MANUAL_REVIEW refunds, and in-flight ones with at least {@code minAttempts}; oldest first. */
    Uni<List<Refund>> stuck(int minAttempts, int limit);

    /** The merchant's connector accounts, credentials decrypted. */
    Uni<List<ConnectorAccount>> accounts(String merchantId);

    /**
     * Stores a verified PSP webhook event before anything is applied. Answers its id and whether it was
     * already applied (a redelivery); an event stored but not applied (a crash in between) is applied again.
     */
    Uni<StoredWebhook> recordWebhook(String merchantId, String connector, WebhookEvent event);

    /**
     * The refund a webhook event is about: this merchant's refund of the PSP's refund id, else the one of the
     * merchant's reference. A PSP refund id is the PSP's own and names one refund: when it is another merchant's
     * refund (two merchants at one PSP account), the event is that merchant's, whatever reference it echoes.
     */
    Uni<WebhookMatch> findForWebhook(
            String merchantId, String connector, String merchantRefundId, String connectorRefundId);

    Uni<Void> markWebhookApplied(String merchantId, long webhookId, long refundId);

    /**
     * Whether a failure is the store refusing work for now (its database out of reach, read-only, or rolling the
     * transaction back), which a retry later may find gone, rather than a defect or a fact about the data.
     */
    default boolean isUnavailable(Throwable failure) {
        return false;
    }

    record StoredWebhook(long id, boolean applied) {}

    /**
     * @param refund        the merchant's refund the event is about, or null
     * @param otherMerchant when the merchant has none, the merchant whose refund the event's PSP refund id is; or null
     */
    record WebhookMatch(Refund refund, String otherMerchant) {
        public static final WebhookMatch NONE = new WebhookMatch(null, null);
    }

    /** {@code existing} and {@code payment} are null when there is none. */
    record Lookup(Refund existing, RecordedPayment payment) {}

    record RecordedPayment(String connector, PaymentLedger ledger) {}

    record Recorded(Refund refund, boolean created) {}

    /** A position in the newest-first list: strictly older than (createdAt, id). */
    record Cursor(Instant createdAt, long id) {}

    /**
     * @param states empty for all
     * @param to     exclusive
     */
    record RefundFilter(
            Set<RefundState> states,
            String connector,
            String connectorTransactionId,
            Instant from,
            Instant to,
            int limit,
            Cursor after) {}

    record RefundPage(List<Refund> data, boolean hasMore) {}

    /**
     * The payment's ledger refused the change: it would reserve more than was captured (a refund that had failed, put
     * back in doubt after the amount was refunded again by another).
     */
    final class LedgerRefused extends RuntimeException {
        public LedgerRefused(long id) {
            super("the payment's ledger refuses the change of refund " + id, null, false, false);
        }
    }

    /** Someone else changed the refund since it was read; read it again and re-apply. */
    final class StaleRefund extends RuntimeException {
        public StaleRefund(long id) {
            super("refund " + id + " changed concurrently", null, false, false);
        }
    }
}
