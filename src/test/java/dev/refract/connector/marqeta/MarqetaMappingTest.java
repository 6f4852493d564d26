package dev.refract.connector.marqeta;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.refract.refund.Money;
import dev.refract.refund.Outcome;
import dev.refract.refund.RefundError;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Marqeta's tables: https://www.marqeta.com/docs/core-api/credit-account-refunds. */
class MarqetaMappingTest {

    @ParameterizedTest(name = "{0} → {1} {2}")
    @CsvSource({
        "INITIATED,Pending,",
        "PENDING,Pending,",
        "PROCESSING,Pending,",
        "SUBMITTED,Pending,",
        "COMPLETED,Succeeded,",
        "CANCELLED,Declined,refund_cancelled",
        "RETURNED,Declined,refund_returned",
        "ON_HOLD,Pending,"
    })
    void statusTable(String status, String outcome, String code) {
        Outcome o = MarqetaMapping.refund(
                new MarqetaModels.Refund("t", "a", status, "ACH", "PAYMENT_REFUND", null, BigDecimal.TEN, "USD", null));
        assertEquals(outcome, o.getClass().getSimpleName());
        if (code != null) {
            Outcome.Declined d = (Outcome.Declined) o;
            assertEquals(code, d.code().wire());
            assertEquals("RETURNED".equals(status), d.reversesSuccess(), "only RETURNED may follow COMPLETED");
        }
    }

    /** The refund names the account it refunds and answers under its token: both are checked against the refund. */
    @Test
    void aRefundReportsItsAccountAndTokenWhateverItsStatus() {
        for (String status : new String[] {"INITIATED", "COMPLETED", "CANCELLED", "RETURNED"}) {
            Outcome.Reported reported = MarqetaMapping.refund(new MarqetaModels.Refund(
                            "rf_t",
                            "acct_1",
                            status,
                            "ACH",
                            "PAYMENT_REFUND",
                            null,
                            new BigDecimal("10.05"),
                            "USD",
                            null))
                    .reported();
            assertEquals(new BigDecimal("1005"), reported.minorAmount().stripTrailingZeros(), status);
            assertEquals("USD", reported.currency(), status);
            assertEquals(List.of("acct_1"), reported.paymentIds(), status);
            assertEquals("rf_t", reported.pspReference(), status);
        }
    }

    @Test
    void amountIsADecimalInMajorUnits() {
        MarqetaModels.CreateRefund r = MarqetaMapping.request(
                "tok", Map.of("method", "ACH", "type", "PAYMENT_REFUND"), Money.of(1005, "USD"), null);
        assertEquals(new BigDecimal("10.05"), r.amount());
        assertEquals("USD", r.currencyCode());
    }

    @Test
    void optionsAreCheckedAgainstMarqetasValues() {
        MarqetaMapping.validate(Map.of("method", "CHECK", "type", "CREDIT_BALANCE_REFUND"));
        assertThrows(RefundError.InvalidRequest.class, () -> MarqetaMapping.validate(Map.of("type", "PAYMENT_REFUND")));
        assertThrows(
                RefundError.InvalidRequest.class,
                () -> MarqetaMapping.validate(Map.of("method", "WIRE", "type", "PAYMENT_REFUND")));
        assertThrows(
                RefundError.InvalidRequest.class,
                () -> MarqetaMapping.validate(
                        Map.of("method", "ACH", "type", "PAYMENT_REFUND", "payment_source_token", "x".repeat(37))));
    }
}
