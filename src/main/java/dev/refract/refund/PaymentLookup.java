package dev.refract.refund;

import java.util.Map;
import java.util.TreeMap;

/** What a PSP says of a captured payment before a refund is recorded. */
public sealed interface PaymentLookup {

    /**
     * The captured amount, which lets the core decide omitted amounts and over-refunds before calling the PSP, and
     * the metadata the PSP holds for the payment (what the customer's wallet of an external refund is found by).
     */
    record Captured(Money amount, Map<String, String> metadata) implements PaymentLookup {
        public Captured {
            Map<String, String> present = new TreeMap<>();
            metadata.forEach((k, v) -> {
                if (k != null && v != null) {
                    present.put(k, v);
                }
            });
            metadata = Map.copyOf(present);
        }

        public Captured(Money amount) {
            this(amount, Map.of());
        }
    }

    /** The PSP does not know the payment: answered 404 without recording anything. */
    record NotFound(String connectorCode, String connectorMessage) implements PaymentLookup {}

    /**
     * The connector cannot tell, now or later (no lookup endpoint, an answer without a captured amount): the
     * request's own amount must do.
     */
    record Unavailable(String reason) implements PaymentLookup {}

    /**
     * The PSP could not be asked now (the call failed, timed out, or was answered with an error): the request's own
     * amount must do, and what cannot do without the answer (the wallet of an external refund) waits for a retry.
     */
    record Unreachable(String reason) implements PaymentLookup {}
}
