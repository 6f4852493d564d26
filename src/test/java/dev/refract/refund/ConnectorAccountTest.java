package dev.refract.refund;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which webhook secrets an account accepts at a given time: the previous one only before its grace ends. */
class ConnectorAccountTest {

    static final Instant UNTIL = Instant.parse("2026-01-21T15:30:00Z");

    static ConnectorAccount account(String current, String previous, Instant until) {
        return new ConnectorAccount("m_a", "stripe", true, Map.of(), Map.of(), current, previous, until);
    }

    @Test
    void thePreviousSecretIsAcceptedUntilTheEndOfItsGraceExclusive() {
        ConnectorAccount a = account("whsec_new", "whsec_old", UNTIL);
        assertEquals(List.of("whsec_new", "whsec_old"), a.webhookSecrets(UNTIL.minusMillis(1)));
        assertEquals(List.of("whsec_new"), a.webhookSecrets(UNTIL));
        assertEquals(List.of("whsec_new"), a.webhookSecrets(UNTIL.plusSeconds(1)));
    }

    @Test
    void withoutACurrentSecretNothingIsAcceptedAndWithoutAPreviousOnlyTheCurrent() {
        assertEquals(List.of(), account(null, "whsec_old", UNTIL).webhookSecrets(UNTIL.minusSeconds(60)));
        assertEquals(List.of("whsec_new"), account("whsec_new", null, null).webhookSecrets(UNTIL));
        assertEquals(
                List.of(), new ConnectorAccount("m_a", "stripe", true, Map.of(), Map.of(), null).webhookSecrets(UNTIL));
    }

    @Test
    void noSecretIsInItsText() {
        String text = account("whsec_new", "whsec_old", UNTIL).toString();
        assertFalse(text.contains("whsec_"), text);
    }
}
