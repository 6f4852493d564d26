package dev.refract.connector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.refract.refund.Money;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** ISO minor units to and from a PSP's own minor units: exact, or refused. */
class AmountFormatsTest {

    @ParameterizedTest(name = "{0} {1} with PSP exponent {2} is {3}")
    @CsvSource({
        "1050,USD,2,1050",
        "500,JPY,0,500",
        "500,JPY,2,50000",
        "5120,KWD,3,5120",
        "7,ISK,2,700",
        "500,CLP,2,50000",
        "1200,CVE,0,12",
        "1,USD,3,10"
    })
    void convertsExactly(long minor, String currency, int pspExponent, long psp) {
        assertEquals(psp, MinorUnits.toPsp(Money.of(minor, currency), pspExponent));
        assertEquals(Money.of(minor, currency), MinorUnits.fromPsp(psp, currency, pspExponent));
    }

    @ParameterizedTest(name = "{0} {1} has no exact form with exponent {2}")
    @CsvSource({"1250,CVE,0", "5,USD,1", "1,KWD,2"})
    void refusesToRound(long minor, String currency, int pspExponent) {
        assertThrows(IllegalArgumentException.class, () -> MinorUnits.toPsp(Money.of(minor, currency), pspExponent));
    }
}
