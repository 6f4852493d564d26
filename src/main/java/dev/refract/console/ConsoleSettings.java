package dev.refract.console;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** The operator console (REFRACT_CONSOLE_*). */
@ConfigMapping(prefix = "refract.console")
public interface ConsoleSettings {

    /** How long a sign-in lasts; then the operator signs in again with the admin token. */
    @WithDefault("8h")
    Duration sessionTtl();

    /**
     * Whether the session cookie is marked Secure. Unset: when the request came over TLS, to the pod or (by
     * X-Forwarded-Proto) to the ingress in front of it.
     */
    Optional<Boolean> secureCookie();

    /** Refunds at least this many PSP attempts old that are still unsettled are listed under Needs attention. */
    @WithDefault("3")
    int unsettledAttempts();

    /** How far back Needs attention lists refunds made outside Refract. */
    @WithDefault("30d")
    Duration externalWindow();

    /** How often each replica reports its PSP calls and breakers for the PSP page; three missed reports, it is gone. */
    @WithDefault("10s")
    Duration pspReportInterval();

    /** Whether this replica reports them (the page still shows its own calls without). */
    @WithDefault("true")
    boolean pspReportEnabled();
}
