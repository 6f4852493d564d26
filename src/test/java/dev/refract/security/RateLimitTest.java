package dev.refract.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.refract.support.Api;
import dev.refract.support.PostgresResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Each API key has its own budget: over it, 429 with Retry-After, and other keys are not affected. */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
@TestProfile(RateLimitTest.TightLimit.class)
class RateLimitTest {

    public static class TightLimit implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // one token every 20 s: the budget cannot refill while the test runs, however slow the machine
            return Map.of("refract.rate-limit.requests-per-second", "0.05", "refract.rate-limit.burst", "5");
        }
    }

    @Test
    void aKeyOverItsBudgetIsAnswered429WithRetryAfter() {
        Api.TestMerchant busy = Api.newMerchant();
        Api.TestMerchant quiet = Api.newMerchant();
        int limited = 0;
        Response last = null;
        for (int i = 0; i < 12; i++) {
            Response r = busy.request().get("/v1/refunds");
            if (r.statusCode() == 429) {
                limited++;
                last = r;
            }
        }
        assertTrue(limited >= 5, "a burst of 5 then one per 20 s: most of 12 requests are refused, got " + limited);
        assertEquals("rate_limited", last.jsonPath().getString("error.code"));
        assertTrue(Integer.parseInt(last.getHeader("Retry-After")) >= 1);
        assertEquals(200, quiet.request().get("/v1/refunds").statusCode(), "another key has its own budget");
        // guessing keys is throttled per guessed key as well, before any lookup
        int unknown = 0;
        for (int i = 0; i < 8; i++) {
            unknown += RestAssured.given()
                                    .header("Authorization", "Bearer rk_guess")
                                    .get("/v1/refunds")
                                    .statusCode()
                            == 429
                    ? 1
                    : 0;
        }
        assertTrue(unknown >= 2);
    }
}
