package dev.refract.admin;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.refract.support.Api;
import dev.refract.support.Db;
import dev.refract.support.PostgresResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import java.util.Map;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
class AdminApiTest {

    @Test
    void createsAMerchantWhoseKeyIsShownOnceAndStoredHashed() {
        String id = "m_admin_" + System.nanoTime();
        String key = Api.admin()
                .body("{\"merchant_id\":\"" + id + "\",\"name\":\"Acme\"}")
                .post("/admin/v1/merchants")
                .then()
                .statusCode(201)
                .body("merchant_id", equalTo(id))
                .body("name", equalTo("Acme"))
                .body("api_key", startsWith("rk_"))
                .extract()
                .path("api_key");
        Map<String, Object> row = Db.one("select api_key_hash from merchants where id = ?", id);
        assertFalse(row.get("api_key_hash").toString().contains(key));
        assertEquals(64, row.get("api_key_hash").toString().length(), "a SHA-256, hex");

        Api.admin()
                .get("/admin/v1/merchants/" + id)
                .then()
                .statusCode(200)
                .body("merchant_id", equalTo(id))
                .body("api_key", nullValue())
                .body(not(containsString(key)));
        // the key works
        RestAssured.given()
                .header("Authorization", "Bearer " + key)
                .get("/v1/refunds")
                .then()
                .statusCode(200);
    }

    @Test
    void existingMerchantIdIs409() {
        Api.TestMerchant m = Api.newMerchant();
        Api.admin()
                .body("{\"merchant_id\":\"" + m.id() + "\",\"name\":\"Again\"}")
                .post("/admin/v1/merchants")
                .then()
                .statusCode(409)
                .body("error.code", equalTo("merchant_exists"));
    }

    @Test
    void refusesBadMerchantInput() {
        Api.admin()
                .body("{\"merchant_id\":\"has space\",\"name\":\"x\"}")
                .post("/admin/v1/merchants")
                .then()
                .statusCode(400)
                .body("error.param", equalTo("merchant_id"));
        Api.admin()
                .body("{\"merchant_id\":\"m_ok\"}")
                .post("/admin/v1/merchants")
                .then()
                .statusCode(400)
                .body("error.param", equalTo("name"));
        Api.admin()
                .body("{\"merchant_id\":\"m_ok\",\"name\":\"x\",\"extra\":1}")
                .post("/admin/v1/merchants")
                .then()
                .statusCode(400)
                .body("error.param", equalTo("extra"));
        Api.admin()
                .get("/admin/v1/merchants/m_does_not_exist")
                .then()
                .statusCode(404)
                .body("error.code", equalTo("merchant_not_found"));
    }

    @Test
    void adminEndpointsNeedTheAdminToken() {
        RestAssured.given()
                .contentType("application/json")
                .body("{\"merchant_id\":\"m_x\",\"name\":\"x\"}")
                .post("/admin/v1/merchants")
                .then()
                .statusCode(401)
                .body("error.code", equalTo("authentication_required"));
        RestAssured.given()
                .header("Authorization", "Bearer wrong")
                .get("/admin/v1/merchants/m_x")
                .then()
                .statusCode(401)
                .header("WWW-Authenticate", equalTo("Bearer realm=\"refract\""));
    }

    @Test
    void updatesMerchantSettingsWithoutEchoingSecrets() {
        Api.TestMerchant m = Api.newMerchant();
        Api.admin()
                .body(
                        "{\"name\":\"Renamed\",\"default_connector\":\"sandbox\",\"webhook_url\":\"https://merchant.example/hooks\","
                                + "\"webhook_secret\":\"whsec_merchant_secret_1\"}")
                .put("/admin/v1/merchants/" + m.id())
                .then()
                .statusCode(200)
                .body("name", equalTo("Renamed"))
                .body("default_connector", equalTo("sandbox"))
                .body("webhook_url", equalTo("https://merchant.example/hooks"))
                .body("webhook_secret_set", equalTo(true))
                .body(not(containsString("whsec_merchant_secret_1")));
        String stored = Db.one("select webhook_secret_enc from merchants where id = ?", m.id())
                .get("webhook_secret_enc")
                .toString();
        assertFalse(stored.contains("whsec_merchant_secret_1"));
        assertTrue(stored.startsWith("v1:"));

        Api.admin()
                .body("{\"default_connector\":\"nosuchpsp\"}")
                .put("/admin/v1/merchants/" + m.id())
                .then()
                .statusCode(400)
                .body("error.param", equalTo("default_connector"));
        Api.admin()
                .body("{\"webhook_url\":\"ftp://x\"}")
                .put("/admin/v1/merchants/" + m.id())
                .then()
                .statusCode(400)
                .body("error.param", equalTo("webhook_url"));
        Api.admin()
                .body("{\"name\":\"x\"}")
                .put("/admin/v1/merchants/m_nobody")
                .then()
                .statusCode(404);
    }

    @Test
    void connectorAccountCredentialsAreEncryptedAtRestAndNeverEchoed() {
        Api.TestMerchant m = Api.newMerchant();
        Api.admin()
                .body("{\"credentials\":{},\"webhook_secret\":\"whsec_sandbox_hook_9\",\"enabled\":true,"
                        + "\"settings\":{\"note\":\"demo\"}}")
                .put("/admin/v1/merchants/" + m.id() + "/connectors/sandbox")
                .then()
                .statusCode(200)
                .body("merchant_id", equalTo(m.id()))
                .body("connector", equalTo("sandbox"))
                .body("enabled", equalTo(true))
                .body("settings.note", equalTo("demo"))
                .body("webhook_secret_set", equalTo(true))
                .body(not(containsString("whsec_sandbox_hook_9")));
        Map<String, Object> row = Db.one(
                "select credentials_enc, webhook_secret_enc from connector_accounts "
                        + "where merchant_id = ? and connector = 'sandbox'",
                m.id());
        assertFalse(row.get("webhook_secret_enc").toString().contains("whsec_sandbox_hook_9"));
        assertTrue(row.get("credentials_enc").toString().startsWith("v1:"));

        Api.admin()
                .body("{\"credentials\":{\"api_key\":\"sk_test_x\"}}")
                .put("/admin/v1/merchants/" + m.id() + "/connectors/sandbox")
                .then()
                .statusCode(400)
                .body("error.param", equalTo("credentials"));
        Api.admin()
                .body("{}")
                .put("/admin/v1/merchants/" + m.id() + "/connectors/nosuchpsp")
                .then()
                .statusCode(404)
                .body("error.code", equalTo("connector_not_found"));
        Api.admin()
                .body("{}")
                .put("/admin/v1/merchants/m_nobody/connectors/sandbox")
                .then()
                .statusCode(404)
                .body("error.code", equalTo("merchant_not_found"));
    }

    @Test
    void disablingAConnectorStopsRoutingToIt() {
        Api.TestMerchant m = Api.newMerchant();
        Api.admin()
                .body("{\"enabled\":false}")
                .put("/admin/v1/merchants/" + m.id() + "/connectors/sandbox")
                .then()
                .statusCode(200)
                .body("enabled", equalTo(false));
        m.create(Api.body(Api.refundId(), Api.payment(1_000, "USD"), 100L, "USD", null))
                .then()
                .statusCode(400)
                .body("error.code", equalTo("connector_not_enabled"));
        m.create(Api.body(Api.refundId(), Api.payment(1_000, "USD"), 100L, "USD", "\"connector\":\"sandbox\""))
                .then()
                .statusCode(400)
                .body("error.code", equalTo("connector_not_enabled"));
        Api.admin()
                .body("{\"enabled\":true}")
                .put("/admin/v1/merchants/" + m.id() + "/connectors/sandbox")
                .then()
                .statusCode(200);
        m.create(Api.body(Api.refundId(), Api.payment(1_000, "USD"), 100L, "USD", null))
                .then()
                .statusCode(200);
    }

    @Test
    void routerNeedsAConnectorForIdsNobodyClaims() {
        Api.TestMerchant m = Api.newMerchant();
        m.create(Api.body(Api.refundId(), "txn_unclaimed_0001", 100L, "USD", null))
                .then()
                .statusCode(400)
                .body("error.code", equalTo("connector_required"));
        Api.admin()
                .body("{\"default_connector\":\"sandbox\"}")
                .put("/admin/v1/merchants/" + m.id())
                .then()
                .statusCode(200);
        // routed to the default connector, which does not know the payment
        m.create(Api.body(Api.refundId(), "txn_unclaimed_0001", 100L, "USD", null))
                .then()
                .statusCode(404)
                .body("error.code", equalTo("transaction_not_found"));
    }

    @Test
    void connectorsListedInMerchantViewAreTheirNames() {
        Api.TestMerchant m = Api.newMerchant();
        Api.admin()
                .body("{}")
                .put("/admin/v1/merchants/" + m.id() + "/connectors/sandbox")
                .then()
                .statusCode(200)
                .body("credential_keys.size()", equalTo(0));
        Api.admin().get("/admin/v1/merchants/" + m.id()).then().statusCode(200).body("$", not(hasItems("credentials")));
    }

    @Test
    void aWebhookSecretThePspCouldNotHaveIssuedIs400AndNothingIsStored() {
        Api.TestMerchant m = Api.newMerchant();
        for (String bad :
                new String[] {"not-hex-at-all-not-hex-at-all-not-hex", "ABC123", "44782DEF547AAA06C910C43932B1EB0"}) {
            Api.admin()
                    .body("{\"credentials\":{\"api_key\":\"AQE_key\"},\"settings\":{\"merchant_account\":\"Acme\"},"
                            + "\"webhook_secret\":\"" + bad + "\"}")
                    .put("/admin/v1/merchants/" + m.id() + "/connectors/adyen")
                    .then()
                    .statusCode(400)
                    .body("error.code", equalTo("invalid_request"))
                    .body("error.param", equalTo("webhook_secret"))
                    .body(not(containsString(bad)));
        }
        Api.admin()
                .body(
                        "{\"credentials\":{\"api_key\":\"sk_test_x\"},\"webhook_secret\":\"sk_test_not_a_signing_secret\"}")
                .put("/admin/v1/merchants/" + m.id() + "/connectors/stripe")
                .then()
                .statusCode(400)
                .body("error.param", equalTo("webhook_secret"));
        assertEquals(0L, Db.count("select count(*) from connector_accounts where merchant_id = ?", m.id()));
        Api.admin()
                .body("{\"credentials\":{\"api_key\":\"AQE_key\"},\"settings\":{\"merchant_account\":\"Acme\"},"
                        + "\"webhook_secret\":\"44782DEF547AAA06C910C43932B1EB0C71FC68D9D0C057550C48EC2ACF6BA056\"}")
                .put("/admin/v1/merchants/" + m.id() + "/connectors/adyen")
                .then()
                .statusCode(200);
    }
}
