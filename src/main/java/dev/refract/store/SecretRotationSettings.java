package dev.refract.store;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/**
 * How long a replaced webhook secret stays valid beside the new one ({@code refract.webhooks.previous-secret-grace},
 * env {@code REFRACT_WEBHOOKS_PREVIOUS_SECRET_GRACE}): a PSP account's, for the PSP's deliveries made or retried
 * before the merchant changed the secret at the PSP too; a merchant's notification secret, so that the merchant's
 * receiver may switch to the new one at any time within it.
 */
@ConfigMapping(prefix = "refract.webhooks")
public interface SecretRotationSettings {

    @WithDefault("24h")
    Duration previousSecretGrace();
}
