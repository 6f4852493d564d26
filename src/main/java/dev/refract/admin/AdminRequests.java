package dev.refract.admin;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.Map;

/** Admin request and response shapes. Responses never carry a credential or a secret. */
final class AdminRequests {

    private AdminRequests() {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record CreateMerchant(String merchantId, String name) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record CreatedMerchant(String merchantId, String name, String apiKey) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record UpdateMerchant(String name, String defaultConnector, String webhookUrl, String webhookSecret) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record MerchantView(String merchantId, String name, String defaultConnector, String webhookUrl,
                        boolean webhookSecretSet) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record PutConnector(Map<String, String> credentials, String webhookSecret, Boolean enabled,
                        Map<String, String> settings) {
    }

    /** The account as configured: credential names only, and whether a webhook secret is set. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record ConnectorView(String merchantId, String connector, boolean enabled, Map<String, String> settings,
                         java.util.List<String> credentialKeys, boolean webhookSecretSet) {
    }
}
