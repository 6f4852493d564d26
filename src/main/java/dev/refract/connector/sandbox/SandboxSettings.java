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

    /**
     * How long the simulated PSP still answers for a settled refund (status reads, resends with its key). Longer
     * than the janitor's resends of one refund take with the default retry settings (about 90 minutes).
     */
    @WithDefault("2h")
    Duration retention();

    /**
     * The most refunds its books hold; past it the oldest settled ones are forgotten early, and with only pending
     * ones held a new refund is declined ({@code sandbox_books_full}). About 300 bytes of heap each.
     */
    @WithDefault("20000")
    int maxRefunds();

    /** The most payments with no refund held whose refunded totals it keeps (least recently used out). */
    @WithDefault("20000")
    int maxPayments();
}
