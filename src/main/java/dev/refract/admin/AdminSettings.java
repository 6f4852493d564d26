package dev.refract.admin;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.Optional;

/**
 * The static admin token (REFRACT_ADMIN_TOKEN): bootstrap and automation, acting as an admin. Operators sign in as
 * themselves through the OpenID Connect provider ({@link OperatorSettings}); the token can then be switched off.
 */
@ConfigMapping(prefix = "refract.admin")
public interface AdminSettings {
    /** {@code refract.admin.token}; without one, only operators signed in through the provider get in. */
    Optional<String> token();

    /** {@code refract.admin.token-enabled}: false refuses the token everywhere, even when it is set. */
    @WithDefault("true")
    boolean tokenEnabled();
}
