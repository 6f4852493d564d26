package dev.refract.connector.exodus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.refract.outbound.PspAnswer;
import dev.refract.refund.ErrorCode;
import dev.refract.refund.Outcome;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Exodus Pay's tables (Create Refund: request, answer and error examples). */
class ExodusMappingTest {

    @ParameterizedTest(name = "{0} → {1}")
    @CsvSource({
        "pending,Pending",
        "succeeded,Succeeded",
        "completed,Succeeded",
        "failed,Declined",
        "canceled,Declined",
        "confirming,Pending"
    })
    void statusTable(String status, String outcome) {
        Outcome o = ExodusMapping.refund(new ExodusModels.Refund(
                "ref_1",
                "refund",
                "pay_1",
                5000L,
                "USD",
                status,
                null,
                "USDC",
                "ethereum",
                "0x742d",
                null,
                new ExodusModels.RefundMetadata("r_1")));
        assertEquals(outcome, o.getClass().getSimpleName());
        assertEquals("ethereum", o.details().get("network"));
        assertEquals("r_1", o.reported().merchantRefundId(), "a failed refund reports what it is of, too");
        assertEquals(List.of("pay_1"), o.reported().paymentIds());
    }

    @Test
    void errorExamples() {
        Outcome.Declined notRefundable = (Outcome.Declined) ExodusMapping.error(
                new PspAnswer(
                        400, "{\"error\":{\"type\":\"invalid_request\",\"message\":\"Payment cannot be refunded.\"}}"),
                true);
        assertEquals(ErrorCode.REFUND_FAILED, notRefundable.code());
        Outcome.Declined tooMuch = (Outcome.Declined) ExodusMapping.error(
                new PspAnswer(
                        400,
                        "{\"error\":{\"type\":\"validation_error\",\"message\":\"exceeds\",\"param\":\"amount\"}}"),
                true);
        assertEquals(ErrorCode.AMOUNT_EXCEEDS_REFUNDABLE, tooMuch.code());
    }

    @Test
    void freeTextReasonTravelsInMetadata() {
        ExodusModels.CreateRefund r = ExodusMapping.request("pay_1", 2500, "arrived broken", Map.of(), "r1");
        assertNull(r.reason());
        assertEquals("arrived broken", r.metadata().get("refund_reason"));
        assertEquals(
                "requested_by_customer",
                ExodusMapping.request("pay_1", 2500, "requested_by_customer", Map.of(), "r1")
                        .reason());
    }
}
