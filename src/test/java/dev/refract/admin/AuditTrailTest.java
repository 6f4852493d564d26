package dev.refract.admin;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.refract.support.Api;
import dev.refract.support.Console;
import dev.refract.support.Db;
import dev.refract.support.OidcStandIn;
import dev.refract.support.PostgresResource;
import dev.refract.support.Secrets;
import dev.refract.support.Workers;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * The audit trail: every operator action with its actor, written with the action or not at all, readable newest
 * first through {@code GET /admin/v1/audit} with filters and a cursor, append-only, holding no secret, and never
 * written by a merchant's request.
 */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
@WithTestResource(OidcStandIn.class)
class AuditTrailTest {

    static RequestSpecification as(OidcStandIn.User user) {
        return given().header("Authorization", "Bearer " + OidcStandIn.accessToken(user))
                .contentType(ContentType.JSON);
    }

    static JsonPath audit(String query) {
        return as(OidcStandIn.VERA)
                .get("/admin/v1/audit?" + query)
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
    }

    @Test
    void anOperatorsResolutionNamesThemInTheTrailAndInTheRefundsTimeline() {
        Api.TestMerchant m = Api.newMerchant();
        String payment = Api.payment(10_000, "USD");
        String id = Workers.refundInManualReview(m, payment);
        as(OidcStandIn.OTTO)
                .body("{\"status\":\"SUCCEEDED\",\"reason\":\"seen in the PSP dashboard, OPS-42\"}")
                .post("/admin/v1/merchants/" + m.id() + "/refunds/" + id + "/resolve")
                .then()
                .statusCode(200)
                .body("status", equalTo("SUCCEEDED"));
        Db.assertLedgerConsistent(m.id(), payment);

        String target = "merchants/" + m.id() + "/refunds/" + id;
        JsonPath trail = audit("target=" + target);
        assertEquals(1, trail.getList("data").size(), trail.prettify());
        assertTrue(trail.getString("data[0].id").startsWith("aud_"));
        assertEquals("refund.resolve", trail.getString("data[0].action"));
        assertEquals(target, trail.getString("data[0].target"));
        assertEquals(
                Map.of("kind", "operator", "subject", OidcStandIn.OTTO.subject(), "name", "Otto Operator"),
                trail.getMap("data[0].actor"));
        assertEquals(
                Map.of("status", "SUCCEEDED", "reason", "seen in the PSP dashboard, OPS-42"),
                trail.getMap("data[0].detail"));
        assertEquals(false, trail.getBoolean("has_more"));
        assertNull(trail.get("next_cursor"));

        // the refund's own event log names the operator too
        Map<String, Object> event = Db.one(
                "select e.actor::text as actor, e.detail from refund_events e join refunds r on r.id = e.refund_id "
                        + "where r.merchant_id = ? and r.merchant_refund_id = ? and e.cause = 'OPERATOR'",
                m.id(),
                id);
        assertEquals("operator: seen in the PSP dashboard, OPS-42", event.get("detail"));
        assertEquals(
                "{\"kind\": \"operator\", \"name\": \"Otto Operator\", \"subject\": \"" + OidcStandIn.OTTO.subject()
                        + "\"}",
                event.get("actor"));
        // and so does its page in the console
        String page = Console.signIn()
                .get("/console/refunds/" + m.id() + "/" + id)
                .then()
                .statusCode(200)
                .extract()
                .asString();
        assertTrue(page.contains("<td data-label=\"By\">Otto Operator</td>"), page);
    }

    @Test
    void anAdminsKeyChangesAreInTheTrailByTheKeysIdsAndNeverWithAKey() {
        Api.TestMerchant m = Api.newMerchant();
        String keys = "/admin/v1/merchants/" + m.id() + "/api-keys";
        Response made = as(OidcStandIn.ADA)
                .body("{\"name\":\"reporting\",\"mode\":\"read_only\"}")
                .post(keys);
        made.then().statusCode(201);
        String first = made.path("id");
        Response rolled =
                as(OidcStandIn.ADA).body("{\"expires_in_seconds\":60}").post(keys + "/" + first + "/roll");
        rolled.then().statusCode(201);
        String second = rolled.path("id");
        as(OidcStandIn.ADA).delete(keys + "/" + second).then().statusCode(200);
        // an operator may read the keys, and no more
        as(OidcStandIn.OTTO).get(keys).then().statusCode(200);
        as(OidcStandIn.OTTO)
                .body("{\"name\":\"sneaky\",\"mode\":\"full\"}")
                .post(keys)
                .then()
                .statusCode(403)
                .body("error.code", equalTo("permission_denied"));

        Map<String, Object> ada =
                Map.of("kind", "operator", "subject", OidcStandIn.ADA.subject(), "name", OidcStandIn.ADA.name());
        JsonPath created = audit("action=api_key.create&target=merchants/" + m.id() + "/api-keys/" + first);
        assertEquals(1, created.getList("data").size(), created.prettify());
        assertEquals(ada, created.getMap("data[0].actor"));
        assertEquals(Map.of("name", "reporting", "mode", "read_only"), created.getMap("data[0].detail"));
        JsonPath roll = audit("action=api_key.roll&target=merchants/" + m.id() + "/api-keys/" + first);
        assertEquals(1, roll.getList("data").size(), roll.prettify());
        assertEquals(Map.of("successor_key_id", second, "expires_in_seconds", 60), roll.getMap("data[0].detail"));
        JsonPath revoked = audit("action=api_key.revoke&target=merchants/" + m.id() + "/api-keys/" + second);
        assertEquals(1, revoked.getList("data").size(), revoked.prettify());
        assertEquals(Map.of("name", "reporting"), revoked.getMap("data[0].detail"));
        // the keys themselves are nowhere in the trail
        String all = as(OidcStandIn.VERA)
                .get("/admin/v1/audit?merchant_id=" + m.id())
                .then()
                .statusCode(200)
                .extract()
                .asString();
        assertFalse(all.contains(made.<String>path("api_key")), all);
        assertFalse(all.contains(rolled.<String>path("api_key")), all);
        assertFalse(all.contains("rk_"), all);
    }

    @Test
    void theAdminTokensActionsNameTheAdminTokenAndNobodyElse() {
        Api.TestMerchant m = Api.newMerchant();
        JsonPath trail = audit("action=merchant.create&target=merchants/" + m.id());
        assertEquals(1, trail.getList("data").size(), trail.prettify());
        assertEquals(Map.of("kind", "admin_token"), trail.getMap("data[0].actor"));
        assertEquals(Map.of("name", "Test " + m.id()), trail.getMap("data[0].detail"));
        assertEquals(
                1,
                audit("actor=admin_token&merchant_id=" + m.id()).getList("data").size());
        assertEquals(
                0,
                audit("actor=" + OidcStandIn.OTTO.subject() + "&merchant_id=" + m.id())
                        .getList("data")
                        .size());
    }

    @Test
    void noSecretKeyOrTokenEverReachesTheTrail() {
        String merchantId = "m_audit_" + Api.refundId().substring(3, 13);
        String apiKey = as(OidcStandIn.ADA)
                .body("{\"merchant_id\":\"" + merchantId + "\",\"name\":\"Secretive Ltd\"}")
                .post("/admin/v1/merchants")
                .then()
                .statusCode(201)
                .extract()
                .path("api_key");
        String notificationSecret = "whsec_AUDITCANARY_notify_0c1d";
        String pspKey = "sk_test_AUDITCANARY_51f0e2d4";
        String pspHookSecret = "whsec_AUDITCANARY_psp_7a8b";
        as(OidcStandIn.ADA)
                .body("{\"name\":\"Secretive Ltd\",\"webhook_url\":\"https://hooks.example.com/refract\","
                        + "\"webhook_secret\":\"" + notificationSecret + "\"}")
                .put("/admin/v1/merchants/" + merchantId)
                .then()
                .statusCode(200);
        as(OidcStandIn.ADA)
                .body("{\"credentials\":{\"api_key\":\"" + pspKey + "\"},\"webhook_secret\":\"" + pspHookSecret + "\"}")
                .put("/admin/v1/merchants/" + merchantId + "/connectors/stripe")
                .then()
                .statusCode(200);

        JsonPath trail = audit("merchant_id=" + merchantId);
        assertEquals(
                List.of("connector.put", "merchant.update", "merchant.create"),
                trail.getList("data.action"),
                "newest first");
        assertEquals(
                Map.of(
                        "enabled",
                        true,
                        "credential_names",
                        List.of("api_key"),
                        "setting_names",
                        List.of(),
                        "webhook_secret_set",
                        true),
                trail.getMap("data[0].detail"));
        assertEquals(
                Map.of(
                        "name",
                        "Secretive Ltd",
                        "webhook_url",
                        "https://hooks.example.com/refract",
                        "webhook_secret_set",
                        true),
                trail.getMap("data[1].detail"));
        assertEquals("merchants/" + merchantId + "/connectors/stripe", trail.getString("data[0].target"));
        // nowhere in the whole trail, under any name
        String everything = (String) Db.one("select coalesce(string_agg(a::text, ' '), '') as t from audit_log a")
                .get("t");
        Secrets.assertNoneIn(
                everything,
                "the audit trail",
                List.of(apiKey, notificationSecret, pspKey, pspHookSecret, OidcStandIn.accessToken(OidcStandIn.ADA)));
    }

    @Test
    void pagesAreNewestFirstAndACursorNeitherRepeatsNorSkipsWhileEntriesArrive() {
        Api.TestMerchant m = Api.newMerchant(); // merchant.create
        for (int i = 1; i <= 4; i++) {
            rename(m, "Name " + i);
        }
        JsonPath first = audit("merchant_id=" + m.id() + "&limit=2");
        assertEquals(List.of("merchant.update", "merchant.update"), first.getList("data.action"));
        assertEquals(Map.of("name", "Name 4"), first.getMap("data[0].detail"));
        assertEquals(true, first.getBoolean("has_more"));
        // two more arrive while the operator reads: they are newer than every page already read
        rename(m, "Name 5");
        rename(m, "Name 6");
        JsonPath second = audit("merchant_id=" + m.id() + "&limit=2&cursor=" + first.getString("next_cursor"));
        JsonPath third = audit("merchant_id=" + m.id() + "&limit=2&cursor=" + second.getString("next_cursor"));
        List<Object> names = new ArrayList<>();
        for (JsonPath page : List.of(first, second, third)) {
            for (int i = 0; i < page.getList("data").size(); i++) {
                Map<String, Object> detail = page.getMap("data[" + i + "].detail");
                names.add(detail.get("name"));
            }
        }
        assertEquals(List.of("Name 4", "Name 3", "Name 2", "Name 1", "Test " + m.id()), names);
        assertEquals(false, third.getBoolean("has_more"));
        assertEquals("merchant.create", third.getString("data[0].action"));
        List<Long> ids = new ArrayList<>();
        for (JsonPath page : List.of(first, second, third)) {
            page.getList("data.id", String.class).forEach(s -> ids.add(Long.parseLong(s.substring(4))));
        }
        for (int i = 1; i < ids.size(); i++) {
            assertTrue(ids.get(i) < ids.get(i - 1), "newest first: " + ids);
        }
        assertEquals(
                6,
                audit("action=merchant.update&target=merchants/" + m.id())
                        .getList("data")
                        .size());
    }

    @Test
    void badFiltersAreAnsweredInTheErrorShape() {
        for (Map.Entry<String, String> bad : Map.of(
                        "action=refund.explode", "action",
                        "limit=0", "limit",
                        "limit=101", "limit",
                        "limit=ten", "limit",
                        "cursor=bm90LWEtY3Vyc29y", "cursor",
                        "merchant_id=no%20such", "merchant_id")
                .entrySet()) {
            Response answer = as(OidcStandIn.VERA).get("/admin/v1/audit?" + bad.getKey());
            assertEquals(400, answer.statusCode(), bad.getKey());
            assertEquals("invalid_request", answer.jsonPath().getString("error.code"), bad.getKey());
            assertEquals(bad.getValue(), answer.jsonPath().getString("error.param"), bad.getKey());
        }
    }

    @Test
    void theTrailIsAppendOnly() {
        Api.newMerchant();
        assertRefused(() -> Db.execute("update audit_log set target = 'rewritten'"));
        assertRefused(() -> Db.execute("delete from audit_log"));
        assertRefused(() -> Db.execute("truncate audit_log"));
        assertEquals(0, Db.count("select count(*) from audit_log where target = 'rewritten'"));
        assertTrue(Db.count("select count(*) from audit_log") > 0);
    }

    @Test
    void anActionWhoseAuditEntryCannotBeWrittenIsNotDone() {
        String merchantId = "m_unaudited_" + Api.refundId().substring(3, 11);
        Api.TestMerchant m = Api.newMerchant();
        String id = Workers.refundInManualReview(m, Api.payment(10_000, "USD"));
        Db.execute("alter table audit_log add constraint refuse_for_this_test check (target not in ('merchants/"
                + merchantId + "', 'merchants/" + m.id() + "/refunds/" + id + "'))");
        try {
            Api.admin()
                    .body("{\"merchant_id\":\"" + merchantId + "\",\"name\":\"Never\"}")
                    .post("/admin/v1/merchants")
                    .then()
                    .statusCode(500);
            assertEquals(0, Db.count("select count(*) from merchants where id = ?", merchantId));
            as(OidcStandIn.OTTO)
                    .body("{\"status\":\"FAILED\",\"reason\":\"not at the PSP\"}")
                    .post("/admin/v1/merchants/" + m.id() + "/refunds/" + id + "/resolve")
                    .then()
                    .statusCode(500);
            m.get(id).then().body("status", equalTo("MANUAL_REVIEW"));
            assertEquals(
                    0,
                    Db.count(
                            "select count(*) from refund_events e join refunds r on r.id = e.refund_id "
                                    + "where r.merchant_id = ? and e.cause = 'OPERATOR'",
                            m.id()));
        } finally {
            Db.execute("alter table audit_log drop constraint refuse_for_this_test");
        }
    }

    @Test
    void noMerchantRequestWritesToTheTrail() {
        Api.TestMerchant m = Api.newMerchant();
        String payment = Api.payment(10_000, "USD");
        long before = Db.count("select count(*) from audit_log");
        for (int i = 0; i < 5; i++) {
            String id = Api.refundId();
            m.create(Api.body(id, payment, 100L, "USD", null)).then().statusCode(200);
            m.get(id).then().statusCode(200);
            m.sync(id).then().statusCode(200);
        }
        m.request().get("/v1/refunds?limit=10").then().statusCode(200);
        m.request().post("/v1/refunds/" + Api.refundId() + "/cancel").then().statusCode(404);
        assertEquals(before, Db.count("select count(*) from audit_log"), "merchant requests wrote to the trail");
    }

    private static void rename(Api.TestMerchant m, String name) {
        Api.admin()
                .body("{\"name\":\"" + name + "\"}")
                .put("/admin/v1/merchants/" + m.id())
                .then()
                .statusCode(200);
    }

    private static void assertRefused(Executable sql) {
        IllegalStateException e = assertThrows(IllegalStateException.class, sql);
        SQLException cause = (SQLException) e.getCause();
        assertEquals("P0001", cause.getSQLState(), cause.getMessage());
        assertTrue(cause.getMessage().contains("audit_log is append-only"), cause.getMessage());
        assertFalse(cause.getMessage().isEmpty());
    }
}
