package dev.refract.connector.adyen;

import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.dataformat.csv.CsvFactory;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import dev.refract.refund.ErrorCode;
import dev.refract.refund.Money;
import dev.refract.refund.Outcome;
import dev.refract.refund.PspRefund;
import dev.refract.refund.ReadsSettlementReports;
import dev.refract.refund.RefundError;
import dev.refract.refund.WebhookEvent;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PushbackInputStream;
import java.io.Reader;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Adyen's Settlement details report (https://docs.adyen.com/reporting/settlement-detail-report): a CSV file, one header
 * line, then one entry per line. Columns are found by their names in the header, since an account may add columns
 * or reorder them. Its {@code Refunded} entries are refunds Adyen settled: {@code Modification Reference} is the
 * refund's pspReference, {@code Psp Reference} the payment's, {@code Gross Debit (GC)} the amount refunded in
 * {@code Gross Currency} (decimal, major units), {@code Modification Merchant Reference} the reference the refund was
 * asked with, {@code Creation Date} in {@code TimeZone}. Every other type of entry (Settled, Fee, MerchantPayout,
 * Chargeback, RefundedReversed …) is counted and passed over. Read as a stream with Jackson's CSV parser: a line at a
 * time in memory, however large the file.
 */
final class AdyenSettlementReport {

    static final String NAME = "Settlement details report";

    /** The columns that make a file this report, and that reading its refunds needs. */
    static final List<String> REQUIRED = List.of(
            "Merchant Account",
            "Psp Reference",
            "Creation Date",
            "TimeZone",
            "Type",
            "Modification Reference",
            "Gross Currency",
            "Gross Debit (GC)",
            "Gross Credit (GC)",
            "Net Currency",
            "Net Debit (NC)",
            "Net Credit (NC)");

    /** The first few settlement batches a report names are kept with the run. */
    private static final int BATCHES_KEPT = 20;

    private static final CsvFactory CSV = CsvFactory.builder().build();

    private AdyenSettlementReport() {}

    /**
     * Reads the report, handing each Refunded entry of {@code merchantAccount} (every account's when null) to
     * {@code refunds}; refuses a file that is not this report, or a malformed or truncated one, naming the line.
     */
    static ReadsSettlementReports.Summary read(InputStream report, String merchantAccount, Consumer<PspRefund> refunds)
            throws IOException {
        try (CsvParser csv = (CsvParser) CSV.createParser(utf8(report))) {
            csv.setSchema(CsvSchema.emptySchema());
            csv.enable(CsvParser.Feature.SKIP_EMPTY_LINES);
            Map<String, Integer> columns = null;
            int width = 0;
            long entries = 0;
            long refundCount = 0;
            Instant earliest = null;
            Instant latest = null;
            Set<String> batches = new LinkedHashSet<>();
            List<String> row = new ArrayList<>();
            for (long line = nextRow(csv, row); line > 0; line = nextRow(csv, row)) {
                if (columns == null) {
                    columns = header(row);
                    width = row.size();
                    continue;
                }
                if (row.size() != width) {
                    throw invalid("line " + line + " has " + row.size() + " fields where the header has " + width
                            + ": the file is cut short or malformed");
                }
                entries++;
                Entry entry = new Entry(columns, row, line);
                Instant created = entry.created();
                if (created != null) {
                    earliest = earliest == null || created.isBefore(earliest) ? created : earliest;
                    latest = latest == null || created.isAfter(latest) ? created : latest;
                }
                String batch = entry.text("Batch Number");
                if (batch != null && batches.size() < BATCHES_KEPT) {
                    batches.add(batch);
                }
                if ("Refunded".equals(entry.text("Type"))
                        && (merchantAccount == null || merchantAccount.equals(entry.text("Merchant Account")))) {
                    refunds.accept(entry.refund(created));
                    refundCount++;
                }
            }
            if (columns == null) {
                throw invalid("the file is empty: it has not even the report's header line");
            }
            return new ReadsSettlementReports.Summary(entries, refundCount, earliest, latest, List.copyOf(batches));
        } catch (StreamReadException e) {
            // an unterminated quoted field at the end of the file, say: a file cut short in the middle of an entry
            throw invalid(
                    "the file is not well-formed CSV at line " + e.getLocation().getLineNr()
                            + " (cut short, or an unterminated quote): " + e.getOriginalMessage());
        }
    }

    /** The next row's fields into {@code row}, answering its line number; 0 at the end of the file. */
    private static long nextRow(CsvParser csv, List<String> row) throws IOException {
        row.clear();
        // where the previous row ended, past its line break: the line this row is on
        long line = Math.max(1, csv.currentLocation().getLineNr());
        JsonToken token = csv.nextToken();
        if (token == null) {
            return 0;
        }
        if (token != JsonToken.START_ARRAY) {
            throw invalid("the file is not a CSV table");
        }
        for (token = csv.nextToken(); token != JsonToken.END_ARRAY && token != null; token = csv.nextToken()) {
            row.add(csv.getText());
        }
        return line;
    }

    private static Map<String, Integer> header(List<String> names) {
        Map<String, Integer> columns = new HashMap<>();
        for (int i = 0; i < names.size(); i++) {
            columns.putIfAbsent(names.get(i).strip(), i);
        }
        List<String> missing =
                REQUIRED.stream().filter(c -> !columns.containsKey(c)).toList();
        if (!missing.isEmpty()) {
            throw invalid("this is not Adyen's " + NAME + ": its header lacks " + String.join(", ", missing)
                    + " (it begins " + String.join(", ", names.subList(0, Math.min(names.size(), 6))) + ")"
                    + (columns.containsKey("Record Type") ? "; it looks like the Payment accounting report" : ""));
        }
        return columns;
    }

    private static RefundError invalid(String message) {
        return new RefundError.InvalidRequest(ErrorCode.INVALID_REPORT, "file", message);
    }

    /** The report as UTF-8 text, without the byte order mark some exports start with. */
    private static Reader utf8(InputStream in) throws IOException {
        PushbackInputStream stream = new PushbackInputStream(in, 3);
        byte[] head = stream.readNBytes(3);
        boolean bom =
                head.length == 3 && (head[0] & 0xff) == 0xef && (head[1] & 0xff) == 0xbb && (head[2] & 0xff) == 0xbf;
        if (!bom) {
            stream.unread(head);
        }
        return new InputStreamReader(stream, StandardCharsets.UTF_8);
    }

    /** One entry of the report, its fields found by column name. */
    private record Entry(Map<String, Integer> columns, List<String> row, long line) {

        String text(String column) {
            Integer i = columns.get(column);
            String value = i == null ? null : row.get(i).strip();
            return value == null || value.isEmpty() ? null : value;
        }

        Instant created() {
            String date = text("Creation Date");
            return date == null ? null : AdyenTimes.instant(date, text("TimeZone"), line);
        }

        /** A Refunded entry as Adyen's record of the refund: settled, for the gross amount debited. */
        PspRefund refund(Instant created) {
            String modification = text("Modification Reference");
            if (modification == null) {
                throw invalid("line " + line + ": a Refunded entry without its Modification Reference");
            }
            String currency = text("Gross Currency");
            String gross = text("Gross Debit (GC)");
            BigDecimal major;
            try {
                major = gross == null ? null : new BigDecimal(gross);
            } catch (NumberFormatException e) {
                throw invalid("line " + line + ": Gross Debit (GC) '" + gross + "' is not a decimal amount");
            }
            String iso = currency == null ? null : currency.toUpperCase(Locale.ROOT);
            // a decimal amount is the same whatever Adyen's minor units for the currency: ISO's exponent applies
            BigDecimal minor = major == null || iso == null || !Money.isKnownCurrency(iso)
                    ? major
                    : major.movePointRight(Money.exponent(iso));
            Outcome.Reported reported = Outcome.Reported.of(minor, currency, text("Psp Reference"));
            String batch = text("Batch Number");
            Outcome record = new Outcome.Succeeded(
                    modification, "Refunded", batch == null ? Map.of() : Map.of("batch_number", batch), reported);
            return new PspRefund(
                    modification,
                    text("Modification Merchant Reference"),
                    null,
                    record,
                    new WebhookEvent.External(reported, Map.of()),
                    created);
        }
    }
}
