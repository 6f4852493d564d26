package dev.refract.support;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.stubbing.StubMapping;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
            warmUpTemplates(server);
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

    /**
     * Serves one templated answer. WireMock loads its template engine and JSONPath on the first one, which takes over a
     * second on a loaded machine: longer than the PSP timeout above, so a test whose first PSP answer is templated (an
     * answer echoing what Refract sent) would see a timeout instead of the PSP's answer.
     */
    private static void warmUpTemplates(WireMockServer server) {
        StubMapping stub = server.stubFor(post(urlEqualTo("/warm-up"))
                .willReturn(aResponse()
                        .withBody("{{#if request.body}}{{jsonPath request.body '$.token'}}{{else}}"
                                + "{{request.pathSegments.[0]}}{{/if}}")
                        .withTransformers("response-template")));
        try {
            HttpResponse<String> answer = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create("http://localhost:" + server.port() + "/warm-up"))
                                    .POST(HttpRequest.BodyPublishers.ofString("{\"token\":\"warm\"}"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            if (!"warm".equals(answer.body())) {
                throw new IllegalStateException("WireMock's templates answered " + answer.body());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } finally {
            server.removeStub(stub);
        }
    }

    public static WireMockServer server() {
        return server;
    }
}
