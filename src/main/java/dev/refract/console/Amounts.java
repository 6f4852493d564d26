package dev.refract.console;

import dev.refract.refund.Money;
import java.math.BigDecimal;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.util.Locale;
import java.util.Map;

/**
 * An amount as people who use its currency write it: the currency's own number of decimals (¥500, $12.50,
 * 5.120 KWD), thousands grouped. A currency with a symbol nobody mistakes goes before the number; every other
 * currency's code follows it, since "$" alone could be any dollar. Independent of the server's locale data, so it
 * reads the same in the native binary.
 */
final class Amounts {

    private static final Map<String, String> SYMBOLS = Map.ofEntries(
            Map.entry("USD", "$"),
            Map.entry("EUR", "€"),
            Map.entry("GBP", "£"),
            Map.entry("JPY", "¥"),
            Map.entry("INR", "₹"),
            Map.entry("KRW", "₩"),
            Map.entry("ILS", "₪"),
            Map.entry("NGN", "₦"),
            Map.entry("PHP", "₱"),
            Map.entry("VND", "₫"),
            Map.entry("UAH", "₴"),
            Map.entry("TRY", "₺"));

    private Amounts() {}

    static String format(Money money) {
        return format(money.toMajor(), money.currency());
    }

    /** A major amount in a currency, at the currency's exponent; any other scale is shown as it is. */
    static String format(BigDecimal major, String currency) {
        DecimalFormat format = new DecimalFormat("#,##0", DecimalFormatSymbols.getInstance(Locale.ROOT));
        int decimals = Math.max(major.scale(), 0);
        format.setMinimumFractionDigits(decimals);
        format.setMaximumFractionDigits(decimals);
        String number = format.format(major);
        String symbol = SYMBOLS.get(currency);
        return symbol != null ? symbol + number : number + " " + currency;
    }
}
