package dev.refract.connector.sandbox;

import dev.refract.refund.Connector;
import dev.refract.refund.ConnectorAccount;
import dev.refract.refund.ErrorCode;
import dev.refract.refund.Outcome;
import dev.refract.refund.PaymentLookup;
import dev.refract.refund.Refund;
import dev.refract.refund.RefundError;
import dev.refract.refund.SyncsRefunds;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The built-in sandbox PSP: no network, no credentials. Payment ids {@code sbx_<minor>_<CUR>[_…]} are captured
 * payments of that amount; {@code connector_options.sandbox_outcome} chooses how the PSP answers.
 */
@ApplicationScoped
public class SandboxConnector implements Connector, SyncsRefunds {

    static final String NAME = "sandbox";

    private final SandboxSettings settings;
    private final Vertx vertx;
    private final SandboxPsp psp;

    SandboxConnector(SandboxSettings settings, Vertx vertx) {
        this.settings = settings;
        this.vertx = vertx;
        this.psp = new SandboxPsp(settings.retention(), settings.maxRefunds(), settings.maxPayments());
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean available() {
        return settings.enabled();
    }

    @Override
    public boolean needsNoAccount() {
        return true;
    }

    @Override
    public boolean inProcess() {
        return true;
    }

    @Override
    public boolean claims(String connectorTransactionId) {
        return connectorTransactionId.startsWith("sbx_");
    }

    @Override
    public void validateOptions(Map<String, Object> options) {
        SandboxBehaviour.of(options);
    }

    @Override
    public void validateAccount(Map<String, String> credentials, Map<String, String> settings) {
        if (!credentials.isEmpty()) {
            throw RefundError.InvalidRequest.of("credentials", "the sandbox takes no credentials");
        }
    }

    @Override
    public Uni<PaymentLookup> lookupPayment(ConnectorAccount account, String connectorTransactionId) {
        return afterLatency(() -> SandboxPsp.captured(connectorTransactionId)
                .<PaymentLookup>map(PaymentLookup.Captured::new)
                .orElseGet(() ->
                        new PaymentLookup.NotFound("resource_missing", "No such payment: " + connectorTransactionId)));
    }

    @Override
    public Uni<Outcome> submit(ConnectorAccount account, Refund refund) {
        return afterLatency(() -> {
            if (SandboxPsp.captured(refund.connectorTransactionId()).isEmpty()) {
                return new Outcome.NotFound("resource_missing", "No such payment: " + refund.connectorTransactionId());
            }
            Instant now = Instant.now();
            SandboxPsp.Answer answer = psp.submit(
                    refund.merchantId(),
                    refund.connectorTransactionId(),
                    refund.pspReference(),
                    refund.amount(),
                    SandboxBehaviour.of(refund.connectorOptions()),
                    refund.createdAt() == null ? now : refund.createdAt(),
                    now);
            if (answer instanceof SandboxPsp.Answer.Refunded r) {
                // a refund that settles later is always answered pending first, even with a settle time of 0
                return r.first() && r.refund().settlesLater()
                        ? new Outcome.Pending(r.refund().id(), "pending", Map.of(), reported(r.refund()))
                        : outcomeOf(r.refund(), now);
            }
            if (answer instanceof SandboxPsp.Answer.Declined d) {
                ErrorCode code = switch (d.code()) {
                    case "amount_too_large" -> ErrorCode.AMOUNT_EXCEEDS_REFUNDABLE;
                    case "currency_mismatch" -> ErrorCode.CURRENCY_MISMATCH;
                    default -> ErrorCode.REFUND_FAILED;
                };
                return new Outcome.Declined(
                        code, d.message(), d.code(), d.message(), null, "declined", false, Map.of());
            }
            if (answer instanceof SandboxPsp.Answer.Forgotten f) {
                return new Outcome.Unknown("the sandbox PSP no longer holds refunds created up to " + f.forgottenUpTo()
                        + "; this one may be among them, so it made none");
            }
            if (answer instanceof SandboxPsp.Answer.TimedOut) {
                return new Outcome.Unknown("the sandbox PSP did not answer in time");
            }
            return new Outcome.Unknown("the sandbox PSP answered 500");
        });
    }

    @Override
    public Uni<Outcome> sync(ConnectorAccount account, Refund refund) {
        return afterLatency(() -> psp.find(refund.pspReference(), Instant.now())
                .map(r -> outcomeOf(r, Instant.now()))
                .orElseGet(() -> new Outcome.Unknown("the sandbox PSP has no refund " + refund.pspReference())));
    }

    /** How many refunds the simulated PSP made for a payment: what a PSP dashboard would show. */
    public long refundsAtPsp(String merchantId, String connectorTransactionId) {
        return psp.refundCount(merchantId, connectorTransactionId);
    }

    private static Outcome outcomeOf(SandboxPsp.SandboxRefund refund, Instant now) {
        return refund.statusAt(now) == SandboxPsp.Status.SUCCEEDED
                ? new Outcome.Succeeded(refund.id(), "succeeded", Map.of(), reported(refund))
                : new Outcome.Pending(refund.id(), "pending", Map.of(), reported(refund));
    }

    /**
     * What the sandbox's books hold for the refund, as a real PSP's answer names it: its answers are held to the
     * refund like any PSP's, though they are made from the same request and so always agree.
     */
    static Outcome.Reported reported(SandboxPsp.SandboxRefund refund) {
        String paymentKey = refund.paymentKey();
        return Outcome.Reported.of(
                BigDecimal.valueOf(refund.amount().minorAmount()),
                refund.amount().currency(),
                paymentKey.substring(paymentKey.indexOf('/') + 1));
    }

    /** Answers after the configured latency, on the caller's Vert.x context (a timer set there fires there). */
    private <T> Uni<T> afterLatency(Supplier<T> answer) {
        long millis = settings.latency().toMillis();
        if (millis <= 0) {
            return Uni.createFrom().item(answer);
        }
        return Uni.createFrom()
                .emitter(emitter -> vertx.setTimer(millis, id -> {
                    try {
                        emitter.complete(answer.get());
                    } catch (RuntimeException e) {
                        emitter.fail(e);
                    }
                }));
    }
}
