package dev.refract.http;

import dev.refract.refund.RefundStore;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;

/**
 * Opaque list cursors: the (created_at, id) of the last refund seen, in microseconds since the epoch. Newer
 * refunds inserted while a merchant pages sort before every cursor, so paging never repeats or skips one. The
 * merchant API's listing and the operator console's both page with them.
 */
public final class Cursors {

    private Cursors() {}

    public static String encode(Instant createdAt, long id) {
        long micros = ChronoUnit.MICROS.between(Instant.EPOCH, createdAt);
        String plain = "v1." + micros + "." + id;
        return Base64.getUrlEncoder().withoutPadding().encodeToString(plain.getBytes(StandardCharsets.US_ASCII));
    }

    public static RefundStore.Cursor decode(String cursor) {
        try {
            String plain = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.US_ASCII);
            String[] parts = plain.split("\\.");
            if (parts.length != 3 || !parts[0].equals("v1")) {
                throw new IllegalArgumentException();
            }
            Instant createdAt = Instant.EPOCH.plus(Long.parseLong(parts[1]), ChronoUnit.MICROS);
            return new RefundStore.Cursor(createdAt, Long.parseLong(parts[2]));
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw ApiException.invalid("cursor", "cursor is not one this API gave out");
        }
    }
}
