package dev.refract.support;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.HashMap;
import java.util.Map;

/**
 * One WireMock server standing in for every PSP over real HTTP, each under its own path prefix, and test-sized
 * resilience settings (short timeouts, a breaker that opens after a few failures and closes after 2 s).
 */
public class PspStandIn implements QuarkusTestResourceLifecycleManager {

    public static final String[] PSPS = {"stripe", "adyen", "exodus", "charges", "marqeta", "credyt"};
    private static WireMockServer server;

    @Override
    public synchronized Map<String, String> start() {
        if (server == null) {
            server = new WireMockServer(WireMockConfiguration.options()
                    .dynamicPort()
                    .asynchronousResponseEnabled(true)
                    .extensions(StripeStandIn.INSTANCE));
            server.start();
            StripeStandIn.install(server);
        }
        Map<String, String> config = new HashMap<>();
        for (String psp : PSPS) {
            config.put("quarkus.rest-client." + psp + ".url", "http://localhost:" + server.port() + "/" + psp);
            config.put("refract.resilience." + psp + ".timeout", "1s");
            config.put("refract.resilience." + psp + ".max-retries", "1");
            config.put("refract.resilience." + psp + ".retry-delay", "50ms");
            config.put("refract.resilience." + psp + ".retry-jitter", "20ms");
            config.put("refract.resilience." + psp + ".breaker-volume", "10");
            config.put("refract.resilience." + psp + ".breaker-failure-ratio", "1.0");
            config.put("refract.resilience." + psp + ".breaker-delay", "2s");
            config.put("refract.resilience." + psp + ".breaker-successes", "1");
        }
        return config;
    }

    @Override
    public void stop() {
        // shared by every test class of the JVM
    }

    public static WireMockServer server() {
        return server;
    }
}
