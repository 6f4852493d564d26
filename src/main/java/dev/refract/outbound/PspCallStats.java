package dev.refract.outbound;

import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Each PSP's recent calls on this replica, in slots of {@link #SLOT} over the last {@link #WINDOW}: attempts, how
 * many failed (5xx, 429, timeout, I/O: what the breaker counts), how many the open breaker refused, and the
 * attempts' latency. The operator console draws them; Prometheus holds the fleet's history.
 */
@ApplicationScoped
public class PspCallStats {

    public static final Duration SLOT = Duration.ofSeconds(30);
    public static final Duration WINDOW = Duration.ofMinutes(15);
    private static final int SLOTS = (int) (WINDOW.toSeconds() / SLOT.toSeconds());

    /** One slot of one PSP: its start, and what happened in it. */
    public record Slot(Instant start, long attempts, long failures, long refused, long totalMillis, long maxMillis) {
        public double failureRatio() {
            return attempts == 0 ? 0 : (double) failures / attempts;
        }

        public long meanMillis() {
            return attempts == 0 ? 0 : totalMillis / attempts;
        }
    }

    private final Map<String, Ring> rings = new ConcurrentHashMap<>();
    private final Clock clock;

    PspCallStats() {
        this(Clock.systemUTC());
    }

    PspCallStats(Clock clock) {
        this.clock = clock;
    }

    void attempt(String connector, boolean failed, long millis) {
        ring(connector).add(slotOf(clock.instant()), failed ? 1 : 0, 0, millis);
    }

    void refused(String connector) {
        ring(connector).add(slotOf(clock.instant()), 0, 1, -1);
    }

    /** The PSP's slots of the last {@link #WINDOW}, oldest first, empty slots included. */
    public List<Slot> recent(String connector) {
        long now = slotOf(clock.instant());
        Ring ring = rings.get(connector);
        List<Slot> slots = new ArrayList<>(SLOTS);
        for (long slot = now - SLOTS + 1; slot <= now; slot++) {
            slots.add(ring == null ? empty(slot) : ring.read(slot));
        }
        return slots;
    }

    private Ring ring(String connector) {
        return rings.computeIfAbsent(connector, c -> new Ring());
    }

    private static long slotOf(Instant instant) {
        return Math.floorDiv(instant.getEpochSecond(), SLOT.toSeconds());
    }

    private static Slot empty(long slot) {
        return new Slot(Instant.ofEpochSecond(slot * SLOT.toSeconds()), 0, 0, 0, 0, 0);
    }

    /** A fixed ring of slots; a slot is cleared when the ring comes round to it again. */
    private static final class Ring {
        private final long[] slotIds = new long[SLOTS];
        private final long[][] counts = new long[SLOTS][5];

        Ring() {
            Arrays.fill(slotIds, Long.MIN_VALUE);
        }

        synchronized void add(long slot, long failed, long refused, long millis) {
            int i = (int) Math.floorMod(slot, (long) SLOTS);
            long[] c = counts[i];
            if (slotIds[i] != slot) {
                slotIds[i] = slot;
                Arrays.fill(c, 0);
            }
            if (millis >= 0) {
                c[0]++;
                c[3] += millis;
                c[4] = Math.max(c[4], millis);
            }
            c[1] += failed;
            c[2] += refused;
        }

        synchronized Slot read(long slot) {
            int i = (int) Math.floorMod(slot, (long) SLOTS);
            if (slotIds[i] != slot) {
                return empty(slot);
            }
            long[] c = counts[i];
            return new Slot(Instant.ofEpochSecond(slot * SLOT.toSeconds()), c[0], c[1], c[2], c[3], c[4]);
        }
    }
}
