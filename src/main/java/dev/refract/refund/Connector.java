package dev.refract.refund;

import io.smallrye.mutiny.Uni;
import java.util.Map;

/**
 * The PSP port: a stateless translator between a refund and one PSP's API. It reports outcomes and decides
 * nothing; every method completes on the caller's Vert.x context, and never fails for a PSP answer: failures
 * are {@link Outcome}s. Implementations are CDI beans found by the {@link ConnectorRegistry}. What only some
 * PSPs can do has its own small port, which a connector implements where its PSP can: {@link SyncsRefunds},
 * {@link CancelsRefunds}, {@link VerifiesWebhooks}.
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

    /** Whether it runs inside Refract rather than calling a PSP over the network (the sandbox): it has no breaker. */
    default boolean inProcess() {
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
    default void validateAmount(Money amount) {}

    /** The payment's captured amount, when the PSP can tell it. */
    Uni<PaymentLookup> lookupPayment(ConnectorAccount account, String connectorTransactionId);

    /**
     * Submits the refund. Called again for the same refund after NotSent or Unknown: the PSP idempotency key
     * (or reference) must come from {@link Refund#pspReference()} so that a resend never refunds twice.
     */
    Uni<Outcome> submit(ConnectorAccount account, Refund refund);
}
