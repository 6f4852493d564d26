package dev.refract.connector.stripe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.stripe.net.Webhook;
import dev.refract.refund.Outcome;
import dev.refract.refund.WebhookEvent;
import dev.refract.refund.WebhookRejected;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The Stripe-Signature check on its own, with headers made by Stripe's own library: plain JUnit, no Quarkus. */
class StripeWebhooksTest {

    static final String SECRET = "whsec_unit_test_secret";
    static final Instant NOW = Instant.parse("2026-01-20T15:30:00Z");
    static final String BODY = """
            {"id": "evt_1", "object": "event", "type": "refund.updated", "data": {"object":
             {"id": "re_1", "object": "refund", "amount": 500, "currency": "usd", "payment_intent": "pi_1",
              "status": "succeeded", "metadata": {"merchant_refund_id": "r_1"}}}}""";

    static String header(String body, String secret, Instant at) throws Exception {
        return Webhook.Signature.generateSignatureHeader(body, secret, at.getEpochSecond());
    }

    static List<WebhookEvent> verify(String header, String body, Instant now) {
        return verify(List.of(SECRET), header, body, now);
    }

    static List<WebhookEvent> verify(List<String> secrets, String header, String body, Instant now) {
        return StripeWebhooks.verify(secrets, header, body.getBytes(StandardCharsets.UTF_8), now);
    }

    /**
     * Our secret was replaced: the previous one still verifies while it is given (its grace), in a header of one
     * {@code v1} or of several; a header none of whose {@code v1} is ours does not, whichever secrets we hold.
     */
    @Test
    void aDeliverySignedWithThePreviousSecretVerifiesOnlyWhileThatSecretIsGiven() throws Exception {
        String previous = "whsec_the_previous_secret";
        String current = "whsec_the_current_secret";
        String underPrevious = header(BODY, previous, NOW);
        assertEquals(
                1, verify(List.of(current, previous), underPrevious, BODY, NOW).size());
        assertEquals(
                "no v1 signature matches",
                assertThrows(WebhookRejected.class, () -> verify(List.of(current), underPrevious, BODY, NOW))
                        .getMessage());
        // Stripe rolling its own secret: one v1 per secret it signs with, ours among them
        String underCurrent = header(BODY, current, NOW);
        String several = header(BODY, "whsec_someone_else", NOW) + "," + v1(underPrevious) + "," + v1(underCurrent);
        assertEquals(1, verify(List.of(current), several, BODY, NOW).size());
        assertEquals(1, verify(List.of(current, previous), several, BODY, NOW).size());
        String strangers = header(BODY, "whsec_someone_else", NOW) + "," + v1(header(BODY, "whsec_another", NOW));
        assertEquals(
                "no v1 signature matches",
                assertThrows(WebhookRejected.class, () -> verify(List.of(current, previous), strangers, BODY, NOW))
                        .getMessage());
    }

    /** The {@code v1=…} element of a header. */
    static String v1(String header) {
        return header.substring(header.indexOf("v1=")).split(",")[0];
    }

    @Test
    void aSignedEventIsReadIntoItsRefundAndOutcome() throws Exception {
        List<WebhookEvent> events = verify(header(BODY, SECRET, NOW), BODY, NOW);
        assertEquals(1, events.size());
        WebhookEvent e = events.get(0);
        assertEquals("evt_1", e.eventId());
        assertEquals("refund.updated", e.type());
        assertEquals("r_1", e.merchantRefundId());
        assertEquals("re_1", e.connectorRefundId());
        Outcome.Succeeded succeeded = (Outcome.Succeeded) e.outcome();
        assertEquals(0, new BigDecimal("500").compareTo(succeeded.reported().minorAmount()));
        assertEquals("USD", succeeded.reported().currency());
        assertEquals(List.of("pi_1"), succeeded.reported().paymentIds());
    }

    @Test
    void anyV1SignatureMayMatchWhileASecretIsRolled() throws Exception {
        String good = header(BODY, SECRET, NOW);
        String old = header(BODY, "whsec_the_old_secret", NOW);
        String both = old + "," + good.substring(good.indexOf("v1="));
        assertEquals(1, verify(both, BODY, NOW).size());
    }

    @Test
    void aWrongSecretATamperedBodyOrAMissingSignatureIsRejected() throws Exception {
        String signed = header(BODY, SECRET, NOW);
        assertEquals(
                "no v1 signature matches",
                assertThrows(WebhookRejected.class, () -> verify(header(BODY, "whsec_someone_else", NOW), BODY, NOW))
                        .getMessage());
        assertEquals(
                "no v1 signature matches",
                assertThrows(WebhookRejected.class, () -> verify(signed, BODY.replace("500", "50000"), NOW))
                        .getMessage());
        assertEquals(
                "no Stripe-Signature header",
                assertThrows(WebhookRejected.class, () -> verify(null, BODY, NOW))
                        .getMessage());
        assertEquals(
                "Stripe-Signature has no timestamp or no v1 signature",
                assertThrows(WebhookRejected.class, () -> verify("t=" + NOW.getEpochSecond() + ",v0=abcd", BODY, NOW))
                        .getMessage());
    }

    @Test
    void theTimestampMustBeWithin300SecondsEitherWay() throws Exception {
        assertEquals(
                1,
                verify(header(BODY, SECRET, NOW.minusSeconds(300)), BODY, NOW).size());
        assertEquals(
                1, verify(header(BODY, SECRET, NOW.plusSeconds(300)), BODY, NOW).size());
        assertEquals(
                "Stripe-Signature timestamp is outside the 300 s tolerance",
                assertThrows(
                                WebhookRejected.class,
                                () -> verify(header(BODY, SECRET, NOW.minusSeconds(301)), BODY, NOW))
                        .getMessage());
        assertEquals(
                "Stripe-Signature timestamp is outside the 300 s tolerance",
                assertThrows(WebhookRejected.class, () -> verify(header(BODY, SECRET, NOW.plusSeconds(301)), BODY, NOW))
                        .getMessage());
    }

    @Test
    void aConnectEventNamesItsAccountAndAnAccountEndpointsEventNamesNone() {
        assertEquals(null, StripeWebhooks.read(BODY).get(0).pspAccount());
        String connect = BODY.replace("\"object\": \"event\",", "\"object\": \"event\", \"account\": \"acct_1A\",");
        WebhookEvent e = StripeWebhooks.read(connect).get(0);
        assertEquals("acct_1A", e.pspAccount());
        assertEquals("re_1", e.connectorRefundId());
        assertEquals(null, e.unreadable());
    }

    @Test
    void aRefundNotWrittenAsStripeWritesItIsUnreadableNeverRoundedOrGuessed() {
        for (String[] wrong : new String[][] {
            {"\"amount\": 500", "\"amount\": 500.5", "amount 500.5 is not a whole number of minor units"},
            {"\"amount\": 500", "\"amount\": \"500\"", "amount \"500\" is not a whole number of minor units"},
            {"\"amount\": 500", "\"amount\": 1e400", "amount 1E+400 is not a whole number of minor units"},
            {"\"status\": \"succeeded\"", "\"status\": 1", "status is not a string"},
            {"\"payment_intent\": \"pi_1\"", "\"payment_intent\": {\"id\": \"pi_1\"}", "payment_intent is not a string"
            },
            {"\"merchant_refund_id\": \"r_1\"", "\"merchant_refund_id\": 7", "a metadata value is not a string"}
        }) {
            WebhookEvent e =
                    StripeWebhooks.read(BODY.replace(wrong[0], wrong[1])).get(0);
            assertEquals(wrong[2], e.unreadable());
            assertEquals("evt_1", e.eventId());
            assertEquals(null, e.outcome());
            assertEquals(null, e.external());
        }
    }

    @Test
    void aVerifiedBodyThatIsNoStripeEventIsReadAsOneEventWithAnIdOfItsText() {
        WebhookEvent e = StripeWebhooks.read("[1, 2]").get(0);
        assertEquals("not a Stripe event: no id or type", e.unreadable());
        assertEquals(e.eventId(), StripeWebhooks.read("[1, 2]").get(0).eventId());
        assertTrue(e.eventId().startsWith("unidentified:"), e.eventId());
    }
}
