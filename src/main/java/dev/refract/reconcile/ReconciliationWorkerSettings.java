package dev.refract.reconcile;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.time.LocalTime;

/**
 * How replicas work reconciliation runs ({@code refract.reconciliation.*}, e.g.
 * {@code REFRACT_RECONCILIATION_DAILY_AFTER=02:00}). How a run reads the PSP is the core's
 * {@code ReconciliationSettings}, under the same prefix.
 */
@ConfigMapping(prefix = "refract.reconciliation")
public interface ReconciliationWorkerSettings {

    /** Whether this instance works runs at all. */
    @WithDefault("true")
    boolean enabled();

    /** How often a replica looks for runs to work (a run started on this replica is taken up at once). */
    @WithDefault("30s")
    Duration interval();

    @WithDefault("5s")
    Duration startDelay();

    /** Whether the previous day's runs are started every day (on one replica, whichever inserts them first). */
    @WithDefault("true")
    boolean dailyEnabled();

    /**
     * The time of day (UTC) from which the previous day's runs are due: late enough that the PSP's day is complete,
     * the list's margin past midnight ({@code refract.reconciliation.psp-lag}) included.
     */
    @WithDefault("01:00")
    LocalTime dailyAfter();

    /** How often the gauges of each account's latest runs are read from the database. */
    @WithDefault("30s")
    Duration gaugeInterval();

    @WithDefault("true")
    boolean gaugesEnabled();
}
