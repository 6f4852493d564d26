package dev.refract.outbound;

import dev.refract.refund.Connector;
import dev.refract.refund.ConnectorRegistry;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;
import io.smallrye.faulttolerance.api.CircuitBreakerState;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Each PSP's circuit breaker in {@code /q/health/ready}. An open breaker does not make Refract unready: refunds
 * for that PSP are still accepted (as PENDING, submitted later by the janitor) and the other PSPs work.
 */
@Readiness
@ApplicationScoped
public class CircuitBreakersHealth implements HealthCheck {

    private final ConnectorRegistry connectors;

    CircuitBreakersHealth(ConnectorRegistry connectors) {
        this.connectors = connectors;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response =
                HealthCheckResponse.named("PSP circuit breakers").up();
        for (Connector c : connectors.all()) {
            if (!c.inProcess()) { // nothing remote, so no breaker
                response.withData(c.name(), stateOf(c.name()).name());
            }
        }
        return response.build();
    }

    /** The breaker's state; a PSP not called yet has no breaker registered, and a breaker starts closed. */
    public static CircuitBreakerState stateOf(String connector) {
        try {
            return CircuitBreakerMaintenance.get().currentState(connector);
        } catch (IllegalArgumentException e) {
            return CircuitBreakerState.CLOSED;
        }
    }
}
