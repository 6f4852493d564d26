package dev.refract.refund;

import java.util.Map;

/**
 * A merchant's account at one PSP, with its credentials decrypted for the length of a call. Its
 * {@link #toString()} never shows credentials or the webhook secret, so it is safe in a log line.
 */
public record ConnectorAccount(
        String merchantId,
        String connector,
        boolean enabled,
        Map<String, String> credentials,
        Map<String, String> settings,
        String webhookSecret) {

    public ConnectorAccount {
        credentials = credentials == null ? Map.of() : Map.copyOf(credentials);
        settings = settings == null ? Map.of() : Map.copyOf(settings);
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
