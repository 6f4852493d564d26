package dev.refract.refund;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CreateRefundTest {

    static CreateRefund command(String id, Money amount, Map<String, String> metadata) {
        return new CreateRefund(id, "sbx_1000_USD", null, amount, null, "why", metadata, Map.of());
    }

    @Test
    void sameParametersSameFingerprint() {
        Map<String, String> a = new HashMap<>(Map.of("k1", "v1", "k2", "v2"));
        Map<String, String> b = new HashMap<>(Map.of("k2", "v2", "k1", "v1"));
        assertEquals(
                command("r1", Money.of(100, "USD"), a).fingerprint(),
                command("r1", Money.of(100, "USD"), b).fingerprint());
    }

    @Test
    void anyDifferentParameterChangesTheFingerprint() {
        String base = command("r1", Money.of(100, "USD"), Map.of()).fingerprint();
        assertNotEquals(base, command("r1", Money.of(101, "USD"), Map.of()).fingerprint());
        assertNotEquals(base, command("r1", null, Map.of()).fingerprint());
        assertNotEquals(
                base, command("r1", Money.of(100, "USD"), Map.of("k", "v")).fingerprint());
        // length prefixes: moving a character from one field to the next is another request
        assertNotEquals(
                command("r1", null, Map.of("ab", "c")).fingerprint(),
                command("r1", null, Map.of("a", "bc")).fingerprint());
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "has space",
                "slash/es",
                "ümlaut",
                "0123456789012345678901234567890123456789012345678901234567890123456789"
            })
    void refusesBadMerchantRefundIds(String id) {
        RefundError e = assertThrows(RefundError.InvalidRequest.class, () -> command(id, null, Map.of()));
        assertEquals("merchant_refund_id", e.param());
    }

    @Test
    void enforcesMetadataLimits() {
        Map<String, String> tooMany = new HashMap<>();
        for (int i = 0; i < 21; i++) {
            tooMany.put("k" + i, "v");
        }
        assertThrows(RefundError.InvalidRequest.class, () -> command("r", null, tooMany));
        assertThrows(RefundError.InvalidRequest.class, () -> command("r", null, Map.of("k".repeat(41), "v")));
        assertThrows(RefundError.InvalidRequest.class, () -> command("r", null, Map.of("k", "v".repeat(501))));
        command("r", null, Map.of("k".repeat(40), "v".repeat(500)));
    }

    @Test
    void refusesNonPositiveAmountsAndMixedCurrencies() {
        RefundError zero =
                assertThrows(RefundError.InvalidRequest.class, () -> command("r", Money.of(0, "USD"), Map.of()));
        assertEquals(ErrorCode.INVALID_AMOUNT, zero.code());
        assertThrows(
                RefundError.CurrencyMismatch.class,
                () -> new CreateRefund(
                        "r", "sbx_1000_USD", null, Money.of(1, "USD"), Money.of(1, "EUR"), null, null, null));
    }
}
