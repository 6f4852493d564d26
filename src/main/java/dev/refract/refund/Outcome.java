package dev.refract.refund;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What one PSP call ended in. Connectors only report outcomes; {@link RefundStateMachine} alone turns
 * them into state. A PSP status a connector does not know is {@link Pending}, never a final outcome.
 */
public sealed interface Outcome {

    /** The PSP's own last status word, verbatim, when it gave one. */
    default String connectorStatus() {
        return null;
    }

    default String connectorRefundId() {
        return null;
    }

    default Map<String, String> details() {
        return Map.of();
    }

    /** What the PSP's answer says the refund is; checked against the refund before anything is believed. */
    default Reported reported() {
        return Reported.NOTHING;
    }

    /**
     * The refund as the PSP described it in its answer, each part null (or empty) when the answer did not say.
     * {@code minorAmount} is in ISO minor units, exact: a PSP amount that is no whole number of them (Stripe's ISK
     * in hundredths) stays fractional, so it can never pass for the amount asked. {@code paymentIds}: every id of the
     * refunded payment the answer names (Stripe names the charge and the PaymentIntent); the refund's own payment
     * id must be among them. {@code merchantRefundId}: the merchant_refund_id Refract sent, as the PSP echoes it
     * (Stripe's and Exodus's metadata, Adyen's reference). {@code pspReference}: Refract's PSP reference of the
     * refund, where the PSP answers under it (Marqeta's refund token). {@code account}: the PSP account the answer
     * is for, where it names one, next to the one the request was sent to.
     */
    record Reported(
            BigDecimal minorAmount,
            String currency,
            List<String> paymentIds,
            String merchantRefundId,
            String pspReference,
            Account account) {
        public static final Reported NOTHING = new Reported(null, null, List.of());

        /** Currencies upper case as ISO writes them (Stripe writes {@code usd}); absent or blank parts dropped. */
        public Reported {
            currency = currency == null || currency.isBlank() ? null : currency.toUpperCase(Locale.ROOT);
            paymentIds = paymentIds.stream()
                    .filter(id -> id != null && !id.isBlank())
                    .toList();
            merchantRefundId = merchantRefundId == null || merchantRefundId.isBlank() ? null : merchantRefundId;
            pspReference = pspReference == null || pspReference.isBlank() ? null : pspReference;
            account = account == null
                            || account.named() == null
                            || account.named().isBlank()
                    ? null
                    : account;
        }

        public Reported(BigDecimal minorAmount, String currency, List<String> paymentIds) {
            this(minorAmount, currency, paymentIds, null, null, null);
        }

        public static Reported of(BigDecimal minorAmount, String currency, String... paymentIds) {
            return new Reported(minorAmount, currency, Arrays.asList(paymentIds));
        }

        /** The same, echoing the merchant_refund_id the PSP holds for the refund. */
        public Reported echoing(String merchantRefundId) {
            return new Reported(minorAmount, currency, paymentIds, merchantRefundId, pspReference, account);
        }

        /** The same, under the PSP reference the PSP holds for the refund (a refund id Refract chose). */
        public Reported under(String pspReference) {
            return new Reported(minorAmount, currency, paymentIds, merchantRefundId, pspReference, account);
        }

        /** The same, for the PSP account {@code named} by the answer to a request sent to {@code asked}. */
        public Reported forAccount(String asked, String named) {
            return new Reported(
                    minorAmount, currency, paymentIds, merchantRefundId, pspReference, new Account(asked, named));
        }
    }

    /** The PSP account an answer names, and the one the request went to: they must be the same. */
    record Account(String asked, String named) {}

    /** The refund is done at the PSP. */
    record Succeeded(String connectorRefundId, String connectorStatus, Map<String, String> details, Reported reported)
            implements Outcome {
        public Succeeded {
            details = Map.copyOf(details);
        }

        public Succeeded(String connectorRefundId, String connectorStatus, Map<String, String> details) {
            this(connectorRefundId, connectorStatus, details, Reported.NOTHING);
        }
    }

    /** The PSP accepted the refund; the final answer comes later. */
    record Pending(String connectorRefundId, String connectorStatus, Map<String, String> details, Reported reported)
            implements Outcome {
        public Pending {
            details = Map.copyOf(details);
        }

        public Pending(String connectorRefundId, String connectorStatus, Map<String, String> details) {
            this(connectorRefundId, connectorStatus, details, Reported.NOTHING);
        }
    }

    /**
     * A definite business failure. {@code code} is the API's error code ({@code refund_failed},
     * {@code amount_exceeds_refundable}, {@code refund_cancelled}, {@code refund_returned} …).
     * {@code reversesSuccess} marks the PSP statuses that may legitimately fail a refund that had succeeded
     * (Stripe {@code failed}, Adyen {@code REFUNDED_REVERSED}, Marqeta {@code RETURNED}). {@code reported}: the
     * refund the failure is about, where the PSP's answer describes one (a refund object in a failed status, a
     * failure notification); a failure of another refund fails nothing of this one.
     */
    record Declined(
            ErrorCode code,
            String message,
            String connectorCode,
            String connectorMessage,
            String connectorRefundId,
            String connectorStatus,
            boolean reversesSuccess,
            Map<String, String> details,
            Reported reported)
            implements Outcome {
        public Declined {
            details = Map.copyOf(details);
        }

        /** A failure that describes no refund (an error answer): it can contradict nothing. */
        public Declined(
                ErrorCode code,
                String message,
                String connectorCode,
                String connectorMessage,
                String connectorRefundId,
                String connectorStatus,
                boolean reversesSuccess,
                Map<String, String> details) {
            this(
                    code,
                    message,
                    connectorCode,
                    connectorMessage,
                    connectorRefundId,
                    connectorStatus,
                    reversesSuccess,
                    details,
                    Reported.NOTHING);
        }

        public static Declined of(ErrorCode code, String message, String connectorCode, String connectorMessage) {
            return new Declined(code, message, connectorCode, connectorMessage, null, null, false, Map.of());
        }
    }

    /** The PSP does not know the payment. */
    record NotFound(String connectorCode, String connectorMessage) implements Outcome {}

    /**
     * The PSP said, in its own documented words, that it has no such refund (Stripe's {@code resource_missing} on
     * {@code GET /v1/refunds/{id}}). Only a status read answers it. For a refund the PSP gave an id for, that
     * contradicts what the PSP told us before: MANUAL_REVIEW, the amount kept reserved. For one it never named, the
     * submission may still be on its way, so it is no more than Unknown.
     */
    record Disowned(String connectorCode, String connectorMessage) implements Outcome {}

    /** Provably never reached the PSP (connection refused, circuit open): safe to send again. */
    record NotSent(String reason) implements Outcome {}

    /** May have reached the PSP (timeout, 5xx, reset): resend only with the same idempotency key, or sync. */
    record Unknown(String reason) implements Outcome {}
}
