package dev.refract.refund;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class MoneyTest {

    @ParameterizedTest(name = "{0} has exponent {1}")
    @CsvSource({
        "USD,2", "EUR,2", "JPY,0", "KRW,0", "ISK,0", "CLP,0", "KWD,3", "BHD,3", "JOD,3", "OMR,3", "TND,3", "CLF,4",
        "GBP,2"
    })
    void knowsIso4217Exponents(String currency, int exponent) {
        assertEquals(exponent, Money.exponent(currency));
    }

    @ParameterizedTest(name = "{0} {1} is {2} in major units")
    @CsvSource({
        "1050,USD,10.50",
        "500,JPY,500",
        "5120,KWD,5.120",
        "1,USD,0.01",
        "1,KWD,0.001",
        "999999999999,ISK,999999999999",
        "9223372036854775807,USD,92233720368547758.07"
    })
    void convertsToMajorUnitsExactly(long minor, String currency, String major) {
        BigDecimal converted = Money.of(minor, currency).toMajor();
        assertEquals(new BigDecimal(major), converted);
        assertEquals(major, converted.toPlainString());
    }

    @ParameterizedTest(name = "{1} {0} reads back as {2} minor units")
    @CsvSource({"10.50,USD,1050", "10.5,USD,1050", "500,JPY,500", "5.12,KWD,5120", "0.001,KWD,1", "7,ISK,7"})
    void readsMajorUnitsExactly(String major, String currency, long minor) {
        assertEquals(Money.of(minor, currency), Money.ofMajor(new BigDecimal(major), currency));
    }

    @ParameterizedTest(name = "{1} {0} is refused: not a whole number of minor units")
    @CsvSource({"10.505,USD", "1.5,JPY", "0.0001,KWD", "1.1,ISK"})
    void refusesAmountsFinerThanTheMinorUnit(String major, String currency) {
        assertThrows(IllegalArgumentException.class, () -> Money.ofMajor(new BigDecimal(major), currency));
    }

    @ParameterizedTest(name = "{0} is not a currency")
    @ValueSource(strings = {"usd", "US", "USDX", "XYZ", "XAU", "XXX", "", "U$D"})
    void refusesUnknownCurrencies(String code) {
        assertFalse(Money.isKnownCurrency(code));
        assertThrows(IllegalArgumentException.class, () -> Money.of(1, code));
    }

    @Test
    void addsAndSubtractsOnlyTheSameCurrency() {
        assertEquals(Money.of(1500, "USD"), Money.of(1000, "USD").plus(Money.of(500, "USD")));
        assertEquals(Money.of(500, "USD"), Money.of(1000, "USD").minus(Money.of(500, "USD")));
        assertThrows(IllegalArgumentException.class, () -> Money.of(1000, "USD").plus(Money.of(1, "EUR")));
        assertThrows(
                ArithmeticException.class, () -> Money.of(Long.MAX_VALUE, "USD").plus(Money.of(1, "USD")));
        assertThrows(IllegalArgumentException.class, () -> Money.of(-1, "USD"));
        assertTrue(Money.of(1, "USD").sameCurrency(Money.of(2, "USD")));
    }
}
