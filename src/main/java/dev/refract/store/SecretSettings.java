package dev.refract.store;

import io.smallrye.config.ConfigMapping;
import java.util.Optional;

/** The key that encrypts merchants' PSP credentials and webhook secrets at rest ({@code refract.secrets.*}). */
@ConfigMapping(prefix = "refract.secrets")
public interface SecretSettings {

    /** 32 random bytes in base64 ({@code REFRACT_SECRETS_KEY}); the service refuses to start without it. */
    Optional<String> key();
}
