package dev.refract.reconcile;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Pruning of delivered outbox rows and applied webhook events ({@code refract.retention.*}). */
@ConfigMapping(prefix = "refract.retention")
public interface RetentionSettings {

    @WithDefault("true")
    boolean enabled();

    /** How long delivered outbox rows and applied webhook events are kept. */
    @WithDefault("30d")
    Duration keep();

    @WithDefault("10m")
    Duration interval();

    @WithDefault("1m")
    Duration startDelay();

    /** Rows deleted per statement: small, so that each delete is a short transaction. */
    @WithDefault("500")
    int batchSize();

    /** Batches per table and run, so that one run after a long pause does not monopolise the database. */
    @WithDefault("20")
    int maxBatches();
}
