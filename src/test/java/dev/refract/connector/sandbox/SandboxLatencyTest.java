package dev.refract.connector.sandbox;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.refract.support.Api;
import dev.refract.support.PostgresResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code refract.connectors.sandbox.latency} adds a simulated PSP round trip to every call. */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
@TestProfile(SandboxLatencyTest.SlowPsp.class)
class SandboxLatencyTest {

    public static class SlowPsp implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("refract.connectors.sandbox.latency", "300ms");
        }
    }

    @Test
    void everyPspCallTakesAtLeastTheConfiguredLatency() {
        Api.TestMerchant m = Api.newMerchant();
        long started = System.nanoTime();
        // one lookup of the captured amount and one submission: two round trips
        m.create(Api.body(Api.refundId(), Api.payment(1_000, "USD"), 100L, "USD", null))
                .then()
                .statusCode(200);
        long millis = (System.nanoTime() - started) / 1_000_000;
        assertTrue(millis >= 600, "took " + millis + " ms, expected two simulated round trips of 300 ms");
    }
}
