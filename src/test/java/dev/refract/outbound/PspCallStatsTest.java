package dev.refract.outbound;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class PspCallStatsTest {

    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-12-02T10:00:05Z"));
    private final PspCallStats stats = new PspCallStats(new Clock() {
        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now.get();
        }
    });

    @Test
    void attemptsFailuresRefusalsAndLatencyFallIntoTheirSlot() {
        stats.attempt("stripe", false, 100);
        stats.attempt("stripe", true, 300);
        stats.refused("stripe");
        now.set(now.get().plusSeconds(30));
        stats.attempt("stripe", false, 50);

        List<PspCallStats.Slot> slots = stats.recent("stripe");
        assertEquals(30, slots.size(), "15 minutes of 30-second slots");
        PspCallStats.Slot earlier = slots.get(28);
        assertEquals(Instant.parse("2026-12-02T10:00:00Z"), earlier.start());
        assertEquals(2, earlier.attempts());
        assertEquals(1, earlier.failures());
        assertEquals(1, earlier.refused());
        assertEquals(200, earlier.meanMillis());
        assertEquals(300, earlier.maxMillis());
        assertEquals(0.5, earlier.failureRatio());
        PspCallStats.Slot latest = slots.get(29);
        assertEquals(Instant.parse("2026-12-02T10:00:30Z"), latest.start());
        assertEquals(1, latest.attempts());
        assertEquals(0, latest.failures());
        assertEquals(
                0,
                stats.recent("adyen").stream()
                        .mapToLong(PspCallStats.Slot::attempts)
                        .sum());
    }

    @Test
    void slotsOlderThanTheWindowAreForgottenWhenTheRingComesRound() {
        stats.attempt("adyen", true, 10);
        now.set(now.get().plus(PspCallStats.WINDOW));
        assertEquals(
                0,
                stats.recent("adyen").stream()
                        .mapToLong(PspCallStats.Slot::attempts)
                        .sum());
        stats.attempt("adyen", false, 20);
        List<PspCallStats.Slot> slots = stats.recent("adyen");
        assertEquals(1, slots.stream().mapToLong(PspCallStats.Slot::attempts).sum());
        assertEquals(0, slots.stream().mapToLong(PspCallStats.Slot::failures).sum());
        assertEquals(Duration.ofSeconds(30), PspCallStats.SLOT);
    }
}
