package dev.refract.refund;

import java.math.BigDecimal;
import java.util.Currency;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * An amount of money as integer minor units of an ISO 4217 currency. Never a floating point number:
 * conversions to major units go through {@link BigDecimal} and refuse to round.
 */
public record Money(long minorAmount, String currency) {

    private static final Pattern CODE = Pattern.compile("[A-Z]{3}");

    public Money {
        exponent(currency); // rejects unknown codes
        if (minorAmount < 0) {
            throw new IllegalArgumentException("minor_amount " + minorAmount + " is negative");
        }
    }

    public static Money of(long minorAmount, String currency) {
        return new Money(minorAmount, currency);
    }

    /** Whether {@code code} is an ISO 4217 code with a defined minor unit (rejects XAU, XXX and lower case). */
    public static boolean isKnownCurrency(String code) {
        if (code == null || !CODE.matcher(code).matches()) {
            return false;
        }
        try {
            return Currency.getInstance(code).getDefaultFractionDigits() >= 0;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /**
     * The ISO 4217 exponent (number of minor-unit digits): JPY 0, USD 2, KWD 3. The JDK's currency table
     * follows the ISO 4217 maintenance agency, so it is the one table we keep.
     */
    public static int exponent(String currency) {
        if (!isKnownCurrency(currency)) {
            throw new IllegalArgumentException("unknown currency " + currency);
        }
        return Currency.getInstance(currency).getDefaultFractionDigits();
    }

    public int exponent() {
        return exponent(currency);
    }

    /** The amount in major units, exactly: 1050 USD → 10.50, 500 JPY → 500, 5120 KWD → 5.120. */
    public BigDecimal toMajor() {
        return BigDecimal.valueOf(minorAmount, exponent());
    }

    /** Reads a major-unit amount; refuses values with more decimals than the currency has. */
    public static Money ofMajor(BigDecimal major, String currency) {
        BigDecimal minor = major.movePointRight(exponent(currency));
        try {
            return new Money(minor.longValueExact(), currency);
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException(
                    major.toPlainString() + " " + currency + " is not a whole number of minor units", e);
        }
    }

    public boolean sameCurrency(Money other) {
        return currency.equals(other.currency);
    }

    public Money plus(Money other) {
        requireSameCurrency(other);
        return new Money(Math.addExact(minorAmount, other.minorAmount), currency);
    }

    public Money minus(Money other) {
        requireSameCurrency(other);
        return new Money(Math.subtractExact(minorAmount, other.minorAmount), currency);
    }

    private void requireSameCurrency(Money other) {
        if (!sameCurrency(other)) {
            throw new IllegalArgumentException("cannot combine " + currency + " and " + other.currency);
        }
    }

    @Override
    public String toString() {
        return minorAmount + " " + currency.toUpperCase(Locale.ROOT);
    }
}
