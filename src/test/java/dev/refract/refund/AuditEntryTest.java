package dev.refract.refund;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** An audit entry holds words, names, numbers and flags, never a secret, whoever writes it. */
class AuditEntryTest {

    static final Actor ADA = new Actor.Operator("9e4b1a7c-ada", "Ada Admin");

    static AuditEntry entry(Map<String, Object> detail) {
        return new AuditEntry(ADA, AuditAction.CONNECTOR_PUT, AuditEntry.connector("m_acme", "stripe"), detail);
    }

    @Test
    void aSecretsValueIsRefusedUnderAnyNameThatSpeaksOfOne() {
        for (String name : List.of(
                "api_key",
                "webhook_secret",
                "token",
                "access_token",
                "password",
                "credentials",
                "private_key",
                "client_secret",
                "signature",
                "API_KEY")) {
            IllegalArgumentException e =
                    assertThrows(IllegalArgumentException.class, () -> entry(Map.of(name, "anything")), name);
            assertTrue(e.getMessage().contains("names a secret"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> entry(Map.of(name, 12345)), name);
            assertThrows(IllegalArgumentException.class, () -> entry(Map.of(name, List.of("x"))), name);
        }
    }

    @Test
    void whatLooksLikeAKeyOrTokenIsRefusedUnderAnyName() {
        for (String value : List.of(
                "rk_Zx8a-Qp3LmN0vR2sT4uW6yA8cE0gI2kM4oQ6s",
                "use sk_test_51HbcdefGHIJklmnop to call",
                "whsec_AbCdEfGhIjKlMnOpQr",
                "Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhZGEifQ.c2lnbmF0dXJl")) {
            assertThrows(IllegalArgumentException.class, () -> entry(Map.of("reason", value)), value);
            assertThrows(IllegalArgumentException.class, () -> entry(Map.of("names", List.of(value))), value);
            // an id's name does not make a key an id
            assertThrows(IllegalArgumentException.class, () -> entry(Map.of("api_key_id", value)), value);
        }
    }

    @Test
    void flagsAndNamesOfSecretsAreWhatMayBeRecorded() {
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("webhook_secret_set", true);
        detail.put("credential_names", List.of("api_key", "merchant_account"));
        detail.put("enabled", false);
        detail.put("refunded_minor_amount", 300L);
        detail.put("reason", "checked in the PSP dashboard (ticket OPS-7); sk_ is a prefix, not a key");
        detail.put("connector_status", null);
        detail.put("successor_key_id", "key_3f9a1c");
        AuditEntry entry = entry(detail);
        assertEquals(detail, entry.detail());
        assertEquals("m_acme", entry.merchantId());
    }

    @Test
    void theMerchantOfATargetIsItsFirstSegmentUnderMerchants() {
        assertEquals(
                "m_acme",
                new AuditEntry(ADA, AuditAction.REFUND_SYNC, AuditEntry.refund("m_acme", "rf_1"), Map.of())
                        .merchantId());
        assertEquals(
                "m.b:c",
                new AuditEntry(ADA, AuditAction.MERCHANT_CREATE, AuditEntry.merchant("m.b:c"), Map.of()).merchantId());
        assertNull(new AuditEntry(ADA, AuditAction.RECONCILIATION_RUN, AuditEntry.reconciliation("rec_1"), Map.of())
                .merchantId());
        assertNull(new AuditEntry(ADA, AuditAction.OUTBOX_RETRY, AuditEntry.outboxItem(7), Map.of()).merchantId());
    }

    @Test
    void theAdminTokenIsNobodyAndNeverTheSamePersonAsAnyone() {
        Actor token = new Actor.AdminToken();
        assertEquals("admin_token", token.kind());
        assertNull(token.subject());
        assertTrue(!token.samePersonAs(new Actor.AdminToken()));
        assertTrue(ADA.samePersonAs(new Actor.Operator("9e4b1a7c-ada", "Another Name")));
        assertTrue(!ADA.samePersonAs(token));
    }
}
