package dev.refract.admin;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.refract.http.RefundView;
import dev.refract.outbound.CircuitBreakersHealth;
import dev.refract.refund.Connector;
import dev.refract.refund.ConnectorRegistry;
import dev.refract.refund.RefundService;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestQuery;

/** What an operator on call looks at: refunds that are stuck, and each PSP's circuit breaker. */
@Path("/admin/v1")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.WILDCARD)
@Tag(name = "Operations")
@OperatorApi
@RoleRequired(Role.VIEWER)
public class OperatorResource {

    @RegisterForReflection
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record StuckRefund(String merchantId, int attempts, RefundView refund) {}

    @RegisterForReflection
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record ConnectorState(String connector, String circuitBreaker) {}

    private final RefundService refunds;
    private final ConnectorRegistry connectors;

    OperatorResource(RefundService refunds, ConnectorRegistry connectors) {
        this.refunds = refunds;
        this.connectors = connectors;
    }

    @GET
    @Path("/refunds/stuck")
    @Operation(
            summary = "Refunds in MANUAL_REVIEW, and unsettled ones after at least min_attempts PSP attempts",
            description = "Needs refract-viewer.")
    public Uni<List<StuckRefund>> stuck(
            @RestQuery("min_attempts") Integer minAttempts, @RestQuery("limit") Integer limit) {
        int attempts = minAttempts == null ? 3 : Math.max(1, minAttempts);
        int max = limit == null ? 100 : Math.min(Math.max(1, limit), 500);
        return refunds.stuck(attempts, max)
                .map(list -> list.stream()
                        .map(r -> new StuckRefund(r.merchantId(), r.attempts(), RefundView.of(r, 200)))
                        .toList());
    }

    @GET
    @Path("/connectors")
    @Operation(
            summary = "Each PSP connector and the state of its circuit breaker",
            description = "Needs refract-viewer.")
    public List<ConnectorState> connectors() {
        List<ConnectorState> states = new ArrayList<>();
        for (Connector c : connectors.all()) {
            states.add(new ConnectorState(
                    c.name(),
                    c.inProcess()
                            ? "NONE"
                            : CircuitBreakersHealth.stateOf(c.name()).name()));
        }
        return states;
    }
}
