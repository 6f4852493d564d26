package dev.refract.connector;

import dev.refract.refund.Money;
import java.math.BigDecimal;
import java.util.Locale;
import java.util.function.ToIntFunction;

/**
 * Converts between ISO 4217 minor units and a PSP's own minor units where the PSP counts a currency
 * differently (Stripe's ISK is two-decimal, Adyen's CLP is two-decimal, Adyen's CVE zero-decimal). Exact
 * or refused: never rounded.
 */
public final class MinorUnits {

    private MinorUnits() {}

    /** The amount in a PSP's minor units, given the PSP's exponent for the currency. */
    public static long toPsp(Money money, int pspExponent) {
        BigDecimal scaled = BigDecimal.valueOf(money.minorAmount()).movePointRight(pspExponent - money.exponent());
        try {
            return scaled.longValueExact();
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException(
                    money + " cannot be expressed in " + pspExponent + "-decimal minor units without rounding");
        }
    }

    /** The ISO amount of a PSP's minor units. */
    public static Money fromPsp(long pspMinor, String currency, int pspExponent) {
        BigDecimal iso = BigDecimal.valueOf(pspMinor).movePointRight(Money.exponent(currency) - pspExponent);
        try {
            return Money.of(iso.longValueExact(), currency);
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException(pspMinor + " " + currency + " in " + pspExponent
                    + "-decimal units is not a whole number of ISO minor units");
        }
    }

    /**
     * A PSP's amount in a refund answer, in the ISO minor units of its currency, exactly (fractional when it is no
     * whole number of them); null when the answer gave no amount. A currency Refract does not know is taken to have
     * the PSP's exponent: it differs from the refund's currency anyway, and that is what gets reported.
     */
    public static BigDecimal reported(Long pspMinor, String currency, ToIntFunction<String> pspExponent) {
        return reported(pspMinor == null ? null : BigDecimal.valueOf(pspMinor), currency, pspExponent);
    }

    /** The same for an amount as the PSP wrote it, which may itself be fractional or past a long: never rounded. */
    public static BigDecimal reported(BigDecimal pspMinor, String currency, ToIntFunction<String> pspExponent) {
        if (pspMinor == null) {
            return null;
        }
        if (currency == null || !Money.isKnownCurrency(currency.toUpperCase(Locale.ROOT))) {
            return pspMinor;
        }
        String iso = currency.toUpperCase(Locale.ROOT);
        return pspMinor.movePointRight(Money.exponent(iso) - pspExponent.applyAsInt(iso));
    }
}
