package dev.refract.refund;

import io.smallrye.mutiny.Uni;
import java.util.Map;

/**
 * The PSP port: a stateless translator between a refund and one PSP's API. It reports outcomes and decides
 * nothing; every method completes on the caller's Vert.x context, and never fails for a PSP answer: failures
 * are {@link Outcome}s. Implementations are CDI beans found by the {@link ConnectorRegistry}.
 */
public interface Connector extends AccountKind {

    /** The connector's name in the API ({@code stripe}, {@code sandbox} …). */
    @Override
    String name();

    /** Whether the connector may be used in this deployment (the sandbox can be switched off). */
    default boolean available() {
        return true;
    }

    /** Whether merchants may use it without configuring an account first (a connector with no credentials). */
    default boolean needsNoAccount() {
        return false;
    }

    /** Whether {@code connectorTransactionId} has the shape of this PSP's payment ids (routing). */
    boolean claims(String connectorTransactionId);

    /** Refuses unknown or invalid {@code connector_options} with {@link RefundError.InvalidRequest}. */
    void validateOptions(Map<String, Object> options);

    /**
     * Refuses an amount the PSP cannot express (Stripe takes three-decimal currencies only in tens) with
     * {@link RefundError.InvalidRequest}, before anything is recorded.
     */
    default void validateAmount(Money amount) {
    }

    /** The payment's captured amount, when the PSP can tell it. */
    Uni<PaymentLookup> lookupPayment(ConnectorAccount account, String connectorTransactionId);

    /**
     * Submits the refund. Called again for the same refund after NotSent or Unknown: the PSP idempotency key
     * (or reference) must come from {@link Refund#pspReference()} so that a resend never refunds twice.
     */
    Uni<Outcome> submit(ConnectorAccount account, Refund refund);

    /** Whether the PSP has a refund status endpoint. */
    boolean canSync();

    /** Whether the PSP can cancel a refund still in flight. */
    default boolean canCancel() {
        return false;
    }

    /**
     * Whether the PSP would cancel a refund in this PSP status: a cancel it would refuse is answered 409 without
     * calling it. By default, any refund still in flight.
     */
    default boolean cancellableIn(String connectorStatus) {
        return canCancel();
    }

    /**
     * Asks the PSP to cancel the refund. A cancelled refund is {@link Outcome.Declined} with code
     * {@code refund_cancelled}; a PSP that refuses answers the refund's current status, or NotSent.
     */
    default Uni<Outcome> cancel(ConnectorAccount account, Refund refund) {
        return Uni.createFrom().item(new Outcome.NotSent(name() + " cannot cancel refunds"));
    }

    /** Whether the PSP sends refund webhooks that this connector can verify. */
    default boolean receivesWebhooks() {
        return false;
    }

    /**
     * Verifies a webhook delivery exactly as the PSP signs it and reads its events. Pure: no I/O.
     *
     * @param secret  the merchant's webhook secret for this PSP
     * @param headers request headers, names in lower case
     * @param body    the raw body, as received
     * @throws WebhookRejected when the delivery is not provably from the PSP
     */
    default java.util.List<WebhookEvent> verifyWebhook(String secret, java.util.Map<String, String> headers,
                                                       byte[] body, java.time.Instant now) {
        throw new WebhookRejected(name() + " sends no webhooks");
    }

    /** The body the PSP expects as acknowledgement (Adyen: {@code [accepted]}). */
    default String webhookAcknowledgement() {
        return "{\"received\":true}";
    }

    /**
     * The refund's current status at the PSP. A refund the PSP cannot find is Unknown, never NotFound: its
     * submission may still be on the way.
     */
    Uni<Outcome> sync(ConnectorAccount account, Refund refund);
}
