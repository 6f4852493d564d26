package dev.refract.refund;

import java.util.Map;

/**
 * Something a merchant can hold an account at: every PSP connector, and sinks such as the Credyt wallet. Its name
 * is the path segment of {@code PUT /admin/v1/merchants/{id}/connectors/{name}}.
 */
public interface AccountKind {

    String name();

    /** Refuses missing or unknown credentials and settings with {@link RefundError.InvalidRequest}. */
    void validateAccount(Map<String, String> credentials, Map<String, String> settings);

    /**
     * Refuses a webhook secret this PSP could never have issued, with {@link RefundError.InvalidRequest} on
     * {@code webhook_secret}: accepted, it would make every later webhook of the account fail its signature check.
     */
    default void validateWebhookSecret(String secret) {}
}
