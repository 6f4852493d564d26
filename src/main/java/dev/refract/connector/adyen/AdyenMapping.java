package dev.refract.connector.adyen;

import dev.refract.connector.MinorUnits;
import dev.refract.outbound.PspAnswer;
import dev.refract.outbound.WireJson;
import dev.refract.refund.ErrorCode;
import dev.refract.refund.Money;
import dev.refract.refund.Outcome;
import java.math.BigDecimal;
import java.util.Locale;
import java.util.Map;

/** Adyen's refund vocabulary and currency rules, as pure functions. */
final class AdyenMapping {

    private AdyenMapping() {}

    /**
     * Where Adyen's minor units differ from ISO 4217 (https://docs.adyen.com/development-resources/currency-codes):
     * CLP and ISK are two-decimal at Adyen, CVE zero-decimal.
     */
    static int exponent(String currency) {
        return switch (currency) {
            case "CLP", "ISK" -> 2;
            case "CVE" -> 0;
            default -> Money.exponent(currency);
        };
    }

    static AdyenModels.Amount amount(Money money) {
        return new AdyenModels.Amount(money.currency(), MinorUnits.toPsp(money, exponent(money.currency())));
    }

    /**
     * The merchant's reason in Adyen's vocabulary (merchantRefundReason: FRAUD, CUSTOMER REQUEST, RETURN,
     * DUPLICATE, OTHER); free text becomes OTHER.
     */
    static String reason(String reason) {
        if (reason == null) {
            return null;
        }
        return switch (reason.toLowerCase(Locale.ROOT)) {
            case "fraudulent", "fraud" -> "FRAUD";
            case "requested_by_customer", "customer request" -> "CUSTOMER REQUEST";
            case "duplicate" -> "DUPLICATE";
            case "return" -> "RETURN";
            default -> "OTHER";
        };
    }

    /**
     * The create answer. Adyen only acknowledges ({@code received}): the outcome comes later in a REFUND
     * webhook, so every acknowledged refund is pending. The answer names the merchant account it was made under,
     * which must be the one the request was sent to ({@code merchantAccount}), and echoes the request's reference.
     */
    static Outcome created(PspAnswer answer, String merchantAccount) {
        AdyenModels.RefundResponse r = WireJson.read(answer.body(), AdyenModels.RefundResponse.class);
        if (r == null || r.pspReference() == null) {
            return new Outcome.Unknown("unreadable Adyen answer");
        }
        return new Outcome.Pending(
                r.pspReference(),
                r.status() == null ? "received" : r.status(),
                Map.of(),
                reported(
                                r.amount() == null ? null : r.amount().value(),
                                r.amount() == null ? null : r.amount().currency(),
                                r.paymentPspReference())
                        .echoing(r.reference())
                        .forAccount(merchantAccount, r.merchantAccount()));
    }

    /** An amount in Adyen's units, its currency and the payment's pspReference, as an answer reports them. */
    static Outcome.Reported reported(Long value, String currency, String paymentPspReference) {
        return reported(value == null ? null : BigDecimal.valueOf(value), currency, paymentPspReference);
    }

    /** The same for a value as a notification writes it, exactly: a fraction, or a number past a long, stays one. */
    static Outcome.Reported reported(BigDecimal value, String currency, String paymentPspReference) {
        return Outcome.Reported.of(
                MinorUnits.reported(value, currency, AdyenMapping::exponent), currency, paymentPspReference);
    }

    /**
     * An Adyen error answer (https://docs.adyen.com/development-resources/response-handling). Only Adyen's own
     * error object ({@code status, errorCode, message, errorType}) is Adyen's decision; any other answer (an HTML
     * page, an empty body, another JSON) came from something in between: Unknown, resent with the same key. A 409
     * is Adyen's idempotency conflict (the same key in flight or used before): the refund may exist, so Unknown too.
     */
    static Outcome error(PspAnswer answer) {
        if (answer.status() == 401 || answer.status() == 403) {
            return new Outcome.NotSent("Adyen refused the merchant's credentials (" + answer.status() + ")");
        }
        AdyenModels.ServiceError e = WireJson.read(answer.body(), AdyenModels.ServiceError.class);
        if (e == null || e.errorCode() == null || e.errorType() == null) {
            return new Outcome.Unknown("HTTP " + answer.status() + " without Adyen's error object");
        }
        String code = e.errorCode();
        String message = e.message() == null ? "Adyen answered " + answer.status() : e.message();
        if (answer.status() == 409) {
            return new Outcome.Unknown("Adyen answered 409 (" + code + ")");
        }
        if (answer.status() == 404) {
            return new Outcome.NotFound(code, message);
        }
        if ("137".equals(code)) { // Invalid amount specified
            return Outcome.Declined.of(ErrorCode.AMOUNT_EXCEEDS_REFUNDABLE, message, code, message);
        }
        return Outcome.Declined.of(ErrorCode.REFUND_FAILED, message, code, message);
    }
}
