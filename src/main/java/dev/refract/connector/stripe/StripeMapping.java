package dev.refract.connector.stripe;

import dev.refract.connector.MinorUnits;
import dev.refract.outbound.PspAnswer;
import dev.refract.outbound.WireJson;
import dev.refract.refund.ErrorCode;
import dev.refract.refund.Money;
import dev.refract.refund.Outcome;
import dev.refract.refund.PaymentLookup;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** Stripe's refund vocabulary and amount rules, as pure functions. */
final class StripeMapping {

    private StripeMapping() {}

    /** The reasons Stripe accepts; any other reason travels in metadata (https://docs.stripe.com/api/refunds/create). */
    static final Set<String> REASONS = Set.of("duplicate", "fraudulent", "requested_by_customer");

    /** Zero-decimal currencies at Stripe (https://docs.stripe.com/currencies#zero-decimal). */
    private static final Set<String> ZERO_DECIMAL = Set.of(
            "BIF", "CLP", "DJF", "GNF", "JPY", "KMF", "KRW", "MGA", "PYG", "RWF", "UGX", "VND", "VUV", "XAF", "XOF",
            "XPF");
    /** Three-decimal currencies, accepted only in multiples of ten (https://docs.stripe.com/currencies#three-decimal). */
    private static final Set<String> THREE_DECIMAL = Set.of("BHD", "JOD", "KWD", "OMR", "TND");

    /**
     * Stripe's exponent of a currency. Every other currency is two-decimal at Stripe, ISK included (ISO: 0),
     * whose amounts are then always whole krónur, as Stripe requires (https://docs.stripe.com/currencies#special-cases).
     */
    static int exponent(String currency) {
        if (ZERO_DECIMAL.contains(currency)) {
            return 0;
        }
        return THREE_DECIMAL.contains(currency) ? 3 : 2;
    }

    /** Why Stripe would refuse this amount, or null when it can take it. */
    static String unacceptable(Money amount) {
        try {
            long stripe = MinorUnits.toPsp(amount, exponent(amount.currency()));
            if (THREE_DECIMAL.contains(amount.currency()) && stripe % 10 != 0) {
                return "Stripe takes " + amount.currency() + " amounts in multiples of 10 minor units; "
                        + amount.minorAmount() + " is not";
            }
            return null;
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }

    static long amount(Money money) {
        return MinorUnits.toPsp(money, exponent(money.currency()));
    }

    /** The create request, form-encoded, with only parameters Stripe accepts. */
    static String createForm(
            String paymentId, Money amount, String reason, Map<String, String> metadata, String merchantRefundId) {
        Map<String, String> form = new TreeMap<>();
        form.put(paymentId.startsWith("ch_") ? "charge" : "payment_intent", paymentId);
        form.put("amount", Long.toString(amount(amount)));
        Map<String, String> meta = new TreeMap<>(metadata);
        if (reason != null && REASONS.contains(reason)) {
            form.put("reason", reason);
        } else if (reason != null) {
            meta.put("refund_reason", reason.length() > 500 ? reason.substring(0, 500) : reason);
        }
        meta.put("merchant_refund_id", merchantRefundId);
        meta.forEach((k, v) -> form.put("metadata[" + k + "]", v));
        StringBuilder body = new StringBuilder();
        form.forEach((k, v) -> {
            if (body.length() > 0) {
                body.append('&');
            }
            body.append(URLEncoder.encode(k, StandardCharsets.UTF_8))
                    .append('=')
                    .append(URLEncoder.encode(v, StandardCharsets.UTF_8));
        });
        return body.toString();
    }

    /**
     * A refund object into an outcome (https://docs.stripe.com/api/refunds/object#refund_object-status).
     * {@code failed} can follow {@code succeeded} (the card network returned the money), so it may reverse a
     * success; an unknown status is pending, never final.
     */
    static Outcome refund(StripeModels.Refund r) {
        String status = r.status() == null ? "unknown" : r.status();
        return switch (status) {
            case "succeeded" -> new Outcome.Succeeded(r.id(), status, Map.of(), reported(r));
            case "failed" ->
                new Outcome.Declined(
                        ErrorCode.REFUND_FAILED,
                        "Stripe could not complete the refund"
                                + (r.failureReason() != null ? ": " + r.failureReason() : ""),
                        r.failureReason(),
                        null,
                        r.id(),
                        status,
                        true,
                        Map.of(),
                        reported(r));
            case "canceled" ->
                new Outcome.Declined(
                        ErrorCode.REFUND_CANCELLED,
                        "the refund was cancelled at Stripe",
                        null,
                        null,
                        r.id(),
                        status,
                        false,
                        Map.of(),
                        reported(r));
            default -> new Outcome.Pending(r.id(), status, Map.of(), reported(r));
        };
    }

    /**
     * The amount (in Stripe's units for the currency), currency and payment the refund object names: the
     * PaymentIntent first, since that is the id merchants refund by today (charges are the older API); and the
     * merchant_refund_id its metadata echoes.
     */
    static Outcome.Reported reported(StripeModels.Refund r) {
        return Outcome.Reported.of(
                        MinorUnits.reported(r.amount(), r.currency(), StripeMapping::exponent),
                        r.currency(),
                        r.paymentIntent(),
                        r.charge())
                .echoing(r.metadata() == null ? null : r.metadata().merchantRefundId());
    }

    /** The error types of Stripe's error object (https://docs.stripe.com/api/errors). */
    private static final Set<String> ERROR_TYPES =
            Set.of("api_error", "card_error", "idempotency_error", "invalid_request_error");

    /**
     * A Stripe error answer into an outcome (https://docs.stripe.com/error-codes). Only Stripe's own error object
     * ({@code {"error": {"type", "code", "message"}}}, a type Stripe documents) is Stripe's decision; any other
     * answer (an HTML page, an empty body, another JSON) came from something in between and says nothing: Unknown.
     * {@code creating}: whether the call created a refund or read one. A read never declines: only Stripe's
     * {@code resource_missing} for the refund's id says something, that Stripe has no such refund.
     */
    static Outcome error(PspAnswer answer, boolean creating) {
        if (answer.status() == 401 || answer.status() == 403) {
            // nothing happened at Stripe: keep the refund and let the janitor retry once credentials are fixed
            return new Outcome.NotSent("Stripe refused the merchant's credentials (" + answer.status() + ")");
        }
        StripeModels.ErrorBody body = WireJson.read(answer.body(), StripeModels.ErrorBody.class);
        StripeModels.Error e = body == null ? null : body.error();
        if (e == null || e.type() == null || !ERROR_TYPES.contains(e.type())) {
            return new Outcome.Unknown("HTTP " + answer.status() + " without Stripe's error object");
        }
        String code = e.code() == null ? "" : e.code();
        if (!creating) {
            return answer.status() == 404 && "resource_missing".equals(code)
                    ? new Outcome.Disowned(code, e.message())
                    : new Outcome.Unknown("Stripe answered " + answer.status() + " to a status read ("
                            + (code.isEmpty() ? e.type() : code) + ")");
        }
        if (answer.status() == 409 || "idempotency_error".equals(e.type()) || "api_error".equals(e.type())) {
            // another request with the key in flight, the key used before, or Stripe's own failure: the refund
            // may exist, so it is resent with the same key and never declined
            return new Outcome.Unknown("Stripe answered " + answer.status() + " " + e.type());
        }
        return switch (code) {
            case "resource_missing" -> new Outcome.NotFound(code, e.message());
            case "amount_too_large" ->
                Outcome.Declined.of(ErrorCode.AMOUNT_EXCEEDS_REFUNDABLE, e.message(), code, e.message());
            default ->
                Outcome.Declined.of(
                        ErrorCode.REFUND_FAILED,
                        e.message() != null ? e.message() : "Stripe declined",
                        code.isEmpty() ? e.type() : code,
                        e.message());
        };
    }

    /** The captured amount of a payment intent or charge, converted to ISO minor units. */
    static PaymentLookup captured(PspAnswer answer, boolean charge) {
        if (answer.status() == 404) {
            StripeModels.ErrorBody body = WireJson.read(answer.body(), StripeModels.ErrorBody.class);
            String message = body != null && body.error() != null ? body.error().message() : "no such payment";
            return new PaymentLookup.NotFound("resource_missing", message);
        }
        if (!answer.ok()) {
            // its credentials refused, or its own failure: asked again later, Stripe may answer
            return new PaymentLookup.Unreachable("Stripe answered " + answer.status());
        }
        Long captured;
        String currency;
        Map<String, String> metadata;
        if (charge) {
            StripeModels.Charge c = WireJson.read(answer.body(), StripeModels.Charge.class);
            captured = c == null ? null : c.amountCaptured();
            currency = c == null ? null : c.currency();
            metadata = c == null ? null : c.metadata();
        } else {
            StripeModels.PaymentIntent pi = WireJson.read(answer.body(), StripeModels.PaymentIntent.class);
            captured = pi == null ? null : pi.amountReceived();
            currency = pi == null ? null : pi.currency();
            metadata = pi == null ? null : pi.metadata();
        }
        if (captured == null
                || captured <= 0
                || currency == null
                || !Money.isKnownCurrency(currency.toUpperCase(Locale.ROOT))) {
            // nothing captured (yet): Stripe itself will decline, with its own words
            return new PaymentLookup.Unavailable("no captured amount");
        }
        String iso = currency.toUpperCase(Locale.ROOT);
        return new PaymentLookup.Captured(
                MinorUnits.fromPsp(captured, iso, exponent(iso)), metadata == null ? Map.of() : metadata);
    }
}
