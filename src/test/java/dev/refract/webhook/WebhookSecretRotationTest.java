package dev.refract.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.adyen.model.notification.NotificationRequestItem;
import com.stripe.net.Webhook;
import dev.refract.support.Api;
import dev.refract.support.Db;
import dev.refract.support.PostgresResource;
import dev.refract.support.PspStandIn;
import io.quarkus.cache.Cache;
import io.quarkus.cache.CacheName;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A PSP account's webhook secret replaced through the admin API: webhooks signed with the previous secret keep
 * verifying for refract.webhooks.previous-secret-grace (24 h), then only the new one does; for each connector that
 * verifies webhooks. The boundaries are tested by moving the time of the replacement in the database, 30 s inside
 * the grace and 1 s past it.
 */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(PspStandIn.class)
class WebhookSecretRotationTest {

    static final Duration GRACE = Duration.ofHours(24);
    static final String ADYEN_OLD = "44782DEF547AAA06C910C43932B1EB0C71FC68D9D0C057550C48EC2ACF6BA056";
    static final String ADYEN_NEW = "0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF";

    @Inject
    @CacheName("accounts-by-merchant")
    Cache accounts;

    /** The account's secret replaced {@code ago}, as if the PUT had been made then (and the account read anew). */
    void replacedAgo(Api.TestMerchant m, String connector, Duration ago) {
        assertEquals(
                1,
                Db.execute(
                        "update connector_accounts set webhook_secret_replaced_at = ? "
                                + "where merchant_id = ? and connector = ?",
                        java.time.OffsetDateTime.now().minus(ago),
                        m.id(),
                        connector));
        accounts.invalidate(m.id()).await().atMost(Duration.ofSeconds(5));
    }

    static Response putAccount(Api.TestMerchant m, String connector, String body) {
        return Api.admin().body(body).put("/admin/v1/merchants/" + m.id() + "/connectors/" + connector);
    }

    static Response stripe(Api.TestMerchant m, String body, String header) {
        return RestAssured.given()
                .contentType("application/json")
                .header("Stripe-Signature", header)
                .body(body)
                .post("/webhooks/" + m.id() + "/stripe");
    }

    /** A refund.updated event for a refund Refract does not know: verified, it is kept and answered 200. */
    static String stripeEvent() {
        String re = "re_rot_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        return StripeWebhookTest.event(
                StripeWebhookTest.evtId(),
                "refund.updated",
                StripeWebhookTest.refund(re, "pi_rot", "succeeded", "r_unknown_" + re));
    }

    @Test
    void aReplacedStripeSecretVerifiesForItsGraceThenNot() throws Exception {
        Api.TestMerchant m = Api.newMerchant();
        putAccount(m, "stripe", "{\"credentials\":{\"api_key\":\"sk_test_rot\"},\"webhook_secret\":\"whsec_rot_old\"}")
                .then()
                .statusCode(200);
        Instant before = Instant.now();
        Response replaced = putAccount(
                m, "stripe", "{\"credentials\":{\"api_key\":\"sk_test_rot\"},\"webhook_secret\":\"whsec_rot_new\"}");
        replaced.then().statusCode(200);
        Instant until = Instant.parse(replaced.path("previous_webhook_secret_expires_at"));
        assertTrue(
                !until.isBefore(before.plus(GRACE))
                        && !until.isAfter(Instant.now().plus(GRACE)),
                until.toString());
        assertFalse(replaced.asString().contains("whsec_rot"));
        Map<String, Object> row = Db.one(
                "select previous_webhook_secret_enc from connector_accounts where merchant_id = ? and connector = 'stripe'",
                m.id());
        String sealed = row.get("previous_webhook_secret_enc").toString();
        assertTrue(sealed.startsWith("v1:") && !sealed.contains("whsec_rot_old"), "encrypted at rest");

        String body = stripeEvent();
        assertEquals(
                200,
                stripe(m, body, Webhook.Signature.generateSignatureHeader(body, "whsec_rot_old"))
                        .statusCode());
        assertEquals(
                200,
                stripe(m, body, Webhook.Signature.generateSignatureHeader(body, "whsec_rot_new"))
                        .statusCode());

        // just inside the grace: the previous secret verifies, alone or as one of several v1 in one header
        replacedAgo(m, "stripe", GRACE.minusSeconds(30));
        String inside = stripeEvent();
        String old = Webhook.Signature.generateSignatureHeader(inside, "whsec_rot_old");
        assertEquals(200, stripe(m, inside, old).statusCode());
        String stranger = Webhook.Signature.generateSignatureHeader(inside, "whsec_not_ours");
        String several = stranger + "," + old.substring(old.indexOf("v1="));
        assertEquals(200, stripe(m, inside, several).statusCode());

        // just past it: only the new one
        replacedAgo(m, "stripe", GRACE.plusSeconds(1));
        String after = stripeEvent();
        Response refused = stripe(m, after, Webhook.Signature.generateSignatureHeader(after, "whsec_rot_old"));
        assertEquals(401, refused.statusCode());
        assertEquals("invalid_signature", refused.path("error.code"));
        assertEquals(401, stripe(m, inside, several).statusCode());
        assertEquals(
                200,
                stripe(m, after, Webhook.Signature.generateSignatureHeader(after, "whsec_rot_new"))
                        .statusCode());
    }

    @Test
    void aReplacedAdyenKeyVerifiesForItsGraceThenNot() throws Exception {
        Api.TestMerchant m = Api.newMerchant();
        String account = "{\"credentials\":{\"api_key\":\"AQE\"},\"settings\":{\"merchant_account\":\"AcmeECOM\"},"
                + "\"webhook_secret\":\"%s\"}";
        putAccount(m, "adyen", account.formatted(ADYEN_OLD)).then().statusCode(200);
        putAccount(m, "adyen", account.formatted(ADYEN_NEW)).then().statusCode(200);

        assertEquals(200, adyen(m, ADYEN_OLD).statusCode());
        assertEquals(200, adyen(m, ADYEN_NEW).statusCode());
        replacedAgo(m, "adyen", GRACE.minusSeconds(30));
        assertEquals(200, adyen(m, ADYEN_OLD).statusCode());
        replacedAgo(m, "adyen", GRACE.plusSeconds(1));
        assertEquals(401, adyen(m, ADYEN_OLD).statusCode());
        assertEquals(200, adyen(m, ADYEN_NEW).statusCode());
    }

    @Test
    void theSameSecretAgainKeepsTheRotationAndClearingTheSecretEndsBoth() throws Exception {
        Api.TestMerchant m = Api.newMerchant();
        String account = "{\"credentials\":{\"api_key\":\"sk_test_rot\"},\"webhook_secret\":\"%s\"}";
        putAccount(m, "stripe", account.formatted("whsec_keep_old")).then().statusCode(200);
        String until = putAccount(m, "stripe", account.formatted("whsec_keep_new"))
                .then()
                .statusCode(200)
                .extract()
                .path("previous_webhook_secret_expires_at");
        Response again = putAccount(m, "stripe", account.formatted("whsec_keep_new"));
        again.then().statusCode(200);
        assertEquals(until, again.path("previous_webhook_secret_expires_at"), "sending it again replaces nothing");
        String body = stripeEvent();
        assertEquals(
                200,
                stripe(m, body, Webhook.Signature.generateSignatureHeader(body, "whsec_keep_old"))
                        .statusCode());

        Response cleared = putAccount(m, "stripe", "{\"credentials\":{\"api_key\":\"sk_test_rot\"}}");
        cleared.then().statusCode(200);
        assertEquals(false, cleared.path("webhook_secret_set"));
        assertNull(cleared.path("previous_webhook_secret_expires_at"));
        assertEquals(
                401,
                stripe(m, body, Webhook.Signature.generateSignatureHeader(body, "whsec_keep_old"))
                        .statusCode());
    }

    Response adyen(Api.TestMerchant m, String key) throws Exception {
        NotificationRequestItem item = AdyenWebhookTest.item(
                AdyenWebhookTest.psp(),
                AdyenWebhookTest.psp(),
                "r_unknown_" + UUID.randomUUID(),
                "REFUND_FAILED",
                true,
                "");
        return RestAssured.given()
                .contentType("application/json")
                .body(AdyenWebhookTest.notification(item, key))
                .post("/webhooks/" + m.id() + "/adyen");
    }
}
