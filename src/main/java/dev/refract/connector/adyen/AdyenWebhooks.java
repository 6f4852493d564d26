package dev.refract.connector.adyen;

import com.fasterxml.jackson.databind.JsonNode;
import dev.refract.outbound.Hmac;
import dev.refract.outbound.WireJson;
import dev.refract.refund.ErrorCode;
import dev.refract.refund.Outcome;
import dev.refract.refund.WebhookEvent;
import dev.refract.refund.WebhookRejected;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Verifies and reads Adyen standard notifications
 * (https://docs.adyen.com/development-resources/webhooks/verify-hmac-signatures): every NotificationRequestItem
 * carries, in additionalData.hmacSignature, the base64 HMAC-SHA256 under the hex-decoded HMAC key of
 * {@code pspReference:originalReference:merchantAccountCode:merchantReference:value:currency:eventCode:success}.
 * An item verifies under any of the merchant's keys (the current one, or one replaced within its grace); one bad
 * item refuses the whole delivery. Pure: no I/O.
 */
final class AdyenWebhooks {

    private static final String METADATA_PREFIX = "metadata.";

    private AdyenWebhooks() {}

    static List<WebhookEvent> verify(List<String> hexKeys, byte[] body) {
        List<byte[]> keys = new ArrayList<>();
        for (String hexKey : hexKeys) {
            try {
                keys.add(HexFormat.of().parseHex(hexKey));
            } catch (IllegalArgumentException e) {
                throw new WebhookRejected("an Adyen HMAC key configured for this merchant is not hex");
            }
        }
        JsonNode root = WireJson.tree(new String(body, StandardCharsets.UTF_8));
        JsonNode items = root.path("notificationItems");
        if (!items.isArray() || items.isEmpty()) {
            throw new WebhookRejected("no notificationItems");
        }
        List<WebhookEvent> events = new ArrayList<>();
        for (JsonNode wrapper : items) {
            JsonNode item = wrapper.path("NotificationRequestItem");
            byte[] signed = signedData(item).getBytes(StandardCharsets.UTF_8);
            byte[] given;
            try {
                given = Base64.getDecoder().decode(text(item.path("additionalData"), "hmacSignature"));
            } catch (IllegalArgumentException e) {
                given = null;
            }
            boolean match = false;
            for (byte[] key : keys) {
                match |= Hmac.same(Hmac.sha256(key, signed), given);
            }
            if (!match) {
                throw new WebhookRejected("a notification item's hmacSignature does not match");
            }
            events.add(event(item));
        }
        return events;
    }

    /** The signed string, fields in Adyen's order, absent ones empty. */
    static String signedData(JsonNode item) {
        JsonNode amount = item.path("amount");
        return String.join(
                ":",
                text(item, "pspReference"),
                text(item, "originalReference"),
                text(item, "merchantAccountCode"),
                text(item, "merchantReference"),
                text(amount, "value"),
                text(amount, "currency"),
                text(item, "eventCode"),
                text(item, "success"));
    }

    /**
     * REFUND success true → succeeded, false → failed with Adyen's reason; REFUND_FAILED and REFUNDED_REVERSED
     * fail a refund even after success (the money came back); CANCEL_OR_REFUND true → succeeded.
     * https://docs.adyen.com/online-payments/refund#refund-webhook
     */
    static WebhookEvent event(JsonNode item) {
        String psp = text(item, "pspReference");
        String code = text(item, "eventCode");
        String account = text(item, "merchantAccountCode");
        String why = unreadable(item);
        if (why != null) {
            String reference = text(item, "merchantReference");
            WebhookEvent unread = psp.isEmpty()
                    ? WebhookEvent.unidentified(item.toString(), why)
                    : WebhookEvent.unreadable(
                            psp + ":" + code, code, reference.isEmpty() ? null : reference, psp, item.toString(), why);
            return unread.forAccount(account);
        }
        boolean success = "true".equals(text(item, "success"));
        String reason = text(item, "reason");
        Outcome outcome = switch (code) {
            case "REFUND", "CANCEL_OR_REFUND" ->
                success
                        ? new Outcome.Succeeded(psp, code, Map.of(), reported(item))
                        : new Outcome.Declined(
                                ErrorCode.REFUND_FAILED,
                                reason.isEmpty() ? "Adyen refused the refund" : reason,
                                code,
                                reason,
                                psp,
                                code,
                                false,
                                Map.of(),
                                reported(item));
            case "REFUND_FAILED" ->
                new Outcome.Declined(
                        ErrorCode.REFUND_FAILED,
                        "the refund failed after Adyen accepted it",
                        code,
                        reason,
                        psp,
                        code,
                        true,
                        Map.of(),
                        reported(item));
            case "REFUNDED_REVERSED" ->
                new Outcome.Declined(
                        ErrorCode.REFUND_RETURNED,
                        "the refunded money came back",
                        code,
                        reason,
                        psp,
                        code,
                        true,
                        Map.of(),
                        reported(item));
            default -> null;
        };
        String merchantReference = text(item, "merchantReference");
        // a REFUND that Refract did not ask for (made in the Customer Area, say) is adopted as an external refund
        WebhookEvent.External external = "REFUND".equals(code) && !psp.isEmpty()
                ? new WebhookEvent.External(reported(item), metadata(item.path("additionalData")))
                : null;
        return new WebhookEvent(
                        psp + ":" + code,
                        code,
                        merchantReference.isEmpty() ? null : merchantReference,
                        psp,
                        outcome,
                        item.toString(),
                        external)
                .forAccount(account);
    }

    /**
     * Why a verified item cannot be read, or null: Adyen writes its ids and words as strings and an amount's value as
     * a JSON integer, and every item of a refund has a pspReference. A fractional or overlong value is still read, and
     * exactly, so that it can never pass for the amount asked.
     */
    static String unreadable(JsonNode item) {
        if (text(item, "pspReference").isEmpty()) {
            return "no pspReference";
        }
        for (String field :
                List.of("pspReference", "originalReference", "merchantAccountCode", "merchantReference", "eventCode")) {
            if (!item.path(field).isMissingNode()
                    && !item.path(field).isNull()
                    && !item.path(field).isTextual()) {
                return field + " is not a string";
            }
        }
        JsonNode value = item.path("amount").path("value");
        if (!value.isMissingNode() && !value.isNull() && !value.isNumber()) {
            return "amount.value is not a number";
        }
        return null;
    }

    /** The payment's metadata, which Adyen repeats in a notification's additionalData as {@code metadata.<key>}. */
    static Map<String, String> metadata(JsonNode additionalData) {
        Map<String, String> metadata = new TreeMap<>();
        additionalData.fields().forEachRemaining(field -> {
            if (field.getKey().startsWith(METADATA_PREFIX)
                    && field.getKey().length() > METADATA_PREFIX.length()
                    && field.getValue().isValueNode()) {
                metadata.put(
                        field.getKey().substring(METADATA_PREFIX.length()),
                        field.getValue().asText());
            }
        });
        return metadata;
    }

    /**
     * The notification's amount (Adyen's units, exactly as written: a fraction or a number past a long stays what it
     * is), currency, the refunded payment (originalReference) and the reference the refund was requested with
     * (merchantReference).
     */
    private static Outcome.Reported reported(JsonNode item) {
        JsonNode value = item.path("amount").path("value");
        return AdyenMapping.reported(
                        value.isNumber() ? value.decimalValue() : null,
                        text(item.path("amount"), "currency"),
                        text(item, "originalReference"))
                .echoing(text(item, "merchantReference"));
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.path(field);
        return v.isMissingNode() || v.isNull() ? "" : v.asText();
    }
}
