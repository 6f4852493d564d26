package dev.refract.connector.charges;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.refract.refund.Money;
import dev.refract.refund.Outcome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The charges API's tables (POST /refunds). */
class ChargesMappingTest {

    @ParameterizedTest(name = "{0} → {1}")
    @CsvSource({"succeeded,Succeeded", "pending,Pending", "failed,Declined", "canceled,Declined", "reversing,Pending"})
    void statusTable(String status, String outcome) {
        Outcome o = ChargesMapping.refund(new ChargesModels.Refund(
                "re_abc123", "ch_xyz789", "50000", "EGP", status, null, "bt_def456", "2024-01-01T00:00:00.000Z"));
        assertEquals(outcome, o.getClass().getSimpleName());
        assertEquals("bt_def456", o.details().get("balanceTransactionId"));
    }

    @Test
    void exactlyOneTargetAndAStringAmount() {
        ChargesModels.CreateRefund charge = ChargesMapping.request("ch_1", Money.of(50_000, "EGP"), "duplicate");
        assertEquals("ch_1", charge.chargeId());
        assertNull(charge.paymentIntentId());
        assertEquals("50000", charge.amount());
        ChargesModels.CreateRefund intent = ChargesMapping.request("pi_1", Money.of(1, "JPY"), "other words");
        assertEquals("pi_1", intent.paymentIntentId());
        assertNull(intent.chargeId());
        assertNull(intent.reason());
    }
}
