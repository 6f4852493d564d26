package dev.refract.admin;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.refract.store.ApiKeyStore;
import dev.refract.support.Api;
import dev.refract.support.Db;
import dev.refract.support.PostgresResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A merchant's API keys through the admin API, and what each key may then do on the merchant API. */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
class ApiKeysTest {

    static String keys(String merchantId) {
        return "/admin/v1/merchants/" + merchantId + "/api-keys";
    }

    static Response create(String merchantId, String body) {
        return Api.admin().body(body).post(keys(merchantId));
    }

    /** A new key of the merchant: its answer (with api_key). */
    static Response newKey(String merchantId, String name, String mode) {
        Response made = create(merchantId, "{\"name\":\"" + name + "\",\"mode\":\"" + mode + "\"}");
        made.then().statusCode(201);
        return made;
    }

    static int listRefunds(String key) {
        return RestAssured.given()
                .header("Authorization", "Bearer " + key)
                .get("/v1/refunds")
                .statusCode();
    }

    @Test
    void theKeyMadeWithTheMerchantIsItsFirstNamedDefaultAndFull() {
        Api.TestMerchant m = Api.newMerchant();
        Response list = Api.admin().get(keys(m.id()));
        list.then()
                .statusCode(200)
                .body("data.size()", equalTo(1))
                .body("data[0].id", matchesPattern("key_[0-9a-f]{32}"))
                .body("data[0].name", equalTo("default"))
                .body("data[0].mode", equalTo("full"))
                .body("data[0].prefix", equalTo(m.apiKey().substring(0, 9)))
                .body("data[0].revoked_at", nullValue())
                .body("data[0].expires_at", nullValue())
                .body("data[0]", not(org.hamcrest.Matchers.hasKey("api_key")));
        assertFalse(list.asString().contains(m.apiKey()));
        assertEquals(
                ApiKeyStore.hash(m.apiKey()),
                Db.one("select key_hash from api_keys where merchant_id = ?", m.id())
                        .get("key_hash"));
    }

    @Test
    void aNewKeyIsShownOnceStoredAsItsHashWorksAndIsListedNewestFirst() {
        Api.TestMerchant m = Api.newMerchant();
        String expires = Instant.now()
                .plus(Duration.ofDays(30))
                .truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
                .toString();
        Response made =
                create(m.id(), "{\"name\":\"checkout-prod\",\"mode\":\"full\",\"expires_at\":\"" + expires + "\"}");
        made.then()
                .statusCode(201)
                .body("id", matchesPattern("key_[0-9a-f]{32}"))
                .body("name", equalTo("checkout-prod"))
                .body("mode", equalTo("full"))
                .body("api_key", matchesPattern("rk_[A-Za-z0-9_-]{43}"))
                .body("expires_at", equalTo(expires))
                .body("revoked_at", nullValue())
                .body("last_used_at", nullValue());
        String key = made.path("api_key");
        assertEquals(key.substring(0, 9), made.path("prefix"));
        assertNotNull(made.path("created_at"));
        assertEquals(200, listRefunds(key));
        Map<String, Object> row = Db.one("select key_hash from api_keys where id = ?", (String) made.path("id"));
        assertEquals(ApiKeyStore.hash(key), row.get("key_hash"));

        String second = newKey(m.id(), "reporting", "read_only").path("id");
        Response list = Api.admin().get(keys(m.id()));
        assertEquals(
                List.of(second, made.path("id"), "default"),
                List.of(list.path("data[0].id"), list.path("data[1].id"), list.path("data[2].name")));
        assertFalse(list.asString().contains("api_key"), list.asString());
        assertFalse(list.asString().contains(key));
    }

    @Test
    void aRevokedKeyIsRefusedAtOnceSayingSoWhileTheMerchantsOtherKeysWork() throws Exception {
        Api.TestMerchant m = Api.newMerchant();
        Response made = newKey(m.id(), "to-revoke", "full");
        String key = made.path("api_key");
        assertEquals(200, listRefunds(key)); // cached on this replica now
        Response revoked = Api.admin().delete(keys(m.id()) + "/" + made.path("id"));
        revoked.then().statusCode(200).body("id", equalTo(made.path("id"))).body("api_key", nullValue());
        String revokedAt = revoked.path("revoked_at");
        assertNotNull(revokedAt);

        Response refused =
                RestAssured.given().header("Authorization", "Bearer " + key).get("/v1/refunds");
        refused.then()
                .statusCode(401)
                .body("error.code", equalTo("authentication_required"))
                .body("error.message", equalTo("the API key was revoked"));
        assertFalse(refused.asString().contains(key));
        assertEquals(200, listRefunds(m.apiKey()), "the merchant's other key still works");
        // revoking again answers the key as it is
        Api.admin()
                .delete(keys(m.id()) + "/" + made.path("id"))
                .then()
                .statusCode(200)
                .body("revoked_at", equalTo(revokedAt));
        // the refusal is logged with the key's id, never the key
        String log = Files.readString(Path.of("target", "refract-test.log"));
        assertTrue(log.contains(
                "with API key " + made.path("id") + " of merchant " + m.id() + ": the API key was revoked"));
        assertFalse(log.contains(key));
    }

    @Test
    void aRolledKeyWorksBesideItsSuccessorUntilItExpires() {
        Api.TestMerchant m = Api.newMerchant();
        Response made = newKey(m.id(), "pos", "read_only");
        String old = made.path("api_key");
        Instant before = Instant.now();
        Response rolled =
                Api.admin().body("{\"expires_in_seconds\":3}").post(keys(m.id()) + "/" + made.path("id") + "/roll");
        rolled.then()
                .statusCode(201)
                .body("name", equalTo("pos"))
                .body("mode", equalTo("read_only"))
                .body("expires_at", nullValue())
                .body("api_key", matchesPattern("rk_[A-Za-z0-9_-]{43}"));
        String successor = rolled.path("api_key");
        Instant oldExpiry = Instant.parse(
                Api.admin().get(keys(m.id())).path("data.find { it.id == '" + made.path("id") + "' }.expires_at"));
        assertTrue(
                !oldExpiry.isBefore(before.plusSeconds(3))
                        && !oldExpiry.isAfter(Instant.now().plusSeconds(3)),
                oldExpiry.toString());
        assertEquals(200, listRefunds(old));
        assertEquals(200, listRefunds(successor));
        await().atMost(Duration.ofSeconds(8))
                .pollInterval(Duration.ofMillis(100))
                .untilAsserted(() -> RestAssured.given()
                        .header("Authorization", "Bearer " + old)
                        .get("/v1/refunds")
                        .then()
                        .statusCode(401)
                        .body("error.message", equalTo("the API key expired")));
        assertEquals(200, listRefunds(successor));

        // the default is a day; a roll never lengthens a key's life
        Response day = Api.admin().post(keys(m.id()) + "/" + rolled.path("id") + "/roll");
        day.then().statusCode(201);
        Instant dayExpiry = Instant.parse(
                Api.admin().get(keys(m.id())).path("data.find { it.id == '" + rolled.path("id") + "' }.expires_at"));
        assertTrue(
                Duration.between(Instant.now(), dayExpiry).minusHours(24).abs().getSeconds() < 60,
                dayExpiry.toString());
        Api.admin()
                .body("{\"expires_in_seconds\":604800}")
                .post(keys(m.id()) + "/" + rolled.path("id") + "/roll")
                .then()
                .statusCode(201);
        assertEquals(
                dayExpiry.toString(),
                Instant.parse(Api.admin()
                                .get(keys(m.id()))
                                .path("data.find { it.id == '" + rolled.path("id") + "' }.expires_at"))
                        .toString());
    }

    @Test
    void aKeyExpiresAtItsExpiresAt() {
        Api.TestMerchant m = Api.newMerchant();
        String at = Instant.now().plusSeconds(2).toString();
        String key = create(m.id(), "{\"name\":\"short\",\"mode\":\"full\",\"expires_at\":\"" + at + "\"}")
                .then()
                .statusCode(201)
                .extract()
                .path("api_key");
        assertEquals(200, listRefunds(key));
        await().atMost(Duration.ofSeconds(6))
                .pollInterval(Duration.ofMillis(100))
                .untilAsserted(() -> RestAssured.given()
                        .header("Authorization", "Bearer " + key)
                        .get("/v1/refunds")
                        .then()
                        .statusCode(401)
                        .body("error.message", equalTo("the API key expired")));
    }

    @Test
    void aReadOnlyKeyReadsButWritesNothing() {
        Api.TestMerchant m = Api.newMerchant();
        String id = Api.refundId();
        m.create(Api.body(id, Api.payment(10_000, "USD"), 1_000L, "USD", null))
                .then()
                .statusCode(200);
        String reader = newKey(m.id(), "reporting", "read_only").path("api_key");
        Api.TestMerchant asReader = new Api.TestMerchant(m.id(), reader);
        asReader.get(id).then().statusCode(200).body("merchant_refund_id", equalTo(id));
        asReader.request().get("/v1/refunds").then().statusCode(200).body("data.size()", equalTo(1));

        long events = Db.count(
                "select count(*) from refund_events e join refunds r on r.id = e.refund_id where r.merchant_id = ?",
                m.id());
        String other = Api.refundId();
        for (Response refused : List.of(
                asReader.create(Api.body(other, Api.payment(10_000, "USD"), 1_000L, "USD", null)),
                asReader.sync(id),
                asReader.request().post("/v1/refunds/" + id + "/cancel"))) {
            refused.then()
                    .statusCode(403)
                    .body("error.type", equalTo("permission_error"))
                    .body("error.code", equalTo("permission_denied"));
        }
        assertEquals(
                0,
                Db.count(
                        "select count(*) from refunds where merchant_id = ? and merchant_refund_id = ?",
                        m.id(),
                        other));
        assertEquals(
                events,
                Db.count(
                        "select count(*) from refund_events e join refunds r on r.id = e.refund_id where r.merchant_id = ?",
                        m.id()),
                "no sync or cancel reached the refund");
    }

    @Test
    void badInputIsRefusedNamingTheField() {
        Api.TestMerchant m = Api.newMerchant();
        Map<String, String> bodies = new java.util.LinkedHashMap<>();
        bodies.put("{\"mode\":\"full\"}", "name");
        bodies.put("{\"name\":\"\",\"mode\":\"full\"}", "name");
        bodies.put("{\"name\":\"   \",\"mode\":\"full\"}", "name");
        bodies.put("{\"name\":\"" + "n".repeat(101) + "\",\"mode\":\"full\"}", "name");
        bodies.put("{\"name\":\"x\"}", "mode");
        bodies.put("{\"name\":\"x\",\"mode\":\"admin\"}", "mode");
        bodies.put("{\"name\":\"x\",\"mode\":\"full\",\"expires_at\":\"tomorrow\"}", "expires_at");
        bodies.put("{\"name\":\"x\",\"mode\":\"full\",\"expires_at\":\"2020-01-01T00:00:00Z\"}", "expires_at");
        bodies.put("{\"name\":\"x\",\"mode\":\"full\",\"expires_at\":1893456000}", "expires_at");
        bodies.put("{\"name\":\"x\",\"mode\":\"full\",\"scopes\":[\"refunds\"]}", "scopes");
        bodies.forEach((body, param) -> create(m.id(), body)
                .then()
                .statusCode(400)
                .body("error.code", equalTo("invalid_request"))
                .body("error.param", equalTo(param)));
        assertEquals(1, Db.count("select count(*) from api_keys where merchant_id = ?", m.id()), "nothing was made");

        String keyId = Api.admin().get(keys(m.id())).path("data[0].id");
        for (String body : List.of(
                "{\"expires_in_seconds\":-1}", "{\"expires_in_seconds\":604801}", "{\"expires_in_seconds\":\"60\"}")) {
            Api.admin()
                    .body(body)
                    .post(keys(m.id()) + "/" + keyId + "/roll")
                    .then()
                    .statusCode(400)
                    .body("error.param", equalTo("expires_in_seconds"));
        }
        Api.admin().delete(keys(m.id()) + "/" + keyId).then().statusCode(200);
        Api.admin()
                .body("{}")
                .post(keys(m.id()) + "/" + keyId + "/roll")
                .then()
                .statusCode(400)
                .body("error.param", equalTo("id"))
                .body("error.message", containsString("revoked"));
        assertEquals(1, Db.count("select count(*) from api_keys where merchant_id = ?", m.id()), "nothing was rolled");

        // a key id that is malformed, unknown, or another merchant's: not found
        Api.TestMerchant other = Api.newMerchant();
        String othersKey = Api.admin().get(keys(other.id())).path("data[0].id");
        for (String id : List.of("nope", "key_" + "0".repeat(32), othersKey, "key_" + "A".repeat(32))) {
            Api.admin().delete(keys(m.id()) + "/" + id).then().statusCode(404).body("error.code", equalTo("not_found"));
            Api.admin()
                    .post(keys(m.id()) + "/" + id + "/roll")
                    .then()
                    .statusCode(404)
                    .body("error.code", equalTo("not_found"));
        }
        assertNull(Db.one("select revoked_at from api_keys where id = ?", othersKey)
                .get("revoked_at"));
        Api.admin().get(keys("m_nobody_here")).then().statusCode(404).body("error.code", equalTo("merchant_not_found"));
        create("m_nobody_here", "{\"name\":\"x\",\"mode\":\"full\"}")
                .then()
                .statusCode(404)
                .body("error.code", equalTo("merchant_not_found"));
    }
}
