package dev.refract.webhook;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.adyen.model.notification.Amount;
import com.adyen.model.notification.NotificationRequestItem;
import com.adyen.util.HMACValidator;
import com.github.tomakehurst.wiremock.client.WireMock;
import dev.refract.support.Api;
import dev.refract.support.Db;
import dev.refract.support.PostgresResource;
import dev.refract.support.PspStandIn;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Refunds made at the PSP outside Refract (its dashboard): a verified event for a refund Refract does not know
 * is adopted as an external refund of its payment, counted in its ledger, readable, listed, notified and followed
 * in the customer's Credyt wallet; redeliveries and later events change it like any refund, never twice.
 */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(PspStandIn.class)
public class ExternalRefundTest {

    static final String STRIPE_SECRET = StripeWebhookTest.SECRET;

    public static String id(String prefix) {
        return prefix + UUID.randomUUID().toString().replace("-", "").substring(0, 20);
    }

    /** A merchant with Stripe, notifications to a stand-in URL and, when asked, Credyt. */
    public static Api.TestMerchant stripeMerchant(boolean credyt) {
        Api.TestMerchant m = Api.newMerchant();
        PspStandIn.server()
                .stubFor(post(urlEqualTo("/merchant-hooks/" + m.id()))
                        .willReturn(aResponse().withStatus(200)));
        Api.admin()
                .body("{\"webhook_url\":\"" + PspStandIn.server().baseUrl() + "/merchant-hooks/" + m.id()
                        + "\",\"webhook_secret\":\"whsec_merchant_side\"}")
                .put("/admin/v1/merchants/" + m.id())
                .then()
                .statusCode(200);
        Api.admin()
                .body("{\"credentials\":{\"api_key\":\"sk_test_dashboard\"},\"webhook_secret\":\"" + STRIPE_SECRET
                        + "\"}")
                .put("/admin/v1/merchants/" + m.id() + "/connectors/stripe")
                .then()
                .statusCode(200);
        if (credyt) {
            Api.admin()
                    .body("{\"credentials\":{\"api_key\":\"credyt_key\"},\"settings\":{\"account_name\":\"default\"}}")
                    .put("/admin/v1/merchants/" + m.id() + "/connectors/credyt")
                    .then()
                    .statusCode(200);
        }
        return m;
    }

    /** A Stripe refund object as its dashboard makes it: no merchant_refund_id in its metadata. */
    static String dashboardRefund(String reId, String payment, String charge, long amount, String status) {
        return """
                {"id": "%s", "object": "refund", "amount": %d, "currency": "usd", "payment_intent": "%s",
                 "charge": "%s", "status": "%s", "metadata": {}}""".formatted(reId, amount, payment, charge, status);
    }

    /** A Stripe event of {@code type} about a dashboard refund (deliverStripe signs it). */
    public static String dashboardEvent(
            String type, String reId, String payment, String charge, long amount, String status) {
        return StripeWebhookTest.event(
                StripeWebhookTest.evtId(), type, dashboardRefund(reId, payment, charge, amount, status));
    }

    public static Response deliverStripe(Api.TestMerchant m, String body) throws Exception {
        return RestAssured.given()
                .contentType("application/json")
                .body(body)
                .header("Stripe-Signature", StripeWebhookTest.sign(body, STRIPE_SECRET))
                .post("/webhooks/" + m.id() + "/stripe");
    }

    static Map<String, Object> ledger(Api.TestMerchant m, String payment) {
        return Db.one(
                "select in_flight_minor, refunded_minor from payment_ledger where merchant_id = ? "
                        + "and connector_transaction_id = ?",
                m.id(),
                payment);
    }

    static long outbox(Api.TestMerchant m, String merchantRefundId, String eventType) {
        return Db.count(
                "select count(*) from outbox o join refunds r on r.id = o.refund_id where r.merchant_id = ? "
                        + "and r.merchant_refund_id = ? and o.event_type = ?",
                m.id(),
                merchantRefundId,
                eventType);
    }

    @Test
    void aDashboardRefundIsAdoptedCountedReadableListedAndNotified() throws Exception {
        Api.TestMerchant m = stripeMerchant(false);
        String payment = id("pi_");
        String charge = id("ch_");
        String reId = id("re_");
        String body = dashboardEvent("refund.created", reId, payment, charge, 400, "succeeded");
        deliverStripe(m, body).then().statusCode(200);

        String external = "external:stripe:" + reId;
        m.get(external)
                .then()
                .statusCode(200)
                .body("external", equalTo(true))
                .body("status", equalTo("SUCCEEDED"))
                .body("connector", equalTo("stripe"))
                .body("connector_transaction_id", equalTo(payment))
                .body("connector_refund_id", equalTo(reId))
                .body("amount.minor_amount", equalTo(400))
                .body("amount.currency", equalTo("USD"));
        m.request()
                .queryParam("connector_transaction_id", payment)
                .get("/v1/refunds")
                .then()
                .statusCode(200)
                .body("data.size()", equalTo(1))
                .body("data[0].merchant_refund_id", equalTo(external))
                .body("data[0].external", equalTo(true));
        assertEquals(Map.of("in_flight_minor", 0L, "refunded_minor", 400L), ledger(m, payment));
        assertEquals(1, outbox(m, external, "refund.succeeded"), "the merchant is told");
        assertEquals(
                1,
                Db.count(
                        "select count(*) from refund_events e join refunds r on r.id = e.refund_id "
                                + "where r.merchant_id = ? and r.merchant_refund_id = ? and e.cause = 'WEBHOOK' and e.from_state is null "
                                + "and e.to_state = 'SUCCEEDED'",
                        m.id(),
                        external));

        // what the dashboard refunded is no longer refundable through the API
        m.create(Api.body(
                        Api.refundId(),
                        payment,
                        700L,
                        "USD",
                        "\"payment_amount\":{\"minor_amount\":1000,\"currency\":\"USD\"}"))
                .then()
                .statusCode(422)
                .body("error.code", equalTo("amount_exceeds_refundable"))
                .body("error.message", equalTo("amount 700 USD exceeds refundable 600 USD"));
        Db.assertLedgerConsistent(m.id(), payment);
    }

    @Test
    void redeliveriesAndOtherEventsOfTheSameRefundAdoptItOnce() throws Exception {
        Api.TestMerchant m = stripeMerchant(false);
        String payment = id("pi_");
        String charge = id("ch_");
        String reId = id("re_");
        String created = dashboardEvent("refund.created", reId, payment, charge, 300, "succeeded");
        deliverStripe(m, created).then().statusCode(200);
        deliverStripe(m, created).then().statusCode(200);
        // the older API's charge.refunded lists the same refund inside the charge
        String chargeRefunded = StripeWebhookTest.event(StripeWebhookTest.evtId(), "charge.refunded", """
                {"id": "%s", "object": "charge", "amount": 1000, "amount_refunded": 300, "payment_intent": "%s",
                 "metadata": {}, "refunds": {"object": "list", "data": [%s]}}""".formatted(
                        charge, payment, dashboardRefund(reId, payment, charge, 300, "succeeded")));
        deliverStripe(m, chargeRefunded).then().statusCode(200);

        assertEquals(1, Db.count("select count(*) from refunds where merchant_id = ? and external", m.id()));
        assertEquals(Map.of("in_flight_minor", 0L, "refunded_minor", 300L), ledger(m, payment));
        assertEquals(1, outbox(m, "external:stripe:" + reId, "refund.succeeded"));
        assertEquals(
                2,
                Db.count(
                        "select count(*) from webhook_events where merchant_id = ? and applied_at is not null", m.id()),
                "both distinct events are applied to the one external refund");
    }

    @Test
    void aPendingDashboardRefundIsReservedAndReleasedWhenStripeReportsItFailed() throws Exception {
        Api.TestMerchant m = stripeMerchant(false);
        String payment = id("pi_");
        String charge = id("ch_");
        String reId = id("re_");
        deliverStripe(m, dashboardEvent("refund.created", reId, payment, charge, 250, "pending"))
                .then()
                .statusCode(200);
        String external = "external:stripe:" + reId;
        m.get(external).then().body("status", equalTo("PENDING"));
        assertEquals(Map.of("in_flight_minor", 250L, "refunded_minor", 0L), ledger(m, payment));

        deliverStripe(m, dashboardEvent("refund.failed", reId, payment, charge, 250, "failed"))
                .then()
                .statusCode(200);
        m.get(external).then().body("status", equalTo("FAILED")).body("error.code", equalTo("refund_failed"));
        assertEquals(Map.of("in_flight_minor", 0L, "refunded_minor", 0L), ledger(m, payment));
        assertEquals(1, outbox(m, external, "refund.pending"));
        assertEquals(1, outbox(m, external, "refund.failed"));
    }

    @Test
    void outOfOrderEventsOfADashboardRefundEndInItsLatestState() throws Exception {
        Api.TestMerchant m = stripeMerchant(false);
        String payment = id("pi_");
        String charge = id("ch_");
        String reId = id("re_");
        deliverStripe(m, dashboardEvent("refund.updated", reId, payment, charge, 250, "succeeded"))
                .then()
                .statusCode(200);
        deliverStripe(m, dashboardEvent("refund.created", reId, payment, charge, 250, "pending"))
                .then()
                .statusCode(200);
        m.get("external:stripe:" + reId).then().body("status", equalTo("SUCCEEDED"));
        assertEquals(Map.of("in_flight_minor", 0L, "refunded_minor", 250L), ledger(m, payment));
    }

    @Test
    void theCustomersWalletFollowsADashboardRefundByThePaymentsMetadataAtStripe() throws Exception {
        Api.TestMerchant m = stripeMerchant(true);
        String payment = id("pi_");
        String charge = id("ch_");
        String reId = id("re_");
        String customer = "cust_" + UUID.randomUUID().toString().substring(0, 8);
        PspStandIn.server()
                .stubFor(get(urlEqualTo("/stripe/v1/payment_intents/" + payment))
                        .willReturn(okJson("""
                {"id": "%s", "object": "payment_intent", "amount_received": 1000, "currency": "usd",
                 "status": "succeeded", "metadata": {"credyt_customer_id": "%s", "order": "A-17"}}""".formatted(payment, customer))));
        deliverStripe(m, dashboardEvent("refund.created", reId, payment, charge, 400, "succeeded"))
                .then()
                .statusCode(200);

        String external = "external:stripe:" + reId;
        m.get(external)
                .then()
                .body("metadata.credyt_customer_id", equalTo(customer))
                .body("metadata.order", equalTo("A-17"));
        assertEquals(1, outbox(m, external, "credyt.adjustment"), "one wallet adjustment");
        assertEquals(
                1,
                PspStandIn.server()
                        .findAll(getRequestedFor(urlEqualTo("/stripe/v1/payment_intents/" + payment)))
                        .size());
    }

    @Test
    void aStripeThatCannotBeAskedForThePaymentFailsTheDeliverySoStripeDeliversItAgain() throws Exception {
        Api.TestMerchant m = stripeMerchant(true);
        String payment = id("pi_");
        String reId = id("re_");
        PspStandIn.server()
                .stubFor(get(urlEqualTo("/stripe/v1/payment_intents/" + payment))
                        .willReturn(aResponse().withStatus(500)));
        String body = dashboardEvent("refund.created", reId, payment, id("ch_"), 400, "succeeded");
        deliverStripe(m, body)
                .then()
                .statusCode(503)
                .header("Retry-After", equalTo("30"))
                .body("error.code", equalTo("connector_unavailable"));
        assertEquals(0, Db.count("select count(*) from refunds where merchant_id = ?", m.id()), "nothing adopted yet");

        String customer = "cust_" + UUID.randomUUID().toString().substring(0, 8);
        PspStandIn.server()
                .stubFor(get(urlEqualTo("/stripe/v1/payment_intents/" + payment))
                        .willReturn(okJson("""
                {"id": "%s", "amount_received": 1000, "currency": "usd", "metadata": {"credyt_customer_id": "%s"}}""".formatted(payment, customer))));
        deliverStripe(m, body).then().statusCode(200);
        m.get("external:stripe:" + reId).then().body("metadata.credyt_customer_id", equalTo(customer));
        assertEquals(1, outbox(m, "external:stripe:" + reId, "credyt.adjustment"));
    }

    @Test
    void anEventThatNamesARefractRefundThisDatabaseDoesNotHaveIsKeptNotAdopted() throws Exception {
        Api.TestMerchant m = stripeMerchant(false);
        String reId = id("re_");
        deliverStripe(
                        m,
                        StripeWebhookTest.event(
                                StripeWebhookTest.evtId(),
                                "refund.updated",
                                StripeWebhookTest.refund(reId, id("pi_"), "succeeded", "made_by_another_refract")))
                .then()
                .statusCode(200);
        assertEquals(0, Db.count("select count(*) from refunds where merchant_id = ?", m.id()));
        assertEquals(
                1,
                Db.count(
                        "select count(*) from webhook_events where merchant_id = ? and applied_at is null "
                                + "and connector_refund_id = ?",
                        m.id(),
                        reId));
    }

    @Test
    void aDashboardRefundPastTheCapturedAmountRefractKnowsIsKeptForAnOperatorNotWritten() throws Exception {
        Api.TestMerchant m = stripeMerchant(false);
        String payment = id("pi_");
        String own = Api.refundId();
        PspStandIn.server()
                .stubFor(post(urlEqualTo("/stripe/v1/refunds"))
                        .withRequestBody(WireMock.containing(payment))
                        .willReturn(okJson(StripeWebhookTest.refund(id("re_"), payment, "succeeded", own))));
        m.create(Api.body(own, payment, 500L, "USD", "\"payment_amount\":{\"minor_amount\":1000,\"currency\":\"USD\"}"))
                .then()
                .statusCode(200)
                .body("status", equalTo("SUCCEEDED"));
        String reId = id("re_");
        deliverStripe(m, dashboardEvent("refund.created", reId, payment, id("ch_"), 600, "succeeded"))
                .then()
                .statusCode(200);
        assertEquals(0, Db.count("select count(*) from refunds where merchant_id = ? and external", m.id()));
        assertEquals(Map.of("in_flight_minor", 0L, "refunded_minor", 500L), ledger(m, payment));
        assertEquals(
                1,
                Db.count(
                        "select count(*) from webhook_events where merchant_id = ? and applied_at is null "
                                + "and connector_refund_id = ?",
                        m.id(),
                        reId));
    }

    @Test
    void aMerchantCannotChooseAnExternalRefundsId() {
        Api.TestMerchant m = Api.newMerchant();
        m.create(Api.body("external:stripe:re_mine", Api.payment(1_000, "USD"), 100L, "USD", null))
                .then()
                .statusCode(400)
                .body("error.code", equalTo("invalid_request"))
                .body("error.param", equalTo("merchant_refund_id"));
    }

    @Test
    void anAdyenRefundMadeInTheCustomerAreaIsAdoptedWithTheWalletFromAdditionalData() throws Exception {
        Api.TestMerchant m = Api.newMerchant();
        Api.admin()
                .body("{\"credentials\":{\"api_key\":\"AQE\"},\"settings\":{\"merchant_account\":\"AcmeECOM\"},"
                        + "\"webhook_secret\":\"" + AdyenWebhookTest.HMAC_KEY + "\"}")
                .put("/admin/v1/merchants/" + m.id() + "/connectors/adyen")
                .then()
                .statusCode(200);
        Api.admin()
                .body("{\"credentials\":{\"api_key\":\"credyt_key\"},\"settings\":{\"account_name\":\"default\"}}")
                .put("/admin/v1/merchants/" + m.id() + "/connectors/credyt")
                .then()
                .statusCode(200);
        String payment = AdyenWebhookTest.psp();
        String refundPsp = AdyenWebhookTest.psp();
        Amount amount = new Amount();
        amount.setValue(500L);
        amount.setCurrency("JPY");
        NotificationRequestItem item = new NotificationRequestItem()
                .setPspReference(refundPsp)
                .setOriginalReference(payment)
                .setMerchantAccountCode("AcmeECOM")
                .setMerchantReference("order-17")
                .setAmount(amount)
                .setEventCode("REFUND")
                .setSuccess(true);
        String hmac = new HMACValidator().calculateHMAC(item, AdyenWebhookTest.HMAC_KEY);
        String body = """
                {"live": "false", "notificationItems": [{"NotificationRequestItem": {
                  "additionalData": {"hmacSignature": "%s", "metadata.credyt_customer_id": "cust_adyen_1"},
                  "amount": {"currency": "JPY", "value": 500}, "eventCode": "REFUND",
                  "eventDate": "2026-01-20T15:30:00+01:00", "merchantAccountCode": "AcmeECOM",
                  "merchantReference": "order-17", "originalReference": "%s", "pspReference": "%s",
                  "reason": "", "success": "true"}}]}""".formatted(hmac, payment, refundPsp);
        RestAssured.given()
                .contentType("application/json")
                .body(body)
                .post("/webhooks/" + m.id() + "/adyen")
                .then()
                .statusCode(200)
                .body(equalTo("[accepted]"));
        RestAssured.given()
                .contentType("application/json")
                .body(body)
                .post("/webhooks/" + m.id() + "/adyen")
                .then()
                .statusCode(200);

        String external = "external:adyen:" + refundPsp;
        m.get(external)
                .then()
                .statusCode(200)
                .body("external", equalTo(true))
                .body("status", equalTo("SUCCEEDED"))
                .body("connector_transaction_id", equalTo(payment))
                .body("amount.minor_amount", equalTo(500))
                .body("amount.currency", equalTo("JPY"))
                .body("metadata.credyt_customer_id", equalTo("cust_adyen_1"));
        assertEquals(1, Db.count("select count(*) from refunds where merchant_id = ?", m.id()));
        assertEquals(1, outbox(m, external, "credyt.adjustment"));
        Db.assertLedgerConsistent(m.id(), payment);
    }
}
