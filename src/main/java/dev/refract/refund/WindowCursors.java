package dev.refract.refund;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * A run's position among the window's refunds, in creation order, as it is kept with the run: the (created_at, id)
 * of the last refund done, the time in microseconds since the epoch (PostgreSQL's precision).
 */
final class WindowCursors {

    private WindowCursors() {}

    static String encode(Instant createdAt, long id) {
        return ChronoUnit.MICROS.between(Instant.EPOCH, createdAt) + "." + id;
    }

    /** Null for the start of the window. */
    static ReconciliationStore.WindowCursor decode(String cursor) {
        if (cursor == null) {
            return null;
        }
        int dot = cursor.indexOf('.');
        return new ReconciliationStore.WindowCursor(
                Instant.EPOCH.plus(Long.parseLong(cursor.substring(0, dot)), ChronoUnit.MICROS),
                Long.parseLong(cursor.substring(dot + 1)));
    }

    static String describe(String cursor) {
        ReconciliationStore.WindowCursor c = decode(cursor);
        return c == null ? "its start" : "the one created at " + c.createdAt() + " (refund " + c.id() + ")";
    }
}
