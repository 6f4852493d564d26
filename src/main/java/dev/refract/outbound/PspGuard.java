package dev.refract.outbound;

import dev.refract.telemetry.Spans;
import io.opentelemetry.api.trace.Tracer;
import io.smallrye.faulttolerance.api.Guard;
import io.smallrye.mutiny.Uni;
import io.vertx.core.VertxException;
import jakarta.enterprise.util.TypeLiteral;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;

/**
 * One PSP's timeout, retry and circuit breaker, shared by every call to that PSP: a single breaker named after
 * the connector (visible in {@code /q/health/ready} and the metrics). Only failures that say nothing about the
 * PSP's decision are retried and counted: 5xx/429 ({@link PspUnavailable}), timeouts and I/O errors. A 4xx is an
 * answer; it is neither retried nor counted, so declines can never open the breaker.
 */
public final class PspGuard {

    private static final TypeLiteral<Uni<PspAnswer>> ANSWER = new TypeLiteral<>() {};
    private static final List<Class<? extends Throwable>> TRANSIENT = List.of(
            PspUnavailable.class,
            TimeoutException.class,
            org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException.class,
            IOException.class,
            VertxException.class,
            ProcessingException.class);

    private final Guard guard;
    private final String connector;
    private final Tracer tracer;
    private final PspCallStats stats;

    private PspGuard(Guard guard, String connector, Tracer tracer, PspCallStats stats) {
        this.guard = guard;
        this.connector = connector;
        this.tracer = tracer;
        this.stats = stats;
    }

    static PspGuard of(String connector, ResilienceSettings settings, Tracer tracer, PspCallStats stats) {
        ResilienceSettings.Psp s = settings.psp().get(connector);
        Guard guard = Guard.create()
                .withDescription(connector)
                .withTimeout()
                .duration(s.timeout().toMillis(), ChronoUnit.MILLIS)
                .done()
                .withRetry()
                .maxRetries(s.maxRetries())
                .delay(s.retryDelay().toMillis(), ChronoUnit.MILLIS)
                .jitter(s.retryJitter().toMillis(), ChronoUnit.MILLIS)
                .retryOn(TRANSIENT)
                .abortOn(CircuitBreakerOpenException.class)
                .done()
                .withCircuitBreaker()
                .name(connector)
                .requestVolumeThreshold(s.breakerVolume())
                .failureRatio(s.breakerFailureRatio())
                .delay(s.breakerDelay().toMillis(), ChronoUnit.MILLIS)
                .successThreshold(s.breakerSuccesses())
                .failOn(TRANSIENT)
                .done()
                .build();
        return new PspGuard(guard, connector, tracer, stats);
    }

    /**
     * Makes the call under this PSP's guard; the supplier is asked again for each retry. Each attempt is a span
     * ({@code psp <connector>}) with the attempt's number, the breaker's state when it started and its outcome
     * (the HTTP status, or why there was none), parent of the REST client's own span.
     */
    public Uni<PspAnswer> call(Supplier<Uni<Response>> call) {
        return call(call, false);
    }

    /**
     * The same for a read whose caller honours the PSP's pacing ({@link RateLimits}): a 429 is answered, not retried
     * sooner than the PSP asked nor counted against the breaker; 5xx, timeouts and I/O errors are retried as always.
     */
    public Uni<PspAnswer> callAnsweringRateLimits(Supplier<Uni<Response>> call) {
        return call(call, true);
    }

    private Uni<PspAnswer> call(Supplier<Uni<Response>> call, boolean rateLimitIsAnAnswer) {
        AtomicInteger attempts = new AtomicInteger();
        return guard.get(() -> attempt(attempts.incrementAndGet(), call, rateLimitIsAnAnswer), ANSWER)
                .onFailure(CircuitBreakerOpenException.class)
                .invoke(() -> stats.refused(connector));
    }

    private Uni<PspAnswer> attempt(int attempt, Supplier<Uni<Response>> call, boolean rateLimitIsAnAnswer) {
        return Spans.around(tracer, "psp " + connector, span -> {
            span.setAttribute(Spans.CONNECTOR, connector)
                    .setAttribute("refract.psp.attempt", attempt)
                    .setAttribute(
                            "refract.psp.breaker",
                            CircuitBreakersHealth.stateOf(connector).name());
            long started = System.nanoTime();
            return PspAnswer.of(call.get(), rateLimitIsAnAnswer)
                    .invoke(answer -> {
                        stats.attempt(connector, false, millisSince(started));
                        span.setAttribute("refract.psp.outcome", "answered " + answer.status());
                    })
                    .onFailure()
                    .invoke(e -> stats.attempt(connector, true, millisSince(started)))
                    .onFailure()
                    .invoke(e -> span.setAttribute(
                            "refract.psp.outcome",
                            e instanceof PspUnavailable u
                                    ? "unavailable " + u.getMessage()
                                    : e.getClass().getSimpleName()));
        });
    }

    private static long millisSince(long startedNanos) {
        return (System.nanoTime() - startedNanos) / 1_000_000;
    }
}
