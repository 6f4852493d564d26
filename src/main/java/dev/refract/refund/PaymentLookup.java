package dev.refract.refund;

/** What a PSP says of a captured payment before a refund is recorded. */
public sealed interface PaymentLookup {

    /** The captured amount; lets the core decide omitted amounts and over-refunds before calling the PSP. */
    record Captured(Money amount) implements PaymentLookup {
    }

    /** The PSP does not know the payment: answered 404 without recording anything. */
    record NotFound(String connectorCode, String connectorMessage) implements PaymentLookup {
    }

    /** The connector cannot tell (no lookup endpoint, PSP unreachable): the request's own amount must do. */
    record Unavailable(String reason) implements PaymentLookup {
    }
}
