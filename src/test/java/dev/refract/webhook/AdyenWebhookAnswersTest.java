package dev.refract.webhook;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.adyen.util.HMACValidator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.refract.support.Api;
import dev.refract.support.Db;
import dev.refract.support.LogLines;
import dev.refract.support.PostgresResource;
import dev.refract.support.PspStandIn;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * What each Adyen notification is answered: {@code [accepted]} for every verified item, whatever it says, so that
 * Adyen stops resending what a resend cannot change; only Refract being unable to work now is a 5xx. An item for
 * another merchant account, one naming another merchant's refund, and one Refract cannot read are acknowledged,
 * logged, and never adopted or applied, and the rest of their batch is applied.
 */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(PspStandIn.class)
class AdyenWebhookAnswersTest {

    static final String KEY = AdyenWebhookTest.HMAC_KEY;
    static final String ACCOUNT = "AcmeECOM";
    static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** A merchant whose Adyen account is {@code merchantAccount}, with the shared HMAC key; the wallet if asked. */
    static Api.TestMerchant adyenMerchant(String merchantAccount, boolean credyt) {
        Api.TestMerchant m = Api.newMerchant();
        m.useConnector(
                "adyen",
                "{\"credentials\":{\"api_key\":\"AQE\"},\"settings\":{\"merchant_account\":\"" + merchantAccount
                        + "\"},\"webhook_secret\":\"" + KEY + "\"}");
        if (credyt) {
            m.useConnector(
                    "credyt",
                    "{\"credentials\":{\"api_key\":\"credyt_key\"},\"settings\":{\"account_name\":\"default\"}}");
        }
        return m;
    }

    /** A refund Adyen acknowledged for {@code m}: merchant_refund_id, payment and refund pspReferences. */
    static String[] acknowledgedRefund(Api.TestMerchant m, long amount) {
        String payment = AdyenWebhookTest.psp();
        String refundPsp = AdyenWebhookTest.psp();
        PspStandIn.server()
                .stubFor(post(urlEqualTo("/adyen/payments/" + payment + "/refunds"))
                        .willReturn(aResponse()
                                .withStatus(201)
                                .withHeader("Content-Type", "application/json")
                                .withBody(
                                        "{\"merchantAccount\":\"" + ACCOUNT + "\",\"paymentPspReference\":\"" + payment
                                                + "\",\"pspReference\":\"" + refundPsp + "\",\"status\":\"received\","
                                                + "\"amount\":{\"currency\":\"EUR\",\"value\":" + amount + "}}")));
        String id = Api.refundId();
        m.create(Api.body(
                        id, payment, amount, "EUR", "\"payment_amount\":{\"minor_amount\":5000,\"currency\":\"EUR\"}"))
                .then()
                .statusCode(200)
                .body("status", equalTo("PENDING"));
        return new String[] {id, payment, refundPsp};
    }

    /**
     * A notification item signed with the HMAC key over Adyen's signing string, {@code value} being the JSON node the
     * item carries (a number as Adyen writes it, or a wrong type) and its text what the signature covers.
     */
    static ObjectNode item(
            String psp, String payment, String account, String reference, JsonNode value, String code, boolean success)
            throws Exception {
        String data = String.join(
                ":", psp, payment, account, reference, value.asText(), "EUR", code, Boolean.toString(success));
        ObjectNode item = NODES.objectNode();
        item.putObject("additionalData").put("hmacSignature", new HMACValidator().calculateHMAC(data, KEY));
        ObjectNode amount = item.putObject("amount");
        amount.put("currency", "EUR");
        amount.set("value", value);
        item.put("eventCode", code)
                .put("eventDate", "2026-01-20T15:30:00+01:00")
                .put("merchantAccountCode", account)
                .put("merchantReference", reference)
                .put("originalReference", payment)
                .put("pspReference", psp)
                .put("reason", "")
                .put("success", Boolean.toString(success));
        return item;
    }

    static ObjectNode refund(String psp, String payment, String account, String reference, long value)
            throws Exception {
        return item(psp, payment, account, reference, NODES.numberNode(value), "REFUND", true);
    }

    static String notification(ObjectNode... items) {
        ObjectNode root = NODES.objectNode().put("live", "false");
        ArrayNode list = root.putArray("notificationItems");
        for (ObjectNode item : items) {
            list.addObject().set("NotificationRequestItem", item);
        }
        return root.toString();
    }

    static Response deliver(Api.TestMerchant m, String body) {
        return RestAssured.given().contentType("application/json").body(body).post("/webhooks/" + m.id() + "/adyen");
    }

    static long refunds(Api.TestMerchant m) {
        return Db.count("select count(*) from refunds where merchant_id = ?", m.id());
    }

    static long storedEvents(Api.TestMerchant m, String eventId, boolean applied) {
        return Db.count(
                "select count(*) from webhook_events where merchant_id = ? and event_id = ? and (applied_at is not null) = ?",
                m.id(),
                eventId,
                applied);
    }

    @Test
    void anItemForAnotherMerchantAccountIsAcceptedLoggedAndNeitherAdoptedNorApplied() throws Exception {
        Api.TestMerchant m = adyenMerchant(ACCOUNT, false);
        String[] own = acknowledgedRefund(m, 1_500);
        String stranger = AdyenWebhookTest.psp();
        String body = notification(
                refund(stranger, AdyenWebhookTest.psp(), "OtherECOM", "order-9", 700),
                // an item naming the merchant's own refund, but sent for another account, is not its answer either
                refund(own[2], own[1], "OtherECOM", own[0], 1_500));
        deliver(m, body).then().statusCode(200).body(equalTo("[accepted]"));
        deliver(m, body).then().statusCode(200).body(equalTo("[accepted]"));

        assertEquals(1, refunds(m), "nothing adopted");
        m.get(own[0]).then().body("status", equalTo("PENDING"));
        assertEquals(0, Db.count("select count(*) from webhook_events where merchant_id = ?", m.id()), "not kept");
        String line = LogLines.waitFor(stranger + ":REFUND", "OtherECOM", m.id());
        assertTrue(line.contains("WARN"), line);
        assertTrue(!line.contains(KEY), "no secret in " + line);
        Db.assertLedgerConsistent(m.id(), own[1]);
    }

    @Test
    void anItemNamingAnotherMerchantsRefundIsAcceptedLeavesItUntouchedAndTheRestOfTheBatchIsApplied() throws Exception {
        // two merchants of Refract at one Adyen merchant account, the wallet on for the one receiving
        Api.TestMerchant a = adyenMerchant(ACCOUNT, true);
        Api.TestMerchant b = adyenMerchant(ACCOUNT, false);
        String[] ofB = acknowledgedRefund(b, 1_000);
        String[] ofA = acknowledgedRefund(a, 1_500);
        String body = notification(
                refund(ofB[2], ofB[1], ACCOUNT, ofB[0], 1_000), refund(ofA[2], ofA[1], ACCOUNT, ofA[0], 1_500));
        deliver(a, body).then().statusCode(200).body(equalTo("[accepted]"));

        b.get(ofB[0]).then().body("status", equalTo("PENDING")).body("connector_refund_id", equalTo(ofB[2]));
        assertEquals(1, refunds(a), "nothing of B's adopted for A");
        a.get(ofA[0]).then().body("status", equalTo("SUCCEEDED"));
        assertEquals(1, storedEvents(a, ofB[2] + ":REFUND", false), "kept for reconciliation, not applied");
        assertEquals(1, storedEvents(a, ofA[2] + ":REFUND", true));
        assertEquals(0, Db.count("select count(*) from webhook_events where merchant_id = ?", b.id()));
        LogLines.waitFor(ofB[2], a.id(), b.id());
        Db.assertLedgerConsistent(a.id(), ofA[1]);
        Db.assertLedgerConsistent(b.id(), ofB[1]);
    }

    @Test
    void aMerchantsOwnRefundNamedByAnotherMerchantsReferenceIsNotTakenForIt() throws Exception {
        Api.TestMerchant a = adyenMerchant(ACCOUNT, false);
        Api.TestMerchant b = adyenMerchant(ACCOUNT, false);
        String[] ofA = acknowledgedRefund(a, 1_500);
        String[] ofB = acknowledgedRefund(b, 1_000);
        // B's refund, echoing a reference that A happens to use too
        deliver(a, notification(refund(ofB[2], ofB[1], ACCOUNT, ofA[0], 1_000)))
                .then()
                .statusCode(200)
                .body(equalTo("[accepted]"));
        a.get(ofA[0]).then().body("status", equalTo("PENDING")).body("connector_refund_id", equalTo(ofA[2]));
        b.get(ofB[0]).then().body("status", equalTo("PENDING"));
        assertEquals(1, refunds(a));
    }

    @Test
    void aFractionalValueIsNeverTruncatedIntoTheAmountAsked() throws Exception {
        Api.TestMerchant m = adyenMerchant(ACCOUNT, false);
        String[] own = acknowledgedRefund(m, 1_500);
        String stranger = AdyenWebhookTest.psp();
        deliver(
                        m,
                        notification(
                                item(
                                        own[2],
                                        own[1],
                                        ACCOUNT,
                                        own[0],
                                        NODES.numberNode(new BigDecimal("1500.5")),
                                        "REFUND",
                                        true),
                                item(
                                        stranger,
                                        own[1],
                                        ACCOUNT,
                                        "",
                                        NODES.numberNode(new BigDecimal("700.25")),
                                        "REFUND",
                                        true)))
                .then()
                .statusCode(200)
                .body(equalTo("[accepted]"));
        m.get(own[0])
                .then()
                .body("status", equalTo("MANUAL_REVIEW"))
                .body("error.code", equalTo("connector_mismatch"))
                .body(
                        "error.message",
                        equalTo(
                                "the PSP's answer contradicts the refund; amount: the PSP reported 1500.5, the refund is"
                                        + " 1500 (EUR minor units)"));
        assertEquals(1, refunds(m), "no fraction of a cent adopted");
        assertEquals(1, storedEvents(m, stranger + ":REFUND", false));
        Db.assertLedgerConsistent(m.id(), own[1]);
    }

    @Test
    void signedItemsRefractCannotReadAreAcceptedKeptAndNeverApplied() throws Exception {
        Api.TestMerchant m = adyenMerchant(ACCOUNT, false);
        String[] own = acknowledgedRefund(m, 1_500);
        List<JsonNode> values = List.of(
                NODES.textNode("1500"),
                NODES.booleanNode(true),
                NODES.numberNode(new BigInteger("99999999999999999999")),
                NODES.numberNode(new BigDecimal("1e400")));
        List<Executable> each = new ArrayList<>();
        for (JsonNode value : values) {
            String psp = AdyenWebhookTest.psp();
            Response answer = deliver(m, notification(item(psp, own[1], ACCOUNT, "", value, "REFUND", true)));
            long adopted = refunds(m) - 1;
            long kept = storedEvents(m, psp + ":REFUND", false);
            each.add(() -> assertEquals(200, answer.statusCode(), "answered with value " + value));
            each.add(() -> assertEquals("[accepted]", answer.asString(), "answered with value " + value));
            each.add(() -> assertEquals(0, adopted, "adopted with value " + value));
            each.add(() -> assertEquals(1, kept, "kept with value " + value));
        }
        assertAll(each);
        // a success whose value is no number says nothing of the amount: not believed
        deliver(m, notification(item(own[2], own[1], ACCOUNT, own[0], NODES.textNode("1500"), "REFUND", true)))
                .then()
                .statusCode(200);
        m.get(own[0]).then().body("status", equalTo("PENDING"));
        // one past a long is read as written, and is not the amount asked
        String[] other = acknowledgedRefund(m, 1_500);
        JsonNode huge = NODES.numberNode(new BigInteger("99999999999999999999"));
        deliver(m, notification(item(other[2], other[1], ACCOUNT, other[0], huge, "REFUND", true)))
                .then()
                .statusCode(200);
        m.get(other[0])
                .then()
                .body("status", equalTo("MANUAL_REVIEW"))
                .body(
                        "error.message",
                        equalTo("the PSP's answer contradicts the refund; amount: the PSP reported"
                                + " 99999999999999999999, the refund is 1500 (EUR minor units)"));
        Db.assertLedgerConsistent(m.id(), own[1]);
        Db.assertLedgerConsistent(m.id(), other[1]);
    }

    @Test
    void aNulCharacterInASignedItemIsAcceptedAndKeptNeverA500() throws Exception {
        Api.TestMerchant m = adyenMerchant(ACCOUNT, false);
        String[] own = acknowledgedRefund(m, 1_500);
        String psp = AdyenWebhookTest.psp();
        ObjectNode withNul = refund(psp, AdyenWebhookTest.psp(), ACCOUNT, "order\u00007", 900);
        ((ObjectNode) withNul.get("additionalData")).put("metadata.note", "a\u0000b");
        deliver(m, notification(withNul, refund(own[2], own[1], ACCOUNT, own[0], 1_500)))
                .then()
                .statusCode(200)
                .body(equalTo("[accepted]"));
        assertEquals(1, refunds(m), "not adopted");
        assertEquals(1, storedEvents(m, psp + ":REFUND", false), "kept");
        m.get(own[0]).then().body("status", equalTo("SUCCEEDED"));
    }

    @Test
    void aRefundMadeOutsideRefractIsAdoptedWhenTheWalletIsOnAndTheItemNamesNoCustomer() throws Exception {
        Api.TestMerchant m = adyenMerchant(ACCOUNT, true);
        String psp = AdyenWebhookTest.psp();
        String payment = AdyenWebhookTest.psp();
        // Adyen cannot be asked for the payment's metadata, then or ever: a resend would change nothing
        deliver(m, notification(refund(psp, payment, ACCOUNT, "order-3", 800)))
                .then()
                .statusCode(200)
                .body(equalTo("[accepted]"));
        m.get("external:adyen:" + psp)
                .then()
                .statusCode(200)
                .body("status", equalTo("SUCCEEDED"))
                .body("amount.minor_amount", equalTo(800));
        assertEquals(
                0,
                Db.count("select count(*) from outbox where merchant_id = ? and kind = 'credyt'", m.id()),
                "no customer, no wallet move");
        Db.assertLedgerConsistent(m.id(), payment);
    }

    @Test
    void anAdoptionTheLedgerRefusesAndAnEventForNoKnownRefundAreAcceptedAndKept() throws Exception {
        Api.TestMerchant m = adyenMerchant(ACCOUNT, false);
        String[] own = acknowledgedRefund(m, 1_500);
        String tooMuch = AdyenWebhookTest.psp();
        String unknown = AdyenWebhookTest.psp();
        deliver(
                        m,
                        notification(
                                refund(tooMuch, own[1], ACCOUNT, "", 4_000),
                                item(unknown, own[1], ACCOUNT, "", NODES.numberNode(100), "REFUND_FAILED", true)))
                .then()
                .statusCode(200)
                .body(equalTo("[accepted]"));
        assertEquals(1, refunds(m), "5000 captured, 1500 in flight: 4000 more is refused");
        assertEquals(1, storedEvents(m, tooMuch + ":REFUND", false));
        assertEquals(1, storedEvents(m, unknown + ":REFUND_FAILED", false));
        Db.assertLedgerConsistent(m.id(), own[1]);
    }
}
