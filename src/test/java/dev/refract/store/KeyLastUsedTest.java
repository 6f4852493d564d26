package dev.refract.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.refract.support.Api;
import dev.refract.support.Db;
import dev.refract.support.PostgresResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.Test;

/**
 * A key's last_used_at is kept to the minute without a write per request: requests leave its row untouched (same
 * xmin), and a flush writes it once, truncated to the minute; more requests in the same minute write nothing more.
 * The scheduled flush is off in this profile, so every write here is one this test asked for.
 */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
class KeyLastUsedTest {

    @Inject
    KeyUsage usage;

    static String xmin(String merchantId) {
        return Db.one("select xmin::text as x from api_keys where merchant_id = ?", merchantId)
                .get("x")
                .toString();
    }

    static void use(Api.TestMerchant m, int times) {
        for (int i = 0; i < times; i++) {
            m.request().get("/v1/refunds").then().statusCode(200);
        }
    }

    @Test
    void requestsWriteNothingAndAFlushWritesTheMinuteOnce() throws Exception {
        // the whole test within one minute of the clock (it takes some 20 s on a busy machine)
        if (Instant.now().atOffset(java.time.ZoneOffset.UTC).getSecond() > 20) {
            Thread.sleep((61 - Instant.now().atOffset(java.time.ZoneOffset.UTC).getSecond()) * 1000L);
        }
        Api.TestMerchant m = Api.newMerchant();
        String untouched = xmin(m.id());
        use(m, 30);
        assertEquals(untouched, xmin(m.id()), "30 requests, no write");
        assertNull(Db.one("select last_used_at from api_keys where merchant_id = ?", m.id())
                .get("last_used_at"));

        Instant minute = Instant.now().truncatedTo(ChronoUnit.MINUTES);
        usage.flush(Instant.now()).await().atMost(Duration.ofSeconds(10));
        Timestamp written = (Timestamp) Db.one("select last_used_at from api_keys where merchant_id = ?", m.id())
                .get("last_used_at");
        assertEquals(minute, written.toInstant());
        Api.admin()
                .get("/admin/v1/merchants/" + m.id() + "/api-keys")
                .then()
                .statusCode(200)
                .body("data[0].last_used_at", org.hamcrest.Matchers.equalTo(minute.toString()));

        String once = xmin(m.id());
        use(m, 30);
        usage.flush(Instant.now()).await().atMost(Duration.ofSeconds(10));
        assertEquals(minute, Instant.now().truncatedTo(ChronoUnit.MINUTES), "the test ran within one minute");
        assertEquals(once, xmin(m.id()), "the same minute again: nothing more written");
    }
}
