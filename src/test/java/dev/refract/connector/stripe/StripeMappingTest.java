package dev.refract.connector.stripe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.refract.outbound.PspAnswer;
import dev.refract.refund.Money;
import dev.refract.refund.Outcome;
import dev.refract.refund.PaymentLookup;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Stripe's tables: https://docs.stripe.com/api/refunds/object, https://docs.stripe.com/currencies. */
class StripeMappingTest {

    static StripeModels.Refund refund(String status) {
        return new StripeModels.Refund(
                "re_1",
                "refund",
                100L,
                "usd",
                status,
                null,
                "pi_1",
                null,
                null,
                new StripeModels.RefundMetadata("r_1"));
    }

    /** Whatever its status, the refund object reports what it is of: a failed one may be another refund's failure. */
    @ParameterizedTest
    @ValueSource(strings = {"succeeded", "pending", "failed", "canceled"})
    void everyRefundObjectReportsItsAmountPaymentAndEchoedReference(String status) {
        Outcome.Reported reported = StripeMapping.refund(refund(status)).reported();
        assertEquals(0, new BigDecimal("100").compareTo(reported.minorAmount()), status);
        assertEquals("USD", reported.currency());
        assertEquals(List.of("pi_1"), reported.paymentIds());
        assertEquals("r_1", reported.merchantRefundId());
    }

    @ParameterizedTest(name = "{0} → {1}")
    @CsvSource({
        "succeeded,Succeeded,",
        "pending,Pending,",
        "requires_action,Pending,",
        "failed,Declined,refund_failed",
        "canceled,Declined,refund_cancelled",
        "something_new,Pending,",
        ",Pending,"
    })
    void statusTable(String status, String outcome, String code) {
        Outcome o = StripeMapping.refund(refund(status));
        assertEquals(outcome, o.getClass().getSimpleName());
        if (code != null) {
            assertEquals(code, ((Outcome.Declined) o).code().wire());
        }
    }

    @Test
    void onlyFailedMayReverseASuccess() {
        assertTrue(((Outcome.Declined) StripeMapping.refund(refund("failed"))).reversesSuccess());
        assertTrue(!((Outcome.Declined) StripeMapping.refund(refund("canceled"))).reversesSuccess());
    }

    @ParameterizedTest(name = "{0} {1} while creating → {2} {3}")
    @CsvSource({
        "400,charge_already_refunded,Declined,refund_failed",
        "400,charge_disputed,Declined,refund_failed",
        "400,amount_too_large,Declined,amount_exceeds_refundable",
        "404,resource_missing,NotFound,",
        "401,,NotSent,",
        "400,parameter_unknown,Declined,refund_failed"
    })
    void errorTable(int status, String code, String outcome, String apiCode) {
        String body = code == null
                ? ""
                : "{\"error\":{\"type\":\"invalid_request_error\",\"code\":\"" + code + "\",\"message\":\"m\"}}";
        Outcome o = StripeMapping.error(new PspAnswer(status, body), true);
        assertEquals(outcome, o.getClass().getSimpleName());
        if (apiCode != null) {
            assertEquals(apiCode, ((Outcome.Declined) o).code().wire());
            assertEquals(code, ((Outcome.Declined) o).connectorCode());
        }
    }

    /** Stripe's own resource_missing for the refund's id: Stripe says it has no such refund. */
    @Test
    void stripesOwnMissingRefundOnSyncDisownsIt() {
        Outcome o = StripeMapping.error(
                new PspAnswer(
                        404,
                        "{\"error\":{\"type\":\"invalid_request_error\",\"code\":\"resource_missing\","
                                + "\"message\":\"No such refund: 're_1'\"}}"),
                false);
        assertInstanceOf(Outcome.Disowned.class, o);
        assertEquals("resource_missing", ((Outcome.Disowned) o).connectorCode());
    }

    /** Answers that are not Stripe's error object, and Stripe's own errors to a read: nothing learned. */
    @ParameterizedTest(name = "{0} {1} while creating={2} → Unknown")
    @CsvSource(
            delimiter = '|',
            value = {
                "404|<html><body>404 Not Found</body></html>|true",
                "404|<html><body>404 Not Found</body></html>|false",
                "400||true",
                "409|{\"message\":\"conflict\"}|true",
                "404|{\"error\":{\"code\":\"resource_missing\",\"message\":\"no type\"}}|false",
                "409|{\"error\":{\"type\":\"invalid_request_error\",\"message\":\"in use\"}}|true",
                "400|{\"error\":{\"type\":\"idempotency_error\",\"message\":\"other parameters\"}}|true",
                "400|{\"error\":{\"type\":\"invalid_request_error\",\"code\":\"charge_already_refunded\"}}|false"
            })
    void answersThatAreNotStripesDecisionAreUnknown(int status, String body, boolean creating) {
        assertInstanceOf(
                Outcome.Unknown.class, StripeMapping.error(new PspAnswer(status, body == null ? "" : body), creating));
    }

    @ParameterizedTest(name = "{0} {1} is {2} at Stripe")
    @CsvSource({"1050,USD,1050", "500,JPY,500", "5120,KWD,5120", "500,ISK,50000", "100,MGA,1", "7,UGX,7"})
    void amountsInStripesUnits(long minor, String currency, long stripe) {
        assertEquals(stripe, StripeMapping.amount(Money.of(minor, currency)));
        assertNull(StripeMapping.unacceptable(Money.of(minor, currency)));
    }

    @ParameterizedTest(name = "{0} {1} cannot go to Stripe")
    @CsvSource({"5125,KWD", "1,BHD", "150,MGA"})
    void amountsStripeRefuses(long minor, String currency) {
        assertNotNull(StripeMapping.unacceptable(Money.of(minor, currency)));
    }

    @Test
    void capturedAmountComesBackInIsoUnits() {
        PaymentLookup isk = StripeMapping.captured(
                new PspAnswer(
                        200,
                        "{\"id\":\"pi_1\",\"amount_received\":123400,\"currency\":\"isk\",\"status\":\"succeeded\"}"),
                false);
        assertEquals(new PaymentLookup.Captured(Money.of(1234, "ISK")), isk);
        PaymentLookup jpy = StripeMapping.captured(
                new PspAnswer(200, "{\"id\":\"ch_1\",\"amount_captured\":5000,\"currency\":\"jpy\",\"captured\":true}"),
                true);
        assertEquals(new PaymentLookup.Captured(Money.of(5000, "JPY")), jpy);
        assertInstanceOf(
                PaymentLookup.Unavailable.class,
                StripeMapping.captured(
                        new PspAnswer(200, "{\"id\":\"pi_1\",\"amount_received\":0,\"currency\":\"usd\"}"), false));
    }

    @Test
    void formCarriesTheReasonOnlyWhenStripeKnowsIt() {
        String known = StripeMapping.createForm("pi_1", Money.of(100, "USD"), "duplicate", Map.of(), "r1");
        assertTrue(known.contains("reason=duplicate"));
        String free =
                StripeMapping.createForm("ch_1", Money.of(100, "USD"), "broken on arrival", Map.of("a", "b"), "r1");
        assertTrue(free.startsWith("amount=100&charge=ch_1"), free);
        assertTrue(free.contains("metadata%5Brefund_reason%5D=broken+on+arrival"), free);
        assertTrue(!free.contains("&reason="), free);
    }
}
