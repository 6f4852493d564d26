package dev.refract.dev;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.Optional;

/** Dev mode's embedded database and demo merchant ({@code refract.dev.*}); unused outside dev mode. */
@ConfigMapping(prefix = "refract.dev")
public interface DevSettings {

    @WithDefault("5433")
    int databasePort();

    @WithDefault("m_demo")
    String demoMerchantId();

    /** The demo merchant's API key, set in the dev profile. */
    Optional<String> demoApiKey();
}
