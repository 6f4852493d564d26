package dev.refract.connector.adyen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.refract.outbound.PspAnswer;
import dev.refract.refund.ErrorCode;
import dev.refract.refund.Money;
import dev.refract.refund.Outcome;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Adyen's tables: https://docs.adyen.com/development-resources/currency-codes, Checkout v71 refunds. */
class AdyenMappingTest {

    @ParameterizedTest(name = "{0} {1} is {2} at Adyen")
    @CsvSource({"1050,USD,1050", "500,JPY,500", "5120,KWD,5120", "7,ISK,700", "500,CLP,50000", "1200,CVE,12"})
    void amountsInAdyensUnits(long minor, String currency, long adyen) {
        assertEquals(adyen, AdyenMapping.amount(Money.of(minor, currency)).value());
    }

    @ParameterizedTest(name = "reason {0} → {1}")
    @CsvSource({
        "requested_by_customer,CUSTOMER REQUEST",
        "duplicate,DUPLICATE",
        "fraudulent,FRAUD",
        "Return,RETURN",
        "Broken on arrival,OTHER"
    })
    void reasonsInAdyensVocabulary(String reason, String adyen) {
        assertEquals(adyen, AdyenMapping.reason(reason));
    }

    @Test
    void anAcknowledgedRefundIsPending() {
        Outcome o = AdyenMapping.created(
                new PspAnswer(201, "{\"pspReference\":\"QFQTPCQ8HXSKGK82\",\"status\":\"received\"}"), "AcmeECOM");
        assertEquals(new Outcome.Pending("QFQTPCQ8HXSKGK82", "received", Map.of()), o);
    }

    /** The answer names the merchant account and echoes the reference: both are checked against the request. */
    @Test
    void anAcknowledgementReportsItsAccountAndReference() {
        Outcome o = AdyenMapping.created(new PspAnswer(201, """
                        {"merchantAccount": "AcmePOS", "paymentPspReference": "PAY0000000000001",
                         "pspReference": "QFQTPCQ8HXSKGK82", "reference": "r_1", "status": "received",
                         "amount": {"currency": "CLP", "value": 50000}}"""), "AcmeECOM");
        Outcome.Reported reported = o.reported();
        assertEquals(new Outcome.Account("AcmeECOM", "AcmePOS"), reported.account());
        assertEquals("r_1", reported.merchantRefundId());
        assertEquals(0, new BigDecimal("500").compareTo(reported.minorAmount()), "CLP two-decimal at Adyen");
        assertEquals(List.of("PAY0000000000001"), reported.paymentIds());
    }

    @Test
    void errorsByStatusAndCode() {
        assertInstanceOf(Outcome.NotSent.class, AdyenMapping.error(new PspAnswer(401, "")));
        // a 404 is Adyen's only in Adyen's error object; an empty one came from something in between
        assertInstanceOf(Outcome.Unknown.class, AdyenMapping.error(new PspAnswer(404, "")));
        assertInstanceOf(
                Outcome.NotFound.class,
                AdyenMapping.error(
                        new PspAnswer(
                                404,
                                "{\"status\":404,\"errorCode\":\"000\",\"message\":\"Not found\",\"errorType\":\"validation\"}")));
        assertInstanceOf(
                Outcome.Unknown.class,
                AdyenMapping.error(new PspAnswer(
                        409,
                        "{\"status\":409,\"errorCode\":\"704\",\"message\":\"request already processed or in progress\","
                                + "\"errorType\":\"validation\"}")));
        Outcome.Declined amount = (Outcome.Declined)
                AdyenMapping.error(
                        new PspAnswer(
                                422,
                                "{\"status\":422,\"errorCode\":\"137\",\"message\":\"Invalid amount specified\",\"errorType\":\"validation\"}"));
        assertEquals(ErrorCode.AMOUNT_EXCEEDS_REFUNDABLE, amount.code());
        Outcome.Declined other = (Outcome.Declined)
                AdyenMapping.error(
                        new PspAnswer(
                                422,
                                "{\"status\":422,\"errorCode\":\"167\",\"message\":\"Original pspReference required\",\"errorType\":\"validation\"}"));
        assertEquals(ErrorCode.REFUND_FAILED, other.code());
        assertEquals("167", other.connectorCode());
    }
}
