package dev.refract.reconcile;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** The backlog gauges ({@code refract.backlog.*}). */
@ConfigMapping(prefix = "refract.backlog")
public interface BacklogSettings {

    /** How often the gauges are read from the database. */
    @WithDefault("15s")
    Duration interval();

    @WithDefault("5s")
    Duration startDelay();

    @WithDefault("true")
    boolean enabled();
}
