package dev.refract.connector;

import dev.refract.refund.Money;
import java.math.BigDecimal;

/**
 * Converts between ISO 4217 minor units and a PSP's own minor units where the PSP counts a currency
 * differently (Stripe's ISK is two-decimal, Adyen's CLP is two-decimal, Adyen's CVE zero-decimal). Exact
 * or refused: never rounded.
 */
public final class MinorUnits {

    private MinorUnits() {
    }

    /** The amount in a PSP's minor units, given the PSP's exponent for the currency. */
    public static long toPsp(Money money, int pspExponent) {
        BigDecimal scaled = BigDecimal.valueOf(money.minorAmount()).movePointRight(pspExponent - money.exponent());
        try {
            return scaled.longValueExact();
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException(money + " cannot be expressed in " + pspExponent
                    + "-decimal minor units without rounding");
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
}
