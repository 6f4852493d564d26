package dev.refract.connector.charges;

import dev.refract.outbound.PspAnswer;
import dev.refract.outbound.WireJson;
import dev.refract.refund.ErrorCode;
import dev.refract.refund.Money;
import dev.refract.refund.Outcome;
import java.math.BigDecimal;
import java.util.Map;
import java.util.Set;

/** The charges API's vocabulary (seed 002: POST /refunds), as pure functions. */
final class ChargesMapping {

    private ChargesMapping() {}

    static final Set<String> REASONS = Set.of("duplicate", "fraudulent", "requested_by_customer");

    /** EXACTLY ONE target: {@code ch_…} as chargeId, {@code pi_…} as paymentIntentId. Amounts are strings. */
    static ChargesModels.CreateRefund request(String paymentId, Money amount, String reason) {
        boolean charge = paymentId.startsWith("ch_");
        return new ChargesModels.CreateRefund(
                charge ? paymentId : null,
                charge ? null : paymentId,
                Long.toString(amount.minorAmount()),
                reason != null && REASONS.contains(reason) ? reason : null);
    }

    /** A refund; its balance transaction (the ledger reversal) is kept in connector_details. */
    static Outcome refund(ChargesModels.Refund r) {
        return refund(r, null);
    }

    /**
     * @param paymentId the payment the refund was asked for, when known: a refund asked by {@code chargeId} must
     *     name that charge; one asked by {@code paymentIntentId} names the intent's charge, which cannot be checked
     */
    static Outcome refund(ChargesModels.Refund r, String paymentId) {
        Map<String, String> details =
                r.balanceTransactionId() == null ? Map.of() : Map.of("balanceTransactionId", r.balanceTransactionId());
        String status = r.status() == null ? "unknown" : r.status();
        return switch (status) {
            case "succeeded" -> new Outcome.Succeeded(r.id(), status, details, reported(r, paymentId));
            case "failed" ->
                new Outcome.Declined(
                        ErrorCode.REFUND_FAILED,
                        "the refund failed",
                        status,
                        null,
                        r.id(),
                        status,
                        true,
                        details,
                        reported(r, paymentId));
            case "canceled" ->
                new Outcome.Declined(
                        ErrorCode.REFUND_CANCELLED,
                        "the refund was cancelled",
                        status,
                        null,
                        r.id(),
                        status,
                        false,
                        details,
                        reported(r, paymentId));
            default -> new Outcome.Pending(r.id(), status, details, reported(r, paymentId));
        };
    }

    /** The amount is a string of ISO minor units; one that is not a number is reported as no amount. */
    private static Outcome.Reported reported(ChargesModels.Refund r, String paymentId) {
        BigDecimal amount;
        try {
            amount = r.amount() == null ? null : new BigDecimal(r.amount());
        } catch (NumberFormatException e) {
            amount = null;
        }
        return Outcome.Reported.of(
                amount, r.currency(), paymentId != null && paymentId.startsWith("ch_") ? r.chargeId() : null);
    }

    /**
     * The charges API's error answer: a JSON object with its machine {@code code} (and a {@code message}). Only such
     * an answer is the API's decision; any other (an HTML page, an empty body, JSON without a code) came from
     * something in between and says nothing: Unknown, resent with the same key. A 409 (the key in use) may hide a
     * refund: Unknown too.
     */
    static Outcome error(PspAnswer answer) {
        if (answer.status() == 401 || answer.status() == 403) {
            return new Outcome.NotSent("the charges API refused the merchant's credentials (" + answer.status() + ")");
        }
        ChargesModels.ErrorBody e = WireJson.read(answer.body(), ChargesModels.ErrorBody.class);
        String code = e == null ? null : e.code();
        if (code == null || code.isBlank()) {
            return new Outcome.Unknown("HTTP " + answer.status() + " without the charges API's error code");
        }
        String message = e.message() != null ? e.message() : e.error();
        if (message == null) {
            message = "the charges API answered " + answer.status();
        }
        if (answer.status() == 409) {
            return new Outcome.Unknown("the charges API answered 409 (" + code + ")");
        }
        if (answer.status() == 404) {
            return new Outcome.NotFound(code, message);
        }
        return Outcome.Declined.of(ErrorCode.REFUND_FAILED, message, code, message);
    }
}
