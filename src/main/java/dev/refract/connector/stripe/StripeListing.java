package dev.refract.connector.stripe;

import com.fasterxml.jackson.databind.JsonNode;
import dev.refract.outbound.PspAnswer;
import dev.refract.outbound.WireJson;
import dev.refract.refund.ListsRefunds;
import dev.refract.refund.PspRecordsUnavailable;
import dev.refract.refund.PspRefund;
import dev.refract.refund.WebhookEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A page of Stripe's refund list (https://docs.stripe.com/api/refunds/list): {@code {"object": "list", "data":
 * [refund…], "has_more"}}, newest first; the next page starts after the last id of this one. Pure: no I/O.
 */
final class StripeListing {

    /** Stripe's largest page. */
    static final int PAGE = 100;

    private StripeListing() {}

    /** The page's refunds as Stripe's books show them, and where the next page starts (null after the last). */
    static ListsRefunds.Page read(PspAnswer answer) {
        if (!answer.ok()) {
            StripeModels.ErrorBody body = WireJson.read(answer.body(), StripeModels.ErrorBody.class);
            String code = body != null && body.error() != null ? body.error().code() : null;
            throw new PspRecordsUnavailable("Stripe refused to list refunds: HTTP " + answer.status()
                    + (code != null ? " (" + code + ")" : ""));
        }
        JsonNode list = WireJson.tree(answer.body());
        if (!"list".equals(WireJson.text(list, "object")) || !list.path("data").isArray()) {
            throw new PspRecordsUnavailable("Stripe's answer to a refund listing is not a list");
        }
        List<PspRefund> refunds = new ArrayList<>();
        for (JsonNode refund : list.path("data")) {
            PspRefund r = refund(refund);
            if (r != null) {
                refunds.add(r);
            }
        }
        boolean more = list.path("has_more").asBoolean(false);
        String next =
                more && !refunds.isEmpty() ? refunds.get(refunds.size() - 1).connectorRefundId() : null;
        return new ListsRefunds.Page(refunds, next);
    }

    /**
     * One refund of the list, read as a status read of it would be. One whose metadata carries no
     * {@code merchant_refund_id} was not made by Refract (every refund Refract creates carries it), so it may be
     * adopted, as its webhook would be.
     */
    static PspRefund refund(JsonNode refund) {
        StripeModels.Refund r = WireJson.MAPPER.convertValue(refund, StripeModels.Refund.class);
        if (r.id() == null) {
            return null;
        }
        Map<String, String> metadata = new TreeMap<>();
        refund.path("metadata").fields().forEachRemaining(field -> {
            if (field.getValue().isValueNode() && !field.getValue().isNull()) {
                metadata.put(field.getKey(), field.getValue().asText());
            }
        });
        String reference = metadata.get("merchant_refund_id");
        JsonNode created = refund.path("created");
        return new PspRefund(
                r.id(),
                reference,
                null,
                StripeMapping.refund(r),
                reference == null ? new WebhookEvent.External(StripeMapping.reported(r), metadata) : null,
                created.canConvertToLong() ? Instant.ofEpochSecond(created.asLong()) : null);
    }
}
