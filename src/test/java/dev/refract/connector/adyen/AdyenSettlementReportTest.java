package dev.refract.connector.adyen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.refract.refund.ErrorCode;
import dev.refract.refund.Outcome;
import dev.refract.refund.PspRefund;
import dev.refract.refund.ReadsSettlementReports;
import dev.refract.refund.RefundError;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Adyen's Settlement details report read with its documented columns
 * (https://docs.adyen.com/reporting/settlement-detail-report): its Refunded entries of the account, every other kind
 * passed over, and every file that is not that report, or is cut short, refused naming why.
 */
class AdyenSettlementReportTest {

    static final String HEADER = "Company Account,Merchant Account,Psp Reference,Merchant Reference,Payment Method,"
            + "Creation Date,TimeZone,Type,Modification Reference,Gross Currency,Gross Debit (GC),Gross Credit (GC),"
            + "Exchange Rate,Net Currency,Net Debit (NC),Net Credit (NC),Commission (NC),Markup (NC),Scheme Fees (NC),"
            + "Interchange (NC),Payment Method Variant,Modification Merchant Reference,Batch Number\n";

    /** One entry of each kind a settlement batch holds, three refunds of the account among them. */
    static final String ENTRIES = String.join(
                    "\n",
                    "TestCompany,AcmeECOM,8816178914000001,order-1,visa,2026-01-05 10:00:00,CET,Settled,8816178914000001,EUR,,100.00,1,EUR,,98.00,,0.50,0.30,1.20,visaclassic,,118",
                    "TestCompany,AcmeECOM,8816178914000001,order-1,visa,2026-01-05 12:00:00,CET,Refunded,8516178914000002,EUR,25.00,,1,EUR,25.10,,0.10,,,,visaclassic,r_eur,118",
                    "TestCompany,AcmeECOM,8816178914000003,order-3,jcb,2026-01-05 13:00:00,CET,Refunded,8516178914000004,JPY,500,,1,EUR,3.10,,,,,,jcb,r_yen,118",
                    "TestCompany,AcmeECOM,8816178914000005,order-5,mc,2026-01-05 14:00:00,CET,Refunded,8516178914000006,KWD,5.120,,1,EUR,15.40,,,,,,mccredit,,118",
                    "TestCompany,OtherECOM,8816178914000007,order-7,mc,2026-01-05 15:00:00,CET,Refunded,8516178914000008,EUR,9.00,,1,EUR,9.00,,,,,,mccredit,r_other,118",
                    "TestCompany,AcmeECOM,8816178914000009,order-9,visa,2026-01-05 16:00:00,CET,Chargeback,8816178914000010,EUR,40.00,,1,EUR,47.50,,7.50,,,,visaclassic,,118",
                    "TestCompany,AcmeECOM,8816178914000001,order-1,visa,2026-01-05 17:00:00,CET,RefundedReversed,8516178914000011,EUR,,25.00,1,EUR,,25.00,,,,,visaclassic,r_eur,118",
                    "TestCompany,AcmeECOM,,,,2026-01-05 23:00:00,CET,Fee,Transaction Fees January 2026,EUR,,,,EUR,1.00,,,,,,,,118",
                    "TestCompany,AcmeECOM,,,,2026-01-06 02:00:00,CET,MerchantPayout,\"Payout to NL13TEST0123456789, batch 118\",EUR,,,,EUR,40.00,,,,,,,,118")
            + "\n";

    record Read(ReadsSettlementReports.Summary summary, List<PspRefund> refunds) {}

    static Read read(String csv, String account) throws IOException {
        return read(csv.getBytes(StandardCharsets.UTF_8), account);
    }

    static Read read(byte[] csv, String account) throws IOException {
        List<PspRefund> refunds = new ArrayList<>();
        ReadsSettlementReports.Summary summary =
                AdyenSettlementReport.read(new ByteArrayInputStream(csv), account, refunds::add);
        return new Read(summary, refunds);
    }

    static String refused(String csv) {
        RefundError e = assertThrows(RefundError.class, () -> read(csv, "AcmeECOM"));
        assertEquals(ErrorCode.INVALID_REPORT, e.code());
        return e.getMessage();
    }

    @Test
    void theAccountsRefundedEntriesAreItsRefundsAndEveryOtherKindIsPassedOver() throws IOException {
        Read read = read(HEADER + ENTRIES, "AcmeECOM");

        assertEquals(9, read.summary().entries());
        assertEquals(3, read.summary().refunds());
        assertEquals(List.of("118"), read.summary().batches());
        assertEquals(Instant.parse("2026-01-05T09:00:00Z"), read.summary().earliest());
        assertEquals(Instant.parse("2026-01-06T01:00:00Z"), read.summary().latest());
        List<PspRefund> refunds = read.refunds();
        assertEquals(
                List.of("8516178914000002", "8516178914000004", "8516178914000006"),
                refunds.stream().map(PspRefund::connectorRefundId).toList());
        PspRefund euros = refunds.get(0);
        assertEquals("r_eur", euros.reference());
        assertTrue(euros.record() instanceof Outcome.Succeeded);
        assertEquals("Refunded", euros.record().connectorStatus());
        assertEquals(
                0, new BigDecimal("2500").compareTo(euros.record().reported().minorAmount()));
        assertEquals("EUR", euros.record().reported().currency());
        assertEquals(List.of("8816178914000001"), euros.record().reported().paymentIds());
        assertEquals(Instant.parse("2026-01-05T11:00:00Z"), euros.createdAt());
        // a currency of exponent 0 and one of exponent 3, written in major units
        assertEquals(
                0,
                new BigDecimal("500")
                        .compareTo(refunds.get(1).record().reported().minorAmount()));
        assertEquals(
                0,
                new BigDecimal("5120")
                        .compareTo(refunds.get(2).record().reported().minorAmount()));
        assertNull(refunds.get(2).reference(), "no modification merchant reference: made outside Refract");
        assertTrue(refunds.stream().allMatch(r -> r.external() != null), "each may be adopted if Refract has none");
    }

    @Test
    void columnsAreFoundByNameWhereverTheAccountPutThem() throws IOException {
        String csv = "\uFEFFBatch Number,Type,Modification Reference,Psp Reference,Gross Currency,Gross Debit (GC),"
                + "Gross Credit (GC),Creation Date,TimeZone,Merchant Account,Net Currency,Net Debit (NC),Net Credit (NC),"
                + "Modification Merchant Reference\n"
                + "7,Refunded,8516178914000020,8816178914000021,USD,\"1,000.00\",,2026-02-01 08:00:00,UTC,AcmeECOM,USD,,,r_q\n";
        RefundError e = assertThrows(RefundError.class, () -> read(csv, "AcmeECOM"));
        assertTrue(e.getMessage().contains("'1,000.00' is not a decimal amount"), e.getMessage());

        Read read = read(csv.replace("\"1,000.00\"", "1000.00"), "AcmeECOM");
        assertEquals(1, read.refunds().size());
        assertEquals(
                0,
                new BigDecimal("100000")
                        .compareTo(read.refunds().get(0).record().reported().minorAmount()));
        assertEquals(
                Instant.parse("2026-02-01T08:00:00Z"), read.refunds().get(0).createdAt());
        assertEquals(List.of("7"), read.summary().batches());
    }

    @Test
    void aReportWithNoEntriesIsReadAsSuch() throws IOException {
        Read read = read(HEADER, "AcmeECOM");
        assertEquals(0, read.summary().entries());
        assertEquals(0, read.refunds().size());
        assertNull(read.summary().earliest());
    }

    @Test
    void anotherReportOfAdyensIsRefused() {
        String paymentAccounting = "Company Account,Merchant Account,Psp Reference,Merchant Reference,Payment Method,"
                + "Booking Date,TimeZone,Main Currency,Main Amount,Record Type,Payment Currency,Received (PC),"
                + "Authorised (PC),Captured (PC),Settlement Currency,Payable (SC),Commission (SC)\n"
                + "TestCompany,AcmeECOM,8816178914000001,order-1,visa,2026-01-05 10:00:00,CET,EUR,100.00,Settled,EUR,,,"
                + "100.00,EUR,98.00,2.00\n";
        String message = refused(paymentAccounting);
        assertTrue(message.startsWith("this is not Adyen's Settlement details report"), message);
        assertTrue(message.contains("Modification Reference") && message.contains("Gross Debit (GC)"), message);
        assertTrue(message.contains("Payment accounting report"), message);
    }

    @Test
    void aFileCutShortIsRefusedNamingTheLine() {
        String whole = HEADER + ENTRIES;
        // cut in the middle of the fifth entry
        String cut = whole.substring(0, whole.indexOf("OtherECOM") + 20);
        String message = refused(cut);
        assertTrue(message.contains("line 6 has 3 fields where the header has 23"), message);
        assertTrue(message.contains("cut short"), message);
    }

    @Test
    void aFileCutInsideAQuotedFieldIsRefused() {
        String whole = HEADER + ENTRIES;
        String cut = whole.substring(0, whole.indexOf("NL13TEST"));
        String message = refused(cut);
        assertTrue(message.contains("not well-formed CSV") && message.contains("cut short"), message);
    }

    @Test
    void anEmptyFileIsRefused() {
        assertTrue(refused("").contains("the file is empty"));
    }

    @Test
    void aTimeZoneOrADateThatCannotBeReadIsRefusedNamingTheLine() {
        assertTrue(refused(HEADER + ENTRIES.replaceFirst(",CET,", ",XYZT,")).contains("line 2: TimeZone 'XYZT'"));
        assertTrue(refused(HEADER + ENTRIES.replaceFirst("2026-01-05 10:00:00", "05/01/2026"))
                .contains("line 2: Creation Date '05/01/2026'"));
    }
}
