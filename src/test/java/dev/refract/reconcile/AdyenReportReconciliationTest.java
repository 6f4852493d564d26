package dev.refract.reconcile;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.adyen.model.notification.Amount;
import com.adyen.model.notification.NotificationRequestItem;
import com.adyen.util.HMACValidator;
import dev.refract.support.Api;
import dev.refract.support.Db;
import dev.refract.support.PostgresResource;
import dev.refract.support.PspStandIn;
import dev.refract.support.RawHttp;
import dev.refract.support.Reconciling;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Adyen reconciled from its Settlement details report, uploaded by an operator: a report with each kind of entry, an
 * empty one, one cut short, another report of Adyen's, a malformed file, and one of 60 MB; each refusal in the API's
 * error shape, and nothing of a refused file kept.
 */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(PspStandIn.class)
class AdyenReportReconciliationTest {

    static final String PATH = "/admin/v1/reconciliations/adyen-settlement-report";
    static final String HMAC_KEY = "44782DEF547AAA06C910C43932B1EB0C71FC68D9D0C057550C48EC2ACF6BA056";
    static final DateTimeFormatter ADYEN =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

    Api.TestMerchant merchant;
    Instant from;

    @BeforeEach
    void adyenMerchant() {
        from = Instant.now().minusSeconds(60);
        merchant = Api.newMerchant();
        merchant.useConnector(
                "adyen",
                "{\"credentials\":{\"api_key\":\"AQE\"},\"settings\":{\"merchant_account\":\"AcmeECOM\"},"
                        + "\"webhook_secret\":\"" + HMAC_KEY + "\"}");
    }

    static String psp() {
        return UUID.randomUUID().toString().replace("-", "").substring(0, 16).toUpperCase(Locale.ROOT);
    }

    /** A refund Adyen acknowledged (PENDING until its webhook); answers {merchant_refund_id, payment, refund psp}. */
    String[] acknowledged(long minor, String currency) {
        String payment = psp();
        String refundPsp = psp();
        PspStandIn.server()
                .stubFor(post(urlEqualTo("/adyen/payments/" + payment + "/refunds"))
                        .willReturn(aResponse()
                                .withStatus(201)
                                .withHeader("Content-Type", "application/json")
                                .withBody("{\"merchantAccount\":\"AcmeECOM\",\"paymentPspReference\":\"" + payment
                                        + "\",\"pspReference\":\"" + refundPsp + "\",\"status\":\"received\"}")));
        String id = Reconciling.id("ad_");
        merchant.create(Api.body(
                        id,
                        payment,
                        minor,
                        currency,
                        "\"payment_amount\":{\"minor_amount\":" + minor * 10 + ",\"currency\":\"" + currency + "\"}"))
                .then()
                .statusCode(200)
                .body("status", equalTo("PENDING"));
        Reconciling.named(merchant.id(), id);
        return new String[] {id, payment, refundPsp};
    }

    /** Adyen's REFUND webhook of success for a refund of 15.00 EUR. */
    void succeededByWebhook(String[] refund) throws Exception {
        Amount amount = new Amount();
        amount.setValue(1500L);
        amount.setCurrency("EUR");
        NotificationRequestItem item = new NotificationRequestItem()
                .setPspReference(refund[2])
                .setOriginalReference(refund[1])
                .setMerchantAccountCode("AcmeECOM")
                .setMerchantReference(refund[0])
                .setAmount(amount)
                .setEventCode("REFUND")
                .setSuccess(true);
        String hmac = new HMACValidator().calculateHMAC(item, HMAC_KEY);
        String body = """
                {"live": "false", "notificationItems": [{"NotificationRequestItem": {
                  "additionalData": {"hmacSignature": "%s"}, "amount": {"currency": "EUR", "value": 1500},
                  "eventCode": "REFUND", "eventDate": "2026-01-20T15:30:00+01:00", "merchantAccountCode": "AcmeECOM",
                  "merchantReference": "%s", "originalReference": "%s", "pspReference": "%s", "reason": "",
                  "success": "true"}}]}""".formatted(hmac, refund[0], refund[1], refund[2]);
        RestAssured.given()
                .contentType("application/json")
                .body(body)
                .post("/webhooks/" + merchant.id() + "/adyen")
                .then()
                .statusCode(200);
    }

    static final String HEADER = "Company Account,Merchant Account,Psp Reference,Merchant Reference,Payment Method,"
            + "Creation Date,TimeZone,Type,Modification Reference,Gross Currency,Gross Debit (GC),Gross Credit (GC),"
            + "Exchange Rate,Net Currency,Net Debit (NC),Net Credit (NC),Commission (NC),Markup (NC),Scheme Fees (NC),"
            + "Interchange (NC),Payment Method Variant,Modification Merchant Reference,Batch Number\n";

    static String entry(
            String account,
            String payment,
            String type,
            String modification,
            String currency,
            String debit,
            String credit,
            String reference) {
        return String.join(
                        ",",
                        "TestCompany",
                        account,
                        payment,
                        "order",
                        "visa",
                        ADYEN.format(Instant.now().minusSeconds(30)),
                        "UTC",
                        type,
                        modification,
                        currency,
                        debit,
                        credit,
                        "1",
                        currency,
                        debit,
                        credit,
                        "",
                        "",
                        "",
                        "",
                        "visaclassic",
                        reference,
                        "118")
                + "\n";
    }

    Response upload(String csv, Instant windowFrom, Instant windowTo) {
        var request = Api.admin().contentType("text/csv").queryParam("merchant_id", merchant.id());
        if (windowFrom != null) {
            request.queryParam("from", windowFrom.toString()).queryParam("to", windowTo.toString());
        }
        return request.body(csv.getBytes(StandardCharsets.UTF_8)).post(PATH);
    }

    @Test
    void aReportWithEachKindOfEntryIsMatchedAdoptedAndLookedFor() throws Exception {
        String[] agrees = acknowledged(1_500, "EUR");
        String[] differs = acknowledged(1_500, "EUR");
        String[] missing = acknowledged(1_500, "EUR");
        succeededByWebhook(missing);
        String[] yen = acknowledged(500, "JPY");
        String[] dinars = acknowledged(5_120, "KWD");
        String outside = psp();
        String outsidePayment = psp();
        String csv = HEADER
                + entry("AcmeECOM", agrees[1], "Settled", agrees[1], "EUR", "", "150.00", "")
                + entry("AcmeECOM", agrees[1], "Refunded", agrees[2], "EUR", "15.00", "", agrees[0])
                + entry("AcmeECOM", differs[1], "Refunded", differs[2], "EUR", "14.00", "", differs[0])
                + entry("AcmeECOM", yen[1], "Refunded", yen[2], "JPY", "500", "", yen[0])
                + entry("AcmeECOM", dinars[1], "Refunded", dinars[2], "KWD", "5.120", "", dinars[0])
                + entry("AcmeECOM", outsidePayment, "Refunded", outside, "EUR", "7.00", "", "")
                + entry("OtherECOM", psp(), "Refunded", psp(), "EUR", "9.00", "", "")
                + entry("AcmeECOM", psp(), "Chargeback", psp(), "EUR", "40.00", "", "")
                + entry("AcmeECOM", agrees[1], "RefundedReversed", psp(), "EUR", "", "15.00", "")
                + entry("AcmeECOM", "", "Fee", "Transaction Fees", "EUR", "", "", "")
                + entry("AcmeECOM", "", "MerchantPayout", "Payout batch 118", "EUR", "90.00", "", "");

        Response accepted = upload(csv, from, Instant.now());
        accepted.then().statusCode(202).body("status", equalTo("running")).body("source", equalTo("report"));
        JsonPath run = Reconciling.workAndRead(accepted.jsonPath().getString("id"));

        assertEquals("completed", run.getString("status"));
        assertEquals(11, run.getInt("report.entries"));
        assertEquals(5, run.getInt("report.refunds"), "the other merchant account's refund is not this account's");
        assertEquals(List.of("118"), run.getList("report.batches"));
        assertEquals(3, run.getInt("counts.matched"), "15.00 EUR, 500 JPY, 5.120 KWD");
        assertEquals(1, run.getInt("counts.mismatched"));
        assertEquals(1, run.getInt("counts.adopted"));
        assertEquals(1, run.getInt("counts.missing_at_psp"));
        assertEquals("SUCCEEDED", StatusReadReconciliationTest.state(merchant, agrees[0]), "settled by the report");
        assertEquals("SUCCEEDED", StatusReadReconciliationTest.state(merchant, yen[0]));
        assertEquals("SUCCEEDED", StatusReadReconciliationTest.state(merchant, dinars[0]));
        assertEquals("MANUAL_REVIEW", StatusReadReconciliationTest.state(merchant, differs[0]));
        List<Map<String, Object>> exceptions = run.getList("exceptions");
        String mismatch = (String)
                StripeReconciliationTest.exception(exceptions, "mismatched").get("detail");
        assertTrue(mismatch.contains("the PSP reported 1400") && mismatch.contains("the refund is 1500"), mismatch);
        assertEquals(
                missing[0],
                StripeReconciliationTest.exception(exceptions, "missing_at_psp").get("merchant_refund_id"));
        assertEquals(
                700L,
                ((Number) Db.one(
                                        "select amount_minor from refunds where merchant_id = ? and merchant_refund_id = ?",
                                        merchant.id(),
                                        "external:adyen:" + outside)
                                .get("amount_minor"))
                        .longValue());
        assertEquals(
                0,
                Db.count("select count(*) from reconciliation_psp_records where merchant_id = ?", merchant.id()),
                "a finished run keeps none of the report's records");
    }

    @Test
    void anEmptyReportNeedsAWindowAndThenFindsWhatTheReportDidNotSettle() throws Exception {
        String[] settled = acknowledged(1_500, "EUR");
        succeededByWebhook(settled);

        upload(HEADER, null, null)
                .then()
                .statusCode(400)
                .body("error.code", equalTo("invalid_report"))
                .body("error.param", equalTo("from"));
        assertEquals(0, Db.count("select count(*) from reconciliation_runs where merchant_id = ?", merchant.id()));

        Response accepted = upload(HEADER, from, Instant.now());
        accepted.then().statusCode(202);
        JsonPath run = Reconciling.workAndRead(accepted.jsonPath().getString("id"));
        assertEquals("completed", run.getString("status"));
        assertEquals(0, run.getInt("report.entries"));
        assertEquals(1, run.getInt("counts.missing_at_psp"));
        assertEquals(settled[0], run.getString("exceptions[0].merchant_refund_id"));
    }

    @Test
    void aFileThatIsNotTheReportOrIsCutShortIsRefusedAndNothingOfItKept() {
        String[] refund = acknowledged(1_500, "EUR");
        String whole = HEADER
                + entry("AcmeECOM", refund[1], "Refunded", refund[2], "EUR", "15.00", "", refund[0])
                + entry("AcmeECOM", psp(), "Refunded", psp(), "EUR", "3.00", "", "");
        String cut = whole.substring(0, whole.length() - 40);
        refused(upload(cut, null, null), "invalid_report", "cut short");
        refused(
                upload(whole.substring(0, whole.length() - 20) + "\"unterminated", null, null),
                "invalid_report",
                "not well-formed CSV");
        refused(
                upload(
                        "Company Account,Merchant Account,Psp Reference,Booking Date,Record Type,Main Amount\n",
                        null,
                        null),
                "invalid_report",
                "not Adyen's Settlement details report");
        assertEquals(
                0, Db.count("select count(*) from reconciliation_psp_records where merchant_id = ?", merchant.id()));
        assertEquals(0, Db.count("select count(*) from reconciliation_runs where merchant_id = ?", merchant.id()));
        assertEquals(
                0,
                Db.count(
                        "select count(*) from refund_events e join refunds r on r.id = e.refund_id"
                                + " where r.merchant_id = ? and e.cause = 'RECONCILIATION'",
                        merchant.id()),
                "no refund was touched");
    }

    @Test
    void anUploadPastFiftyMebibytesIsRefusedWith413DeclaredOrNot() throws Exception {
        StringBuilder csv = new StringBuilder(HEADER);
        String row = entry("AcmeECOM", psp(), "Settled", psp(), "EUR", "", "10.00", "");
        while (csv.length() < 60 * 1024 * 1024) {
            csv.append(row);
        }
        byte[] body = csv.toString().getBytes(StandardCharsets.UTF_8);
        Map<String, String> headers = Map.of("Authorization", "Bearer " + Api.ADMIN_TOKEN, "Content-Type", "text/csv");
        String path = PATH + "?merchant_id=" + merchant.id();
        for (RawHttp.Framing framing : RawHttp.Framing.values()) {
            RawHttp.Answer answer =
                    RawHttp.send(RestAssured.port, "POST", path, headers, body, new RawHttp.Send(framing, 64, 0));
            assertEquals(413, answer.status(), framing + ": " + answer.body());
            JsonPath error = new JsonPath(answer.body());
            assertEquals("request_too_large", error.getString("error.code"), framing.toString());
            assertEquals("invalid_request_error", error.getString("error.type"));
        }
        assertEquals(0, Db.count("select count(*) from reconciliation_runs where merchant_id = ?", merchant.id()));
        assertEquals(
                0, Db.count("select count(*) from reconciliation_psp_records where merchant_id = ?", merchant.id()));
        // the other routes keep their limit
        given().header("Authorization", "Bearer " + Api.ADMIN_TOKEN)
                .contentType("application/json")
                .body(new byte[2 * 1024 * 1024])
                .post("/admin/v1/reconciliations")
                .then()
                .statusCode(413)
                .body("error.code", equalTo("request_too_large"));
    }

    @Test
    void badUploadsAreAnsweredInTheErrorShape() {
        given().contentType("text/csv")
                .queryParam("merchant_id", merchant.id())
                .body(HEADER)
                .post(PATH)
                .then()
                .statusCode(401)
                .header("WWW-Authenticate", "Bearer realm=\"refract\"")
                .body("error.code", equalTo("authentication_required"));
        Api.admin()
                .contentType("text/csv")
                .queryParam("merchant_id", "m_nobody_here")
                .body(HEADER)
                .post(PATH)
                .then()
                .statusCode(404)
                .body("error.code", equalTo("merchant_not_found"));
        Api.TestMerchant withoutAdyen = Api.newMerchant();
        Api.admin()
                .contentType("text/csv")
                .queryParam("merchant_id", withoutAdyen.id())
                .body(HEADER)
                .post(PATH)
                .then()
                .statusCode(400)
                .body("error.code", equalTo("connector_not_enabled"));
        Api.admin()
                .contentType("application/json")
                .queryParam("merchant_id", merchant.id())
                .body("{}")
                .post(PATH)
                .then()
                .statusCode(415)
                .body("error.code", equalTo("unsupported_media_type"));
        Api.admin()
                .contentType("text/csv")
                .queryParam("merchant_id", merchant.id())
                .queryParam("from", "yesterday")
                .queryParam("to", Instant.now().toString())
                .body(HEADER)
                .post(PATH)
                .then()
                .statusCode(400)
                .body("error.param", equalTo("from"));
    }

    static void refused(Response response, String code, String saying) {
        response.then()
                .statusCode(400)
                .body("error.code", equalTo(code))
                .body("error.type", equalTo("invalid_request_error"));
        String message = response.jsonPath().getString("error.message");
        assertTrue(message.contains(saying), message);
    }
}
