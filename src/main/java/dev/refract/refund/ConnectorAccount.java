package dev.refract.refund;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A merchant's account at one PSP, with its credentials decrypted for the length of a call. Its
 * {@link #toString()} never shows credentials or the webhook secrets, so it is safe in a log line.
 *
 * <p>A webhook secret replaced recently is kept as {@code previousWebhookSecret} until
 * {@code previousWebhookSecretUntil}: the PSP may still sign with it, for deliveries made or retried before the
 * merchant changed it on the PSP's side too.
 */
public record ConnectorAccount(
        String merchantId,
        String connector,
        boolean enabled,
        Map<String, String> credentials,
        Map<String, String> settings,
        String webhookSecret,
        String previousWebhookSecret,
        Instant previousWebhookSecretUntil) {

    public ConnectorAccount {
        credentials = credentials == null ? Map.of() : Map.copyOf(credentials);
        settings = settings == null ? Map.of() : Map.copyOf(settings);
        if (webhookSecret == null || previousWebhookSecretUntil == null) {
            previousWebhookSecret = null;
            previousWebhookSecretUntil = null;
        }
    }

    /** An account with no previous webhook secret. */
    public ConnectorAccount(
            String merchantId,
            String connector,
            boolean enabled,
            Map<String, String> credentials,
            Map<String, String> settings,
            String webhookSecret) {
        this(merchantId, connector, enabled, credentials, settings, webhookSecret, null, null);
    }

    /**
     * The secrets a webhook received at {@code now} may be signed with: the current one, and the previous one until
     * its grace ends (exclusive). Empty when no secret is set.
     */
    public List<String> webhookSecrets(Instant now) {
        if (webhookSecret == null) {
            return List.of();
        }
        return previousWebhookSecret != null && now.isBefore(previousWebhookSecretUntil)
                ? List.of(webhookSecret, previousWebhookSecret)
                : List.of(webhookSecret);
    }

    /** An account for a connector that needs none (the sandbox) and that the merchant has not configured. */
    public static ConnectorAccount implicit(String merchantId, String connector) {
        return new ConnectorAccount(merchantId, connector, true, Map.of(), Map.of(), null);
    }

    public String credential(String name) {
        return credentials.get(name);
    }

    public String setting(String name) {
        return settings.get(name);
    }

    @Override
    public String toString() {
        return "ConnectorAccount[merchant=" + merchantId + ", connector=" + connector + ", enabled=" + enabled
                + ", credentials=" + credentials.keySet() + ", settings=" + settings + "]";
    }
}
