package dev.refract.api;

import static org.hamcrest.Matchers.equalTo;

import dev.refract.support.Api;
import dev.refract.support.Db;
import dev.refract.support.PostgresResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Amounts in minor units go in and come out exactly, whatever the currency's exponent. */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
class AmountsTest {

    @Test
    void omittedAmountRefundsExactlyWhatRemains() {
        Api.TestMerchant merchant = Api.newMerchant();
        String payment = Api.payment(10_000, "USD");
        merchant.create(Api.body(Api.refundId(), payment, 3_333L, "USD", null))
                .then()
                .statusCode(200);
        merchant.create(Api.body(
                        Api.refundId(),
                        payment,
                        1_111L,
                        "USD",
                        "\"connector_options\":{\"sandbox_outcome\":\"pending\",\"sandbox_settle_ms\":600000}"))
                .then()
                .statusCode(200)
                .body("status", equalTo("PENDING"));
        // what remains is captured − succeeded − in flight: 10000 − 3333 − 1111
        merchant.create(Api.body(Api.refundId(), payment, null, null, null))
                .then()
                .statusCode(200)
                .body("amount.minor_amount", equalTo(5_556))
                .body("amount.currency", equalTo("USD"));
        Db.assertLedgerConsistent(merchant.id(), payment);
    }

    @Test
    void fullRefundWithoutAmountUsesTheMerchantsPaymentAmount() {
        Api.TestMerchant merchant = Api.newMerchant();
        String payment = Api.payment(10_000, "USD");
        merchant.create(Api.body(
                        Api.refundId(),
                        payment,
                        null,
                        null,
                        "\"payment_amount\":{\"minor_amount\":4000,\"currency\":\"USD\"}"))
                .then()
                .statusCode(200)
                .body("amount.minor_amount", equalTo(4_000));
    }

    @ParameterizedTest(name = "{1} {0} round-trips exactly")
    @CsvSource({"500,JPY,1000", "1,JPY,1", "5120,KWD,10000", "1,KWD,5", "999999999999,ISK,999999999999", "1050,USD,1050"
    })
    void roundTripsAmountsInEveryExponent(long minor, String currency, long captured) {
        Api.TestMerchant merchant = Api.newMerchant();
        String id = Api.refundId();
        String payment = Api.payment(captured, currency);
        merchant.create(Api.body(id, payment, minor, currency, null))
                .then()
                .statusCode(200)
                .body("amount.minor_amount", equalTo(minor < Integer.MAX_VALUE ? (Object) (int) minor : (Object) minor))
                .body("amount.currency", equalTo(currency));
        merchant.get(id)
                .then()
                .statusCode(200)
                .body("amount.minor_amount", equalTo(minor < Integer.MAX_VALUE ? (Object) (int) minor : (Object) minor))
                .body("amount.currency", equalTo(currency));
        Db.assertLedgerConsistent(merchant.id(), payment);
    }
}
