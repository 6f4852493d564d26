package dev.refract.connector.stripe;

import com.fasterxml.jackson.databind.JsonNode;
import dev.refract.outbound.Hmac;
import dev.refract.outbound.WireJson;
import dev.refract.refund.Outcome;
import dev.refract.refund.WebhookEvent;
import dev.refract.refund.WebhookRejected;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Verifies and reads Stripe webhooks (https://docs.stripe.com/webhooks#verify-manually): the
 * {@code Stripe-Signature} header carries {@code t} and one or more {@code v1} (one per active secret while Stripe
 * rolls the endpoint's secret); {@code v1} is the hex HMAC-SHA256 of {@code "{t}.{raw body}"} under the endpoint
 * secret. Any {@code v1} made with any of our secrets (the current one, or one replaced within its grace) is enough.
 * Deliveries older or newer than five minutes are refused, so a captured delivery cannot be replayed later. Pure:
 * no I/O.
 */
final class StripeWebhooks {

    static final Duration TOLERANCE = Duration.ofSeconds(300);
    /** Events whose object is a refund, or a charge carrying its refunds. */
    static final Set<String> REFUND_EVENTS =
            Set.of("refund.created", "refund.updated", "refund.failed", "charge.refund.updated", "charge.refunded");
    /** The fields of a refund object Refract reads as text (https://docs.stripe.com/api/refunds/object). */
    private static final List<String> REFUND_TEXTS =
            List.of("id", "object", "currency", "status", "charge", "payment_intent", "reason", "failure_reason");

    private StripeWebhooks() {}

    static List<WebhookEvent> verify(List<String> secrets, String signatureHeader, byte[] body, Instant now) {
        if (signatureHeader == null || signatureHeader.isBlank()) {
            throw new WebhookRejected("no Stripe-Signature header");
        }
        Long timestamp = null;
        List<byte[]> signatures = new ArrayList<>();
        for (String part : signatureHeader.split(",")) {
            int eq = part.indexOf('=');
            if (eq <= 0) {
                continue;
            }
            String key = part.substring(0, eq).trim();
            String value = part.substring(eq + 1).trim();
            try {
                if (key.equals("t")) {
                    timestamp = Long.parseLong(value);
                } else if (key.equals("v1")) {
                    signatures.add(HexFormat.of().parseHex(value));
                }
            } catch (IllegalArgumentException e) {
                // a malformed element matches nothing
            }
        }
        if (timestamp == null || signatures.isEmpty()) {
            throw new WebhookRejected("Stripe-Signature has no timestamp or no v1 signature");
        }
        if (Math.abs(now.getEpochSecond() - timestamp) > TOLERANCE.toSeconds()) {
            throw new WebhookRejected("Stripe-Signature timestamp is outside the 300 s tolerance");
        }
        byte[] signedPayload = concat((timestamp + ".").getBytes(StandardCharsets.UTF_8), body);
        boolean match = false;
        for (String secret : secrets) {
            byte[] expected = Hmac.sha256(secret.getBytes(StandardCharsets.UTF_8), signedPayload);
            for (byte[] candidate : signatures) {
                match |= Hmac.same(expected, candidate); // every pair compared, whatever matched before
            }
        }
        if (!match) {
            throw new WebhookRejected("no v1 signature matches");
        }
        return read(new String(body, StandardCharsets.UTF_8));
    }

    /**
     * The events of a verified delivery: a Stripe delivery carries one event, for the connected account its
     * {@code account} names (a Connect endpoint's events) or for the endpoint's own account (none named). A delivery
     * that is no Stripe event, and a refund whose fields are not of Stripe's types, are read as unreadable: verified,
     * so kept, but never applied.
     */
    static List<WebhookEvent> read(String json) {
        JsonNode event = WireJson.tree(json);
        String id = textual(event.path("id"));
        String type = textual(event.path("type"));
        if (id == null || type == null) {
            return List.of(WebhookEvent.unidentified(json, "not a Stripe event: no id or type"));
        }
        if (!isTextOrAbsent(event.path("account"))) {
            return List.of(WebhookEvent.unreadable(id, type, null, null, json, "account is not a string"));
        }
        String account = WireJson.text(event, "account");
        JsonNode object = event.path("data").path("object");
        List<WebhookEvent> events = new ArrayList<>();
        if (!REFUND_EVENTS.contains(type)) {
            events.add(new WebhookEvent(id, type, null, null, null, json));
        } else if ("refund".equals(WireJson.text(object, "object"))) {
            events.add(refundEvent(id, type, object, Map.of(), json));
        } else {
            // charge.refunded: older API versions list the charge's refunds in the event
            Map<String, String> chargeMetadata = strings(object.path("metadata"));
            int i = 0;
            for (JsonNode refund : object.path("refunds").path("data")) {
                events.add(refundEvent(i++ == 0 ? id : id + "#" + i, type, refund, chargeMetadata, json));
            }
            if (events.isEmpty()) {
                events.add(new WebhookEvent(id, type, null, null, null, json));
            }
        }
        return events.stream().map(e -> e.forAccount(account)).toList();
    }

    /**
     * One refund of an event. A refund whose metadata carries no {@code merchant_refund_id} was not made by Refract
     * (every refund Refract creates carries it), so it can be adopted as an external one; its metadata is the
     * charge's (when the event carries the charge) overlaid with the refund's own.
     */
    private static WebhookEvent refundEvent(
            String id, String type, JsonNode refund, Map<String, String> chargeMetadata, String json) {
        String why = unreadable(refund);
        if (why != null) {
            return WebhookEvent.unreadable(
                    id,
                    type,
                    textual(refund.path("metadata").path("merchant_refund_id")),
                    textual(refund.path("id")),
                    json,
                    why);
        }
        StripeModels.Refund r = WireJson.MAPPER.convertValue(refund, StripeModels.Refund.class);
        Outcome outcome = StripeMapping.refund(r);
        String merchantRefundId = WireJson.text(refund.path("metadata"), "merchant_refund_id");
        WebhookEvent.External external = null;
        if (merchantRefundId == null && r.id() != null) {
            Map<String, String> metadata = new TreeMap<>(chargeMetadata);
            metadata.putAll(strings(refund.path("metadata")));
            external = new WebhookEvent.External(StripeMapping.reported(r), metadata);
        }
        return new WebhookEvent(id, type, merchantRefundId, r.id(), outcome, json, external);
    }

    /**
     * Why a refund object is not one as Stripe writes it, or null: its amount a whole number of minor units (a
     * fraction of one is not rounded into the amount asked), its ids and words strings, its metadata string values
     * (https://docs.stripe.com/api/refunds/object). Reading it any further would be guessing.
     */
    static String unreadable(JsonNode refund) {
        if (!refund.isObject()) {
            return "the refund is not an object";
        }
        JsonNode amount = refund.path("amount");
        if (!amount.isMissingNode() && !amount.isNull() && !(amount.isIntegralNumber() && amount.canConvertToLong())) {
            String written = amount.toString();
            return "amount " + (written.length() > 40 ? written.substring(0, 40) + "…" : written)
                    + " is not a whole number of minor units";
        }
        for (String field : REFUND_TEXTS) {
            if (!isTextOrAbsent(refund.path(field))) {
                return field + " is not a string";
            }
        }
        JsonNode metadata = refund.path("metadata");
        if (metadata.isMissingNode() || metadata.isNull()) {
            return null;
        }
        if (!metadata.isObject()) {
            return "metadata is not an object";
        }
        for (JsonNode value : metadata) {
            if (!value.isTextual()) {
                return "a metadata value is not a string";
            }
        }
        return null;
    }

    private static boolean isTextOrAbsent(JsonNode node) {
        return node.isMissingNode() || node.isNull() || node.isTextual();
    }

    private static String textual(JsonNode node) {
        return node.isTextual() ? node.asText() : null;
    }

    /** A Stripe metadata object: string keys to string values (Stripe allows no other). */
    private static Map<String, String> strings(JsonNode metadata) {
        Map<String, String> strings = new TreeMap<>();
        metadata.fields().forEachRemaining(field -> {
            if (field.getValue().isValueNode() && !field.getValue().isNull()) {
                strings.put(field.getKey(), field.getValue().asText());
            }
        });
        return strings;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] all = new byte[a.length + b.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
