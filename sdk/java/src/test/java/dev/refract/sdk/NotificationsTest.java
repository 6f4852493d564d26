package dev.refract.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.refract.sdk.Notifications.SignatureVerificationException;
import dev.refract.sdk.model.RefundStatus;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * verifyNotification on fixed vectors: the signatures below are HMAC-SHA256 of "1768923001." + BODY computed
 * outside this code (Python's hmac module), under "whsec_new" and "whsec_previous".
 */
class NotificationsTest {

    static final byte[] BODY =
            ("{\"id\":\"evt_1\",\"type\":\"refund.succeeded\",\"created_at\":\"2026-01-20T15:30:01Z\","
                            + "\"data\":{\"merchant_refund_id\":\"refund_001\",\"status\":\"SUCCEEDED\","
                            + "\"amount\":{\"minor_amount\":1000,\"currency\":\"USD\"}}}")
                    .getBytes(StandardCharsets.UTF_8);
    static final String NEW = "20e4d969fec37530b4a5b9aaf44b7ed661cc632b148a01aad7bbb7659946521a";
    static final String PREVIOUS = "77b69060e203690597989079811c38852ce4057f447c5c072b103f05e767cbc7";
    static final Instant SIGNED = Instant.ofEpochSecond(1768923001);
    static final Duration FIVE_MINUTES = Duration.ofMinutes(5);

    static Notifications.Notification verify(String header, List<String> secrets, Instant now) {
        return Notifications.verifyNotification(BODY, header, secrets, FIVE_MINUTES, now);
    }

    @Test
    void acceptsASignatureOfTheSecretAndParsesTheNotification() {
        Notifications.Notification n = verify("t=1768923001,v1=" + NEW, List.of("whsec_new"), SIGNED);
        assertEquals("evt_1", n.id());
        assertEquals("refund.succeeded", n.type());
        assertEquals("refund_001", n.data().getMerchantRefundId());
        assertEquals(RefundStatus.SUCCEEDED, n.data().getStatus());
        assertEquals(1000L, n.data().getAmount().getMinorAmount());
    }

    @Test
    void duringARotationAnyV1MatchingAnySecretIsEnough() {
        String rotating = "t=1768923001,v1=" + NEW + ",v1=" + PREVIOUS;
        // the receiver already has the new secret, or still only the previous one, or both
        verify(rotating, List.of("whsec_new"), SIGNED);
        verify(rotating, List.of("whsec_previous"), SIGNED);
        verify(rotating, List.of("whsec_unrelated", "whsec_previous"), SIGNED);
        // one v1, the receiver holding both secrets
        verify("t=1768923001,v1=" + PREVIOUS, List.of("whsec_new", "whsec_previous"), SIGNED);
    }

    @Test
    void refusesAWrongSecretATamperedBodyAndAnotherTimestamp() {
        assertThrows(
                SignatureVerificationException.class,
                () -> verify("t=1768923001,v1=" + NEW, List.of("whsec_other"), SIGNED));
        byte[] tampered =
                new String(BODY, StandardCharsets.UTF_8).replace("1000", "9000").getBytes(StandardCharsets.UTF_8);
        assertThrows(
                SignatureVerificationException.class,
                () -> Notifications.verifyNotification(
                        tampered, "t=1768923001,v1=" + NEW, List.of("whsec_new"), FIVE_MINUTES, SIGNED));
        // the signature binds the timestamp: the same v1 under another t does not verify
        assertThrows(
                SignatureVerificationException.class,
                () -> verify("t=1768923002,v1=" + NEW, List.of("whsec_new"), SIGNED));
    }

    @Test
    void refusesATimestampOutsideTheTolerance() {
        String header = "t=1768923001,v1=" + NEW;
        verify(header, List.of("whsec_new"), SIGNED.plusSeconds(300));
        SignatureVerificationException old = assertThrows(
                SignatureVerificationException.class,
                () -> verify(header, List.of("whsec_new"), SIGNED.plusSeconds(301)));
        assertEquals("the notification was signed 301 s from now, outside the tolerance of 300 s", old.getMessage());
        assertThrows(
                SignatureVerificationException.class,
                () -> verify(header, List.of("whsec_new"), SIGNED.minusSeconds(301)));
    }

    @Test
    void refusesMalformedHeaders() {
        for (String header : List.of(
                "",
                "v1=" + NEW,
                "t=1768923001",
                "t=abc,v1=" + NEW,
                "t=1768923001,t=1768923001,v1=" + NEW,
                "t=1768923001,v1=" + NEW.substring(2),
                "t=1768923001,v0=" + NEW,
                "garbage")) {
            assertThrows(
                    SignatureVerificationException.class, () -> verify(header, List.of("whsec_new"), SIGNED), header);
        }
        assertThrows(SignatureVerificationException.class, () -> verify(null, List.of("whsec_new"), SIGNED));
        assertThrows(IllegalArgumentException.class, () -> verify("t=1768923001,v1=" + NEW, List.of(), SIGNED));
    }

    @Test
    void aRefusalNamesNeitherTheSecretNorTheExpectedSignature() {
        SignatureVerificationException e = assertThrows(
                SignatureVerificationException.class,
                () -> verify("t=1768923001,v1=" + PREVIOUS.replace('7', '8'), List.of("whsec_new"), SIGNED));
        assertFalse(e.getMessage().contains("whsec_new"));
        assertFalse(e.getMessage().contains(NEW));
    }
}
