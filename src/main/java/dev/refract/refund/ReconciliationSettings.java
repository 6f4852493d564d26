package dev.refract.refund;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/**
 * How a reconciliation run reads the PSP's side ({@code refract.reconciliation.*}). How often replicas look for runs
 * to work and when the daily runs start is the worker's own {@code ReconciliationWorkerSettings}, under the same prefix.
 */
@ConfigMapping(prefix = "refract.reconciliation")
public interface ReconciliationSettings {

    /**
     * How far past the window's end a PSP's list is read. Refract records a refund before it calls the PSP, so the
     * PSP's creation time of a refund is a little later than Refract's: one recorded just before the window's end may
     * be created at the PSP just after it, and without this margin it would look missing at the PSP.
     */
    @WithDefault("15m")
    Duration pspLag();

    /** How long a replica holds a run it works between two pages before another replica may take it over. */
    @WithDefault("2m")
    Duration lease();
}
