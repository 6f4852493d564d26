package dev.refract.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A replaced webhook secret: kept encrypted for its own field, opened only within its grace. Plain JUnit. */
class SecretRotationTest {

    static final SecretBox BOX = new SecretBox(() -> Optional.of("dGVzdC1vbmx5LWtleS1uZXZlci11c2UtaW4tcHJvZCE="));
    static final String CONTEXT = "connector_accounts/m_a/stripe/webhook_secret";
    static final Instant T = Instant.parse("2026-01-20T15:30:00Z");
    static final Duration GRACE = Duration.ofHours(24);

    static final SecretRotation.Sealed NONE = new SecretRotation.Sealed(null, null, null);

    @Test
    void aReplacedSecretIsKeptSealedForItsOwnFieldAndOpensOnlyWithinTheGrace() {
        SecretRotation.Sealed first = SecretRotation.replace(BOX, NONE, "whsec_one", CONTEXT, T);
        assertNull(first.previous(), "the first secret replaces nothing");
        SecretRotation.Sealed second = SecretRotation.replace(BOX, first, "whsec_two", CONTEXT, T.plusSeconds(60));
        assertEquals("whsec_two", BOX.open(second.current(), CONTEXT));
        assertEquals(T.plusSeconds(60), second.replacedAt());
        assertTrue(second.previous().startsWith("v1:") && !second.previous().contains("whsec_one"));
        assertEquals("connector_accounts/m_a/stripe/previous_webhook_secret", SecretRotation.previousContext(CONTEXT));
        // bound to its field: the previous ciphertext does not open as the current secret, nor the other way round
        assertThrows(IllegalStateException.class, () -> BOX.open(second.previous(), CONTEXT));
        assertThrows(
                IllegalStateException.class, () -> BOX.open(second.current(), SecretRotation.previousContext(CONTEXT)));

        Instant end = T.plusSeconds(60).plus(GRACE);
        assertEquals("whsec_one", SecretRotation.openPrevious(BOX, second, CONTEXT, GRACE, end.minusSeconds(1)));
        assertNull(SecretRotation.openPrevious(BOX, second, CONTEXT, GRACE, end));
        assertNull(SecretRotation.openPrevious(BOX, second, CONTEXT, GRACE, end.plusSeconds(1)));
    }

    @Test
    void theSameSecretAgainChangesNothingClearingClearsBothAndAThirdKeepsOnlyTheOneItReplaces() {
        SecretRotation.Sealed first = SecretRotation.replace(BOX, NONE, "whsec_one", CONTEXT, T);
        SecretRotation.Sealed second = SecretRotation.replace(BOX, first, "whsec_two", CONTEXT, T.plusSeconds(60));
        assertSame(second, SecretRotation.replace(BOX, second, "whsec_two", CONTEXT, T.plusSeconds(120)));
        SecretRotation.Sealed third = SecretRotation.replace(BOX, second, "whsec_three", CONTEXT, T.plusSeconds(180));
        assertEquals("whsec_two", SecretRotation.openPrevious(BOX, third, CONTEXT, GRACE, T.plusSeconds(181)));
        assertEquals(T.plusSeconds(180), third.replacedAt());
        assertEquals(NONE, SecretRotation.replace(BOX, third, "", CONTEXT, T.plusSeconds(240)));
        assertEquals(NONE, SecretRotation.replace(BOX, third, null, CONTEXT, T.plusSeconds(240)));
    }
}
