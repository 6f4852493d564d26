package dev.refract.connector.adyen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.adyen.model.notification.Amount;
import com.adyen.model.notification.NotificationRequestItem;
import com.adyen.util.HMACValidator;
import dev.refract.refund.Outcome;
import dev.refract.refund.WebhookEvent;
import dev.refract.refund.WebhookRejected;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The notification HMAC check on its own, with signatures from Adyen's own library: plain JUnit, no Quarkus. */
class AdyenWebhooksTest {

    static final String KEY = "44782DEF547AAA06C910C43932B1EB0C71FC68D9D0C057550C48EC2ACF6BA056";

    static NotificationRequestItem item(String eventCode, boolean success, long value) {
        Amount amount = new Amount();
        amount.setValue(value);
        amount.setCurrency("EUR");
        return new NotificationRequestItem()
                .setPspReference("QFQTPCQ8HXSKGK82")
                .setOriginalReference("ABCDEF0123456789")
                .setMerchantAccountCode("AcmeECOM")
                .setMerchantReference("r_1")
                .setAmount(amount)
                .setEventCode(eventCode)
                .setSuccess(success)
                .setReason("");
    }

    static String body(NotificationRequestItem item, String hmac) {
        return """
                {"live": "false", "notificationItems": [{"NotificationRequestItem": {
                  "additionalData": {"hmacSignature": "%s"}, "amount": {"currency": "EUR", "value": %d},
                  "eventCode": "%s", "merchantAccountCode": "AcmeECOM", "merchantReference": "r_1",
                  "originalReference": "ABCDEF0123456789", "pspReference": "QFQTPCQ8HXSKGK82", "reason": "",
                  "success": "%s"}}]}""".formatted(hmac, item.getAmount().getValue(), item.getEventCode(), item.isSuccess());
    }

    static List<WebhookEvent> verify(String key, String body) {
        return verify(List.of(key), body);
    }

    static List<WebhookEvent> verify(List<String> keys, String body) {
        return AdyenWebhooks.verify(keys, body.getBytes(StandardCharsets.UTF_8));
    }

    /** While a replaced HMAC key's grace lasts, a notification signed with either key verifies; after it, not. */
    @Test
    void aNotificationSignedWithTheReplacedKeyVerifiesOnlyWhileThatKeyIsGiven() throws Exception {
        String previous = "0123456789ABCDEF".repeat(4);
        NotificationRequestItem item = item("REFUND", true, 1_500);
        String underPrevious = body(item, new HMACValidator().calculateHMAC(item, previous));
        String underCurrent = body(item, new HMACValidator().calculateHMAC(item, KEY));
        assertEquals(1, verify(List.of(KEY, previous), underPrevious).size());
        assertEquals(1, verify(List.of(KEY, previous), underCurrent).size());
        assertEquals(
                "a notification item's hmacSignature does not match",
                assertThrows(WebhookRejected.class, () -> verify(List.of(KEY), underPrevious))
                        .getMessage());
        assertEquals(
                "a notification item's hmacSignature does not match",
                assertThrows(WebhookRejected.class, () -> verify(List.of(), underCurrent))
                        .getMessage());
    }

    @Test
    void aSignedRefundNotificationIsReadIntoItsOutcome() throws Exception {
        NotificationRequestItem item = item("REFUND", true, 1_500);
        List<WebhookEvent> events = verify(KEY, body(item, new HMACValidator().calculateHMAC(item, KEY)));
        assertEquals(1, events.size());
        WebhookEvent e = events.get(0);
        assertEquals("QFQTPCQ8HXSKGK82:REFUND", e.eventId());
        assertEquals("r_1", e.merchantRefundId());
        Outcome.Succeeded succeeded = (Outcome.Succeeded) e.outcome();
        assertEquals(0, new BigDecimal("1500").compareTo(succeeded.reported().minorAmount()));
        assertEquals(List.of("ABCDEF0123456789"), succeeded.reported().paymentIds());
    }

    @Test
    void aSignatureOfOtherDataOrUnderAnotherKeyIsRejected() throws Exception {
        NotificationRequestItem refused = item("REFUND", false, 1_500);
        String signedRefusal = new HMACValidator().calculateHMAC(refused, KEY);
        // the signature of a refusal does not carry a success
        assertEquals(
                "a notification item's hmacSignature does not match",
                assertThrows(WebhookRejected.class, () -> verify(KEY, body(item("REFUND", true, 1_500), signedRefusal)))
                        .getMessage());
        NotificationRequestItem success = item("REFUND", true, 1_500);
        String otherKey = "00".repeat(32);
        assertEquals(
                "a notification item's hmacSignature does not match",
                assertThrows(
                                WebhookRejected.class,
                                () -> verify(KEY, body(success, new HMACValidator().calculateHMAC(success, otherKey))))
                        .getMessage());
        assertEquals(
                "a notification item's hmacSignature does not match",
                assertThrows(WebhookRejected.class, () -> verify(KEY, body(success, "not base64!")))
                        .getMessage());
    }

    @Test
    void aKeyThatIsNotHexOrABodyWithoutItemsIsRejected() {
        assertTrue(assertThrows(WebhookRejected.class, () -> verify("not-hex", "{}"))
                .getMessage()
                .contains("not hex"));
        assertEquals(
                "no notificationItems",
                assertThrows(
                                WebhookRejected.class,
                                () -> verify(KEY, "{\"live\": \"false\", \"notificationItems\": []}"))
                        .getMessage());
    }

    /** An item as a tree, its value replaced by {@code value} (JSON) and signed over that value's text. */
    static List<WebhookEvent> withValue(String value, String signedText) throws Exception {
        NotificationRequestItem item = item("REFUND", true, 1_500);
        String data = new HMACValidator().getDataToSign(item).replace(":1500:", ":" + signedText + ":");
        String hmac = new HMACValidator().calculateHMAC(data, KEY);
        return verify(KEY, body(item, hmac).replace("\"value\": 1500", "\"value\": " + value));
    }

    @Test
    void everyItemNamesItsMerchantAccount() throws Exception {
        NotificationRequestItem item = item("REFUND", true, 1_500);
        assertEquals(
                "AcmeECOM",
                verify(KEY, body(item, new HMACValidator().calculateHMAC(item, KEY)))
                        .get(0)
                        .pspAccount());
    }

    @Test
    void aFractionalOrOverlongValueIsReadExactlyNeverTruncated() throws Exception {
        Outcome.Succeeded fraction =
                (Outcome.Succeeded) withValue("1500.5", "1500.5").get(0).outcome();
        assertEquals(new BigDecimal("1500.5"), fraction.reported().minorAmount());
        Outcome.Succeeded overlong = (Outcome.Succeeded)
                withValue("99999999999999999999", "99999999999999999999").get(0).outcome();
        assertEquals(new BigDecimal("99999999999999999999"), overlong.reported().minorAmount());
    }

    @Test
    void aValueThatIsNoNumberIsUnreadable() throws Exception {
        WebhookEvent e = withValue("\"1500\"", "1500").get(0);
        assertEquals("amount.value is not a number", e.unreadable());
        assertEquals("QFQTPCQ8HXSKGK82:REFUND", e.eventId());
        assertEquals(null, e.outcome());
        assertEquals(null, e.external());
    }
}
