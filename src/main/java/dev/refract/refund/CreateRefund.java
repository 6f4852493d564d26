package dev.refract.refund;

import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * A merchant's request for a refund, valid once constructed. {@code amount} null means "whatever remains
 * refundable"; {@code connector} null means "let the router decide".
 */
public record CreateRefund(
        String merchantRefundId,
        String connectorTransactionId,
        String connector,
        Money amount,
        Money paymentAmount,
        String reason,
        Map<String, String> metadata,
        Map<String, Object> connectorOptions) {

    public static final int MAX_METADATA_KEYS = 20;
    public static final int MAX_METADATA_KEY_LENGTH = 40;
    public static final int MAX_METADATA_VALUE_LENGTH = 500;
    public static final int MAX_REASON_LENGTH = 255;

    private static final Pattern MERCHANT_REFUND_ID = Pattern.compile("[A-Za-z0-9_.:-]{1,64}");

    /** Whether {@code id} can be a merchant_refund_id at all (lookups of anything else are answered not found). */
    public static boolean isMerchantRefundId(String id) {
        return id != null && MERCHANT_REFUND_ID.matcher(id).matches();
    }

    /** Whether {@code id} can be a connector_transaction_id at all. */
    public static boolean isConnectorTransactionId(String id) {
        return id != null && TRANSACTION_ID.matcher(id).matches();
    }
    // PSP ids are letters, digits and a few separators; anything else (slashes, spaces, control characters)
    // would end up in a PSP URL path, so it is refused here.
    private static final Pattern TRANSACTION_ID = Pattern.compile("[A-Za-z0-9_.:-]{1,128}");
    private static final Pattern CONNECTOR = Pattern.compile("[a-z][a-z0-9_]{0,31}");

    public CreateRefund {
        if (merchantRefundId == null) {
            throw invalid("merchant_refund_id", "merchant_refund_id is required");
        }
        if (!MERCHANT_REFUND_ID.matcher(merchantRefundId).matches()) {
            throw invalid("merchant_refund_id", "merchant_refund_id must be 1 to 64 characters of A-Z a-z 0-9 _ . : -");
        }
        if (merchantRefundId.startsWith(Refund.EXTERNAL_PREFIX)) {
            throw invalid(
                    "merchant_refund_id",
                    "merchant_refund_id may not start with \"" + Refund.EXTERNAL_PREFIX
                            + "\": that prefix names refunds made at the PSP outside Refract");
        }
        if (connectorTransactionId == null) {
            throw invalid("connector_transaction_id", "connector_transaction_id is required");
        }
        if (!TRANSACTION_ID.matcher(connectorTransactionId).matches()) {
            throw invalid(
                    "connector_transaction_id",
                    "connector_transaction_id must be 1 to 128 characters of A-Z a-z 0-9 _ . : -");
        }
        if (connector != null && !CONNECTOR.matcher(connector).matches()) {
            throw invalid("connector", "connector is not a connector name");
        }
        requirePositive(amount, "amount.minor_amount");
        requirePositive(paymentAmount, "payment_amount.minor_amount");
        if (amount != null && paymentAmount != null && !amount.sameCurrency(paymentAmount)) {
            throw new RefundError.CurrencyMismatch(amount.currency(), paymentAmount.currency());
        }
        if (reason != null && reason.length() > MAX_REASON_LENGTH) {
            throw invalid("reason", "reason is longer than " + MAX_REASON_LENGTH + " characters");
        }
        if (reason != null && reason.indexOf('\u0000') >= 0) {
            throw invalid("reason", "reason contains a NUL character");
        }
        metadata = validMetadata(metadata);
        connectorOptions = connectorOptions == null ? Map.of() : Map.copyOf(connectorOptions);
    }

    private static RefundError.InvalidRequest invalid(String param, String message) {
        return RefundError.InvalidRequest.of(param, message);
    }

    private static void requirePositive(Money money, String param) {
        if (money != null && money.minorAmount() <= 0) {
            throw new RefundError.InvalidRequest(
                    ErrorCode.INVALID_AMOUNT, param, param + " must be greater than 0, was " + money.minorAmount());
        }
    }

    private static Map<String, String> validMetadata(Map<String, String> metadata) {
        if (metadata == null) {
            return Map.of();
        }
        if (metadata.size() > MAX_METADATA_KEYS) {
            throw invalid(
                    "metadata",
                    "metadata has " + metadata.size() + " keys, at most " + MAX_METADATA_KEYS + " are allowed");
        }
        for (Map.Entry<String, String> e : metadata.entrySet()) {
            String key = e.getKey();
            if (key.isEmpty() || key.length() > MAX_METADATA_KEY_LENGTH) {
                throw invalid("metadata", "metadata keys must be 1 to " + MAX_METADATA_KEY_LENGTH + " characters");
            }
            if (key.indexOf('\u0000') >= 0
                    || (e.getValue() != null && e.getValue().indexOf('\u0000') >= 0)) {
                throw invalid("metadata", "metadata contains a NUL character");
            }
            if (e.getValue() == null || e.getValue().length() > MAX_METADATA_VALUE_LENGTH) {
                throw invalid(
                        "metadata." + key,
                        "metadata values must be strings of at most " + MAX_METADATA_VALUE_LENGTH + " characters");
            }
        }
        return Map.copyOf(metadata);
    }

    /**
     * A digest of every parameter of the request. The same merchant_refund_id with another fingerprint is a
     * conflict, never a second refund. Each part is length-prefixed so that no two requests share a text.
     */
    public String fingerprint() {
        StringBuilder text = new StringBuilder();
        part(text, merchantRefundId);
        part(text, connectorTransactionId);
        part(text, connector);
        part(text, amount == null ? null : amount.toString());
        part(text, paymentAmount == null ? null : paymentAmount.toString());
        part(text, reason);
        new TreeMap<>(metadata).forEach((k, v) -> {
            part(text, k);
            part(text, v);
        });
        text.append('|');
        new TreeMap<>(connectorOptions).forEach((k, v) -> {
            part(text, k);
            part(text, v == null ? null : v.getClass().getSimpleName() + ":" + v);
        });
        return Sha256.hex(text.toString(), 32);
    }

    private static void part(StringBuilder text, String value) {
        if (value == null) {
            text.append("-1:");
        } else {
            text.append(value.length()).append(':').append(value);
        }
    }
}
