package dev.refract.admin;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Admin request and response shapes. Responses never carry a credential or a secret. */
public final class AdminRequests {

    private AdminRequests() {}

    @RegisterForReflection
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record CreateMerchant(String merchantId, String name) {}

    @RegisterForReflection
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record CreatedMerchant(String merchantId, String name, String apiKey) {}

    @RegisterForReflection
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record UpdateMerchant(String name, String defaultConnector, String webhookUrl, String webhookSecret) {}

    @RegisterForReflection
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record MerchantView(
            String merchantId,
            String name,
            String defaultConnector,
            String webhookUrl,
            boolean webhookSecretSet,
            Instant previousWebhookSecretExpiresAt) {}

    @RegisterForReflection
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record PutConnector(
            Map<String, String> credentials, String webhookSecret, Boolean enabled, Map<String, String> settings) {}

    /**
     * The account as configured: credential names only, whether a webhook secret is set, and until when the one it
     * replaced still verifies webhooks (null when none does).
     */
    @RegisterForReflection
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record ConnectorView(
            String merchantId,
            String connector,
            boolean enabled,
            Map<String, String> settings,
            List<String> credentialKeys,
            boolean webhookSecretSet,
            Instant previousWebhookSecretExpiresAt) {}
}
