package dev.refract.connector.exodus;

import dev.refract.outbound.PspAnswer;
import dev.refract.outbound.WireJson;
import dev.refract.refund.ErrorCode;
import dev.refract.refund.Outcome;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** Exodus Pay's refund vocabulary (https://docs.exodus.com — Create Refund), as pure functions. */
final class ExodusMapping {

    private ExodusMapping() {}

    static final Set<String> REASONS = Set.of("duplicate", "fraudulent", "requested_by_customer");

    /** A free-text reason is not one of Exodus's; it travels in metadata instead. */
    static ExodusModels.CreateRefund request(
            String paymentId, long amount, String reason, Map<String, String> metadata, String merchantRefundId) {
        Map<String, String> meta = new LinkedHashMap<>(metadata);
        String sent = null;
        if (reason != null && REASONS.contains(reason)) {
            sent = reason;
        } else if (reason != null) {
            meta.put("refund_reason", reason);
        }
        meta.put("merchant_refund_id", merchantRefundId);
        return new ExodusModels.CreateRefund(paymentId, amount, sent, meta);
    }

    /**
     * A refund object. The on-chain transfer starts {@code pending}; {@code succeeded} (also {@code completed})
     * once confirmed; {@code failed} and {@code canceled} end it. Anything else is still pending.
     */
    static Outcome refund(ExodusModels.Refund r) {
        Map<String, String> details = new LinkedHashMap<>();
        put(details, "stablecoin", r.stablecoin());
        put(details, "network", r.network());
        put(details, "destination_address", r.destinationAddress());
        put(details, "transaction_hash", r.transactionHash());
        String status = r.status() == null ? "unknown" : r.status();
        return switch (status) {
            case "succeeded", "completed" -> new Outcome.Succeeded(r.id(), status, details, reported(r));
            case "failed" ->
                new Outcome.Declined(
                        ErrorCode.REFUND_FAILED,
                        "the on-chain refund failed",
                        status,
                        null,
                        r.id(),
                        status,
                        true,
                        details,
                        reported(r));
            case "canceled", "cancelled" ->
                new Outcome.Declined(
                        ErrorCode.REFUND_CANCELLED,
                        "the refund was cancelled at Exodus",
                        status,
                        null,
                        r.id(),
                        status,
                        false,
                        details,
                        reported(r));
            default -> new Outcome.Pending(r.id(), status, details, reported(r));
        };
    }

    /** Exodus writes ISO minor units, names the payment, and returns the metadata the refund was created with. */
    private static Outcome.Reported reported(ExodusModels.Refund r) {
        return Outcome.Reported.of(
                        r.amount() == null ? null : BigDecimal.valueOf(r.amount()), r.currency(), r.paymentId())
                .echoing(r.metadata() == null ? null : r.metadata().merchantRefundId());
    }

    /**
     * Exodus errors: {@code invalid_request} (not refundable) is a decline, {@code validation_error} on amount a 422.
     * Only Exodus's own error object ({@code {"error": {"type", "message"}}}) is Exodus's decision; any other answer
     * came from something in between and says nothing: Unknown. A read never declines: Exodus's own 404 for the
     * refund's id says only that Exodus has no such refund. A 409 (the key in use) may hide a refund: Unknown.
     */
    static Outcome error(PspAnswer answer, boolean creating) {
        if (answer.status() == 401 || answer.status() == 403) {
            return new Outcome.NotSent("Exodus refused the merchant's credentials (" + answer.status() + ")");
        }
        ExodusModels.ErrorBody body = WireJson.read(answer.body(), ExodusModels.ErrorBody.class);
        ExodusModels.Error e = body == null ? null : body.error();
        if (e == null || e.type() == null) {
            return new Outcome.Unknown("HTTP " + answer.status() + " without Exodus's error object");
        }
        if (!creating) {
            return answer.status() == 404
                    ? new Outcome.Disowned(e.type(), e.message())
                    : new Outcome.Unknown(
                            "Exodus answered " + answer.status() + " to a status read (" + e.type() + ")");
        }
        if (answer.status() == 409) {
            return new Outcome.Unknown("Exodus answered 409 (" + e.type() + ")");
        }
        if (answer.status() == 404) {
            return new Outcome.NotFound(e.type(), e.message());
        }
        if ("validation_error".equals(e.type()) && "amount".equals(e.param())) {
            return Outcome.Declined.of(ErrorCode.AMOUNT_EXCEEDS_REFUNDABLE, e.message(), e.type(), e.message());
        }
        return Outcome.Declined.of(ErrorCode.REFUND_FAILED, e.message(), e.type(), e.message());
    }

    private static void put(Map<String, String> details, String key, String value) {
        if (value != null) {
            details.put(key, value);
        }
    }
}
