package dev.refract.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.refract.sdk.model.Money;
import dev.refract.sdk.model.Refund;
import dev.refract.sdk.model.RefundRequest;
import dev.refract.sdk.model.RefundStatus;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** What is sent is exactly what the caller set, and a newer service's answers still read. */
class JsonTest {

    @Test
    void sendsOnlyTheFieldsSet() {
        RefundRequest request = new RefundRequest()
                .merchantRefundId("refund_001")
                .connectorTransactionId("pi_3Oxxx")
                .amount(new Money().minorAmount(500L).currency("USD"));
        assertEquals(
                "{\"merchant_refund_id\":\"refund_001\",\"connector_transaction_id\":\"pi_3Oxxx\","
                        + "\"amount\":{\"minor_amount\":500,\"currency\":\"USD\"}}",
                new String(Json.write(request), StandardCharsets.UTF_8));
    }

    @Test
    void readsPastFieldsAndStatusesItDoesNotKnow() throws Exception {
        Refund refund = Json.MAPPER.readValue(
                "{\"merchant_refund_id\":\"r1\",\"status\":\"ON_HOLD\",\"a_field_added_later\":1,"
                        + "\"created_at\":\"2026-01-20T15:30:00Z\"}",
                Refund.class);
        assertEquals("r1", refund.getMerchantRefundId());
        assertEquals(RefundStatus.UNKNOWN_DEFAULT_OPEN_API, refund.getStatus());
        assertEquals(1768923000L, refund.getCreatedAt().toEpochSecond());
    }
}
