package dev.refract.outbound;

import io.opentelemetry.api.trace.Tracer;
import jakarta.enterprise.context.ApplicationScoped;

/** Makes each PSP's {@link PspGuard}, with its settings, the tracer and the recent-calls statistics. */
@ApplicationScoped
public class PspGuards {

    private final ResilienceSettings settings;
    private final Tracer tracer;
    private final PspCallStats stats;

    PspGuards(ResilienceSettings settings, Tracer tracer, PspCallStats stats) {
        this.settings = settings;
        this.tracer = tracer;
        this.stats = stats;
    }

    public PspGuard of(String connector) {
        return PspGuard.of(connector, settings, tracer, stats);
    }
}
