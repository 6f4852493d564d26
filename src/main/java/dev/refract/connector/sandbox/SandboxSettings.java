package dev.refract.connector.sandbox;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** {@code refract.connectors.sandbox.*}: on in dev and test, off in production unless switched on. */
@ConfigMapping(prefix = "refract.connectors.sandbox")
public interface SandboxSettings {

    @WithDefault("false")
    boolean enabled();

    /** A simulated PSP round trip added to every sandbox call. */
    @WithDefault("0ms")
    Duration latency();
}
