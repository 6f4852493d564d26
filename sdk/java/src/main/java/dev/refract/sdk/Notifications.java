package dev.refract.sdk;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.refract.sdk.model.Refund;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Checks a merchant notification before it is believed: {@code Refract-Signature: t=<unix>,v1=<hex>[,v1=<hex>…]},
 * each {@code v1} an HMAC-SHA256 of {@code "<t>.<raw body>"}. While a webhook secret is being rolled, Refract signs
 * with each secret still valid, so the header carries several {@code v1}, and the receiver may hold several secrets:
 * any {@code v1} matching any secret is enough. Every comparison takes the same time whatever the bytes.
 */
public final class Notifications {

    /** Stripe's tolerance, and a sensible one: five minutes either way. */
    public static final Duration DEFAULT_TOLERANCE = Duration.ofMinutes(5);

    private Notifications() {}

    /** A verified notification: {@code refund.succeeded}, {@code refund.failed}, … and the refund. */
    public record Notification(
            @JsonProperty("id") String id,
            @JsonProperty("type") String type,
            @JsonProperty("created_at") OffsetDateTime createdAt,
            @JsonProperty("data") Refund data) {}

    /** {@link #verifyNotification(byte[], String, List, Duration, Instant)} now, for a body as received. */
    public static Notification verifyNotification(
            byte[] body, String header, List<String> secrets, Duration tolerance) {
        return verifyNotification(body, header, secrets, tolerance, Instant.now());
    }

    /** The same, for a body read as UTF-8 text. */
    public static Notification verifyNotification(
            String body, String header, List<String> secrets, Duration tolerance) {
        return verifyNotification(
                Objects.requireNonNull(body, "body").getBytes(StandardCharsets.UTF_8),
                header,
                secrets,
                tolerance,
                Instant.now());
    }

    /**
     * Verifies {@code header} over the raw {@code body} (the bytes received, before any JSON parsing) with any of
     * {@code secrets}, and refuses a timestamp further than {@code tolerance} from {@code now}: a replayed
     * notification. Answers the parsed notification.
     *
     * @throws SignatureVerificationException the header is missing or malformed, no {@code v1} matches, or the
     *     timestamp is outside the tolerance; its message holds no secret and no signature
     */
    public static Notification verifyNotification(
            byte[] body, String header, List<String> secrets, Duration tolerance, Instant now) {
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(tolerance, "tolerance");
        if (secrets == null || secrets.isEmpty() || secrets.stream().anyMatch(s -> s == null || s.isEmpty())) {
            throw new IllegalArgumentException("at least one webhook secret is required, and none may be empty");
        }
        if (header == null || header.isBlank()) {
            throw new SignatureVerificationException("no Refract-Signature header");
        }
        Long timestamp = null;
        List<byte[]> signatures = new ArrayList<>();
        for (String part : header.split(",")) {
            int eq = part.indexOf('=');
            if (eq < 0) {
                throw new SignatureVerificationException("Refract-Signature is not t=…,v1=…");
            }
            String key = part.substring(0, eq).trim();
            String value = part.substring(eq + 1).trim();
            if (key.equals("t")) {
                if (timestamp != null || !value.matches("\\d{1,12}")) {
                    throw new SignatureVerificationException("Refract-Signature has no single numeric t");
                }
                timestamp = Long.parseLong(value);
            } else if (key.equals("v1") && value.matches("[0-9a-fA-F]{64}")) {
                signatures.add(HexFormat.of().parseHex(value));
            }
            // other schemes (v0, a future v2) are not ours to check
        }
        if (timestamp == null || signatures.isEmpty()) {
            throw new SignatureVerificationException("Refract-Signature has no t or no v1 signature");
        }
        long age = now.getEpochSecond() - timestamp;
        if (Math.abs(age) > tolerance.toSeconds()) {
            throw new SignatureVerificationException("the notification was signed " + age
                    + " s from now, outside the tolerance of " + tolerance.toSeconds() + " s");
        }
        byte[] prefix = (timestamp + ".").getBytes(StandardCharsets.UTF_8);
        boolean matched = false;
        for (String secret : secrets) {
            byte[] expected = hmac(secret, prefix, body);
            for (byte[] candidate : signatures) {
                // no early exit: the time taken does not depend on which secret or signature matched
                matched |= MessageDigest.isEqual(expected, candidate);
            }
        }
        if (!matched) {
            throw new SignatureVerificationException(
                    "no v1 signature matches any of the " + secrets.size() + " secret(s)");
        }
        try {
            return Json.MAPPER.readValue(body, Notification.class);
        } catch (IOException e) {
            throw new SignatureVerificationException("the signed body is not a notification");
        }
    }

    private static byte[] hmac(String secret, byte[] prefix, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update(prefix);
            return mac.doFinal(body);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    /** A notification that must not be believed. */
    public static final class SignatureVerificationException extends RuntimeException {
        SignatureVerificationException(String message) {
            super(message);
        }
    }
}
