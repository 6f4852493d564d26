package dev.refract.connector.marqeta;

import dev.refract.outbound.PspAnswer;
import dev.refract.outbound.WireJson;
import dev.refract.refund.ErrorCode;
import dev.refract.refund.Money;
import dev.refract.refund.Outcome;
import dev.refract.refund.RefundError;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Marqeta's credit refund vocabulary, as pure functions
 * (https://www.marqeta.com/docs/core-api/credit-account-refunds).
 */
final class MarqetaMapping {

    private MarqetaMapping() {}

    static final Set<String> METHODS = Set.of("ACH", "CHECK");
    static final Set<String> TYPES = Set.of("PAYMENT_REFUND", "CREDIT_BALANCE_REFUND");
    static final Set<String> OPTIONS = Set.of("method", "type", "payment_source_token");
    private static final int MAX_DESCRIPTION = 255;

    /** method and type are required; payment_source_token optional, at most 36 characters. */
    static void validate(Map<String, Object> options) {
        require(options, "method", METHODS);
        require(options, "type", TYPES);
        Object source = options.get("payment_source_token");
        if (source != null && (!(source instanceof String s) || s.isEmpty() || s.length() > 36)) {
            throw RefundError.InvalidRequest.of(
                    "connector_options.payment_source_token",
                    "payment_source_token must be a string of 1 to 36 characters");
        }
    }

    private static void require(Map<String, Object> options, String key, Set<String> allowed) {
        Object value = options.get(key);
        if (!(value instanceof String s) || !allowed.contains(s)) {
            throw RefundError.InvalidRequest.of(
                    "connector_options." + key,
                    "Marqeta needs connector_options." + key + ", one of "
                            + allowed.stream().sorted().toList());
        }
    }

    /** Marqeta credit accounts refund in USD only. */
    static String unacceptable(Money amount) {
        return "USD".equals(amount.currency())
                ? null
                : "Marqeta credit refunds are in USD only, not " + amount.currency();
    }

    static MarqetaModels.CreateRefund request(String token, Map<String, Object> options, Money amount, String reason) {
        String description = reason == null
                ? null
                : reason.length() > MAX_DESCRIPTION ? reason.substring(0, MAX_DESCRIPTION) : reason;
        return new MarqetaModels.CreateRefund(
                token,
                (String) options.get("method"),
                (String) options.get("type"),
                (String) options.get("payment_source_token"),
                amount.toMajor(),
                amount.currency(),
                description);
    }

    /**
     * INITIATED, PENDING, PROCESSING, SUBMITTED are on the way; COMPLETED is done; CANCELLED ends it;
     * RETURNED can follow COMPLETED (the ACH transfer or check came back), so it may reverse a success.
     */
    static Outcome refund(MarqetaModels.Refund r) {
        return refund(r, null);
    }

    /**
     * The same, for a refund read from a credit account's list: the account it was listed under is its payment (a
     * refund object names no payment of ours, and a status read is asked under the refund's own account anyway).
     */
    static Outcome refund(MarqetaModels.Refund r, String accountToken) {
        Map<String, String> details = new LinkedHashMap<>();
        if (r.method() != null) {
            details.put("method", r.method());
        }
        if (r.type() != null) {
            details.put("type", r.type());
        }
        String status = r.status() == null ? "UNKNOWN" : r.status();
        return switch (status) {
            case "COMPLETED" -> new Outcome.Succeeded(r.token(), status, details, reported(r, accountToken));
            case "CANCELLED" ->
                new Outcome.Declined(
                        ErrorCode.REFUND_CANCELLED,
                        "the refund was cancelled at Marqeta",
                        status,
                        null,
                        r.token(),
                        status,
                        false,
                        details,
                        reported(r, accountToken));
            case "RETURNED" ->
                new Outcome.Declined(
                        ErrorCode.REFUND_RETURNED,
                        "the refund was returned",
                        status,
                        null,
                        r.token(),
                        status,
                        true,
                        details,
                        reported(r, accountToken));
            default -> new Outcome.Pending(r.token(), status, details, reported(r, accountToken));
        };
    }

    /**
     * Marqeta writes decimal major units with {@code currency_code}; it names the credit account refunded
     * ({@code account_token}, the refund's connector_transaction_id; a listed refund is of the account it was
     * listed under), and answers under the refund's token, which Refract chose (the refund's PSP reference): an
     * answer under another token is about another refund.
     */
    static Outcome.Reported reported(MarqetaModels.Refund r, String accountToken) {
        String currency = r.currencyCode() == null ? null : r.currencyCode().toUpperCase(Locale.ROOT);
        BigDecimal minor = r.amount() == null
                ? null
                : currency != null && Money.isKnownCurrency(currency)
                        ? r.amount().movePointRight(Money.exponent(currency))
                        : r.amount();
        String account = accountToken != null ? accountToken : r.accountToken();
        return Outcome.Reported.of(minor, currency, account).under(r.token());
    }

    /**
     * A Marqeta error answer (https://www.marqeta.com/docs/core-api/errors): {@code {error_code, error_message}},
     * the code six digits of which the first three are the HTTP status. Only such an answer is Marqeta's decision;
     * any other (an HTML page, an empty body, another JSON) came from something in between: Unknown. A read never
     * declines: Marqeta's own 404 for the refund's token says only that Marqeta has no such refund.
     */
    static Outcome error(PspAnswer answer, boolean creating) {
        if (answer.status() == 401 || answer.status() == 403) {
            return new Outcome.NotSent("Marqeta refused the merchant's credentials (" + answer.status() + ")");
        }
        MarqetaModels.ErrorBody e = WireJson.read(answer.body(), MarqetaModels.ErrorBody.class);
        String code = e == null ? null : e.errorCode();
        if (code == null || !code.matches("[0-9]{6}") || !code.startsWith(Integer.toString(answer.status()))) {
            return new Outcome.Unknown("HTTP " + answer.status() + " without Marqeta's error object");
        }
        String message = e.errorMessage() == null ? "Marqeta answered " + answer.status() : e.errorMessage();
        if (!creating) {
            return answer.status() == 404
                    ? new Outcome.Disowned(code, message)
                    : new Outcome.Unknown("Marqeta answered " + answer.status() + " to a status read (" + code + ")");
        }
        if (answer.status() == 409) {
            return new Outcome.Unknown("Marqeta answered 409 (" + code + ")");
        }
        if (answer.status() == 404) {
            return new Outcome.NotFound(code, message);
        }
        return Outcome.Declined.of(ErrorCode.REFUND_FAILED, message, code, message);
    }
}
