package dev.refract.webhook;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.adyen.model.notification.Amount;
import com.adyen.model.notification.NotificationRequestItem;
import com.adyen.util.HMACValidator;
import dev.refract.support.Api;
import dev.refract.support.Db;
import dev.refract.support.PostgresResource;
import dev.refract.support.PspStandIn;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import java.util.Locale;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Adyen standard notifications, their HMACs computed by Adyen's own library. */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(PspStandIn.class)
class AdyenWebhookTest {

    static final String HMAC_KEY = "44782DEF547AAA06C910C43932B1EB0C71FC68D9D0C057550C48EC2ACF6BA056";

    Api.TestMerchant merchant;

    @BeforeEach
    void adyenMerchant() {
        merchant = Api.newMerchant();
        Api.admin()
                .body("{\"credentials\":{\"api_key\":\"AQE\"},\"settings\":{\"merchant_account\":\"AcmeECOM\"},"
                        + "\"webhook_secret\":\"" + HMAC_KEY + "\"}")
                .put("/admin/v1/merchants/" + merchant.id() + "/connectors/adyen")
                .then()
                .statusCode(200);
    }

    static String psp() {
        return UUID.randomUUID().toString().replace("-", "").substring(0, 16).toUpperCase(Locale.ROOT);
    }

    /** A refund Adyen acknowledged: answers merchant_refund_id, payment and refund pspReferences. */
    String[] acknowledgedRefund() {
        String payment = psp();
        String refundPsp = psp();
        PspStandIn.server()
                .stubFor(
                        post(urlEqualTo("/adyen/payments/" + payment + "/refunds"))
                                .willReturn(
                                        aResponse()
                                                .withStatus(201)
                                                .withHeader("Content-Type", "application/json")
                                                .withBody(
                                                        "{\"merchantAccount\":\"AcmeECOM\",\"paymentPspReference\":\""
                                                                + payment + "\",\"pspReference\":\"" + refundPsp
                                                                + "\",\"status\":\"received\",\"amount\":{\"currency\":\"EUR\",\"value\":1500}}")));
        String id = Api.refundId();
        merchant.create(Api.body(
                        id, payment, 1_500L, "EUR", "\"payment_amount\":{\"minor_amount\":5000,\"currency\":\"EUR\"}"))
                .then()
                .statusCode(200)
                .body("status", equalTo("PENDING"));
        return new String[] {id, payment, refundPsp};
    }

    static NotificationRequestItem item(
            String refundPsp,
            String payment,
            String merchantRefundId,
            String eventCode,
            boolean success,
            String reason) {
        Amount amount = new Amount();
        amount.setValue(1500L);
        amount.setCurrency("EUR");
        NotificationRequestItem item = new NotificationRequestItem()
                .setPspReference(refundPsp)
                .setOriginalReference(payment)
                .setMerchantAccountCode("AcmeECOM")
                .setMerchantReference(merchantRefundId)
                .setAmount(amount)
                .setEventCode(eventCode)
                .setSuccess(success)
                .setReason(reason);
        return item;
    }

    static String notification(NotificationRequestItem item, String key) throws Exception {
        String hmac = new HMACValidator().calculateHMAC(item, key);
        return """
                {"live": "false", "notificationItems": [{"NotificationRequestItem": {
                  "additionalData": {"hmacSignature": "%s"},
                  "amount": {"currency": "%s", "value": %d},
                  "eventCode": "%s", "eventDate": "2026-01-20T15:30:00+01:00", "merchantAccountCode": "%s",
                  "merchantReference": "%s", "originalReference": "%s", "pspReference": "%s",
                  "reason": "%s", "success": "%s"}}]}""".formatted(
                        hmac,
                        item.getAmount().getCurrency(),
                        item.getAmount().getValue(),
                        item.getEventCode(),
                        item.getMerchantAccountCode(),
                        item.getMerchantReference(),
                        item.getOriginalReference(),
                        item.getPspReference(),
                        item.getReason() == null ? "" : item.getReason(),
                        item.isSuccess());
    }

    Response deliver(String body) {
        return RestAssured.given()
                .contentType("application/json")
                .body(body)
                .post("/webhooks/" + merchant.id() + "/adyen");
    }

    @Test
    void refundSuccessIsAcceptedAndApplied() throws Exception {
        String[] r = acknowledgedRefund();
        deliver(notification(item(r[2], r[1], r[0], "REFUND", true, null), HMAC_KEY))
                .then()
                .statusCode(200)
                .body(equalTo("[accepted]"));
        merchant.get(r[0]).then().body("status", equalTo("SUCCEEDED")).body("connector_status", equalTo("REFUND"));
        Db.assertLedgerConsistent(merchant.id(), r[1]);
    }

    @Test
    void aSignedSuccessForAnotherAmountIsManualReviewAndNeverSucceeded() throws Exception {
        String[] r = acknowledgedRefund();
        NotificationRequestItem item = item(r[2], r[1], r[0], "REFUND", true, null);
        item.getAmount().setValue(1_400L);
        deliver(notification(item, HMAC_KEY)).then().statusCode(200).body(equalTo("[accepted]"));
        merchant.get(r[0])
                .then()
                .body("status", equalTo("MANUAL_REVIEW"))
                .body("amount.minor_amount", equalTo(1_500))
                .body("error.code", equalTo("connector_mismatch"))
                .body(
                        "error.message",
                        equalTo("the PSP's answer contradicts the refund; amount: the PSP reported 1400,"
                                + " the refund is 1500 (EUR minor units)"));
        // a later, agreeing success does not settle it: the PSP's books already disagree; an operator decides
        deliver(notification(item(r[2], r[1], r[0], "CANCEL_OR_REFUND", true, null), HMAC_KEY))
                .then()
                .statusCode(200);
        merchant.get(r[0]).then().body("status", equalTo("MANUAL_REVIEW"));
        Db.assertLedgerConsistent(merchant.id(), r[1]);
        assertEquals(
                1_500L,
                ((Number) Db.one(
                                        "select in_flight_minor from payment_ledger where merchant_id = ? and "
                                                + "connector_transaction_id = ?",
                                        merchant.id(),
                                        r[1])
                                .get("in_flight_minor"))
                        .longValue());
    }

    @Test
    void refusedRefundFailsWithAdyensReason() throws Exception {
        String[] r = acknowledgedRefund();
        deliver(notification(item(r[2], r[1], r[0], "REFUND", false, "Insufficient balance on payment"), HMAC_KEY))
                .then()
                .statusCode(200);
        merchant.get(r[0])
                .then()
                .body("status", equalTo("FAILED"))
                .body("error.connector_message", equalTo("Insufficient balance on payment"));
    }

    @Test
    void reversalAfterSuccessFailsTheRefundAndDuplicatesChangeNothing() throws Exception {
        String[] r = acknowledgedRefund();
        String success = notification(item(r[2], r[1], r[0], "REFUND", true, null), HMAC_KEY);
        deliver(success).then().statusCode(200);
        deliver(success).then().statusCode(200);
        deliver(notification(item(r[2], r[1], r[0], "REFUNDED_REVERSED", true, null), HMAC_KEY))
                .then()
                .statusCode(200);
        merchant.get(r[0]).then().body("status", equalTo("FAILED")).body("error.code", equalTo("refund_returned"));
        assertEquals(2, Db.count("select count(*) from webhook_events where merchant_id = ?", merchant.id()));
        Db.assertLedgerConsistent(merchant.id(), r[1]);
    }

    @Test
    void badHmacIs401() throws Exception {
        String[] r = acknowledgedRefund();
        String forged = notification(
                item(r[2], r[1], r[0], "REFUND", true, null),
                "0000000000000000000000000000000000000000000000000000000000000000");
        deliver(forged).then().statusCode(401);
        String tampered = notification(item(r[2], r[1], r[0], "REFUND", false, null), HMAC_KEY)
                .replace("\"success\": \"false\"", "\"success\": \"true\"");
        deliver(tampered).then().statusCode(401);
        merchant.get(r[0]).then().body("status", equalTo("PENDING"));
    }
}
