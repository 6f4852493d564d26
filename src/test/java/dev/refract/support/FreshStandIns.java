package dev.refract.support;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.quarkus.test.junit.callback.QuarkusTestBeforeEachCallback;
import io.quarkus.test.junit.callback.QuarkusTestMethodContext;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;

/**
 * Before every test of the in-process suite: the PSP stand-in forgets the stubs and requests of earlier tests
 * (keeping only its stateful Stripe), and every circuit breaker is closed again, so no test sees another's PSP.
 */
public class FreshStandIns implements QuarkusTestBeforeEachCallback {

    @Override
    public void beforeEach(QuarkusTestMethodContext context) {
        WireMockServer server = PspStandIn.server();
        if (server != null) {
            server.resetAll();
            StripeStandIn.install(server);
        }
        CircuitBreakerMaintenance.get().resetAll();
    }
}
