package dev.refract.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What a replica writes of its keys' last use: each key at most once per minute of use, however many requests, and
 * never more keys than its bound. Plain JUnit: the write itself is {@code ApiKeyStore.MARK_USED} (see
 * {@code ApiKeysTest} for the database side).
 */
class KeyUsageTest {

    static final Instant T = Instant.parse("2026-01-20T15:30:10Z");

    static KeyUsage usage(int maxKeys) {
        return new KeyUsage(new ApiKeyStore(null, null), new KeyUsage.Settings() {
            @Override
            public Duration lastUsedFlushInterval() {
                return Duration.ofSeconds(10);
            }

            @Override
            public int lastUsedMaxKeys() {
                return maxKeys;
            }

            @Override
            public boolean lastUsedFlushEnabled() {
                return false;
            }
        });
    }

    @Test
    void aBusyKeyIsWrittenOncePerMinuteOfUseTruncatedToTheMinute() {
        KeyUsage usage = usage(10);
        for (int i = 0; i < 1_000; i++) {
            usage.record("m_a", "key_a", T.plusMillis(i * 40L)); // 40 s of requests, all within 15:30
        }
        KeyUsage.Due due = usage.due(T.plusSeconds(41));
        assertEquals(List.of(new ApiKeyStore.Use("m_a", "key_a", Instant.parse("2026-01-20T15:30:00Z"))), due.uses());
        due.written().run();
        usage.record("m_a", "key_a", T.plusSeconds(45));
        assertEquals(List.of(), usage.due(T.plusSeconds(49)).uses(), "nothing new to write within the same minute");
        usage.record("m_a", "key_a", T.plusSeconds(55)); // 15:31:05
        assertEquals(
                List.of(new ApiKeyStore.Use("m_a", "key_a", Instant.parse("2026-01-20T15:31:00Z"))),
                usage.due(T.plusSeconds(59)).uses());
    }

    @Test
    void aFailedWriteIsWrittenAgainAndAnOlderUseNeverMovesTheMinuteBack() {
        KeyUsage usage = usage(10);
        usage.record("m_a", "key_a", T.plusSeconds(60)); // 15:31
        usage.record("m_a", "key_a", T); // a slower request of 15:30, noted after
        assertEquals(
                List.of(new ApiKeyStore.Use("m_a", "key_a", Instant.parse("2026-01-20T15:31:00Z"))),
                usage.due(T.plusSeconds(61)).uses());
        // the write failed: nothing was marked written, so the next flush has it again
        assertEquals(1, usage.due(T.plusSeconds(71)).uses().size());
    }

    @Test
    void atMostTheBoundOfKeysIsTrackedAndIdleWrittenKeysAreForgotten() {
        KeyUsage usage = usage(2);
        usage.record("m_a", "key_a", T);
        usage.record("m_a", "key_b", T);
        usage.record("m_a", "key_c", T); // over the bound: not noted
        assertEquals(2, usage.tracked());
        KeyUsage.Due due = usage.due(T.plusSeconds(1));
        assertEquals(2, due.uses().size());
        due.written().run();
        // two minutes later both are idle and written: forgotten, which makes room
        assertEquals(List.of(), usage.due(T.plusSeconds(130)).uses());
        assertEquals(0, usage.tracked());
        usage.record("m_a", "key_c", T.plusSeconds(131));
        assertEquals(
                List.of(new ApiKeyStore.Use("m_a", "key_c", Instant.parse("2026-01-20T15:32:00Z"))),
                usage.due(T.plusSeconds(132)).uses());
    }
}
