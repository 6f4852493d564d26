package dev.refract.console;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.refract.refund.Money;
import org.junit.jupiter.api.Test;

class AmountsTest {

    @Test
    void eachCurrencyIsWrittenWithItsOwnDecimals() {
        assertEquals("¥500", Amounts.format(Money.of(500, "JPY")));
        assertEquals("5.120 KWD", Amounts.format(Money.of(5_120, "KWD")));
        assertEquals("$1,234.56", Amounts.format(Money.of(123_456, "USD")));
        assertEquals("€0.05", Amounts.format(Money.of(5, "EUR")));
        assertEquals("12,000.00 CHF", Amounts.format(Money.of(1_200_000, "CHF")));
        assertEquals("₩1,000,000", Amounts.format(Money.of(1_000_000, "KRW")));
        assertEquals("10.500 BHD", Amounts.format(Money.of(10_500, "BHD")));
    }
}
