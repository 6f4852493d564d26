package dev.refract.outbound;

import dev.refract.refund.Connector;
import dev.refract.refund.ConnectorRegistry;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.smallrye.faulttolerance.api.CircuitBreakerState;
import jakarta.inject.Singleton;

/**
 * {@code refract_psp_circuit_breaker_state{connector, state}}: 1 for the state each PSP's breaker is in, 0 for the
 * others, so an alert can fire on {@code state="OPEN"} per PSP.
 */
@Singleton
public class CircuitBreakerMetrics implements MeterBinder {

    private final ConnectorRegistry connectors;

    CircuitBreakerMetrics(ConnectorRegistry connectors) {
        this.connectors = connectors;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        for (Connector c : connectors.all()) {
            if (c.inProcess()) {
                continue; // nothing remote, so no breaker
            }
            for (CircuitBreakerState state : CircuitBreakerState.values()) {
                Gauge.builder(
                                "refract.psp.circuit.breaker.state",
                                () -> CircuitBreakersHealth.stateOf(c.name()) == state ? 1 : 0)
                        .tag("connector", c.name())
                        .tag("state", state.name())
                        .description("1 when the PSP's circuit breaker is in this state")
                        .register(registry);
            }
        }
    }
}
