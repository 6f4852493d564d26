package dev.refract.connector.adyen;

import dev.refract.refund.ErrorCode;
import dev.refract.refund.RefundError;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;

/**
 * The times of Adyen's reports: {@code Creation Date} as {@code YYYY-MM-DD HH:MM:SS} in the account's time zone, which
 * the next column names by its abbreviation ({@code CET}, {@code CEST}, {@code BST} …). Abbreviations are ambiguous in
 * general (BST is also Bangladesh's), so only the ones of this table are read, each as the offset it stands for in
 * Adyen's reports; a region id ({@code Europe/Amsterdam}) or an offset ({@code +01:00}) is read as such.
 */
final class AdyenTimes {

    private static final DateTimeFormatter CREATION = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    static final Map<String, ZoneOffset> ABBREVIATIONS = Map.ofEntries(
            Map.entry("UTC", ZoneOffset.UTC),
            Map.entry("GMT", ZoneOffset.UTC),
            Map.entry("WET", ZoneOffset.UTC),
            Map.entry("WEST", ZoneOffset.ofHours(1)),
            Map.entry("BST", ZoneOffset.ofHours(1)),
            Map.entry("CET", ZoneOffset.ofHours(1)),
            Map.entry("CEST", ZoneOffset.ofHours(2)),
            Map.entry("EET", ZoneOffset.ofHours(2)),
            Map.entry("EEST", ZoneOffset.ofHours(3)),
            Map.entry("MSK", ZoneOffset.ofHours(3)),
            Map.entry("EST", ZoneOffset.ofHours(-5)),
            Map.entry("EDT", ZoneOffset.ofHours(-4)),
            Map.entry("CST", ZoneOffset.ofHours(-6)),
            Map.entry("CDT", ZoneOffset.ofHours(-5)),
            Map.entry("MST", ZoneOffset.ofHours(-7)),
            Map.entry("MDT", ZoneOffset.ofHours(-6)),
            Map.entry("PST", ZoneOffset.ofHours(-8)),
            Map.entry("PDT", ZoneOffset.ofHours(-7)),
            Map.entry("BRT", ZoneOffset.ofHours(-3)),
            Map.entry("SGT", ZoneOffset.ofHours(8)),
            Map.entry("HKT", ZoneOffset.ofHours(8)),
            Map.entry("AWST", ZoneOffset.ofHours(8)),
            Map.entry("JST", ZoneOffset.ofHours(9)),
            Map.entry("KST", ZoneOffset.ofHours(9)),
            Map.entry("AEST", ZoneOffset.ofHours(10)),
            Map.entry("AEDT", ZoneOffset.ofHours(11)),
            Map.entry("NZST", ZoneOffset.ofHours(12)),
            Map.entry("NZDT", ZoneOffset.ofHours(13)));

    private AdyenTimes() {}

    /** The instant of a creation date in its time zone; refused naming the line when either cannot be read. */
    static Instant instant(String date, String zone, long line) {
        LocalDateTime local;
        try {
            local = LocalDateTime.parse(date, CREATION);
        } catch (DateTimeException e) {
            throw invalid("line " + line + ": Creation Date '" + date + "' is not YYYY-MM-DD HH:MM:SS");
        }
        if (zone == null) {
            throw invalid("line " + line + ": a Creation Date without its TimeZone");
        }
        ZoneOffset known = ABBREVIATIONS.get(zone);
        if (known != null) {
            return local.toInstant(known);
        }
        try {
            return local.atZone(ZoneId.of(zone)).toInstant();
        } catch (DateTimeException e) {
            throw invalid("line " + line + ": TimeZone '" + zone + "' is neither an abbreviation Refract knows ("
                    + String.join(", ", ABBREVIATIONS.keySet().stream().sorted().toList())
                    + ") nor a region or an offset");
        }
    }

    private static RefundError invalid(String message) {
        return new RefundError.InvalidRequest(ErrorCode.INVALID_REPORT, "file", message);
    }
}
