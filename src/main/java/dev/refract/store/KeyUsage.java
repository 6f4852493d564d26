package dev.refract.store;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * Each API key's {@code last_used_at}, to the minute, without a write per request. A request only notes the minute
 * of its key's use in memory (a map read, and once a minute per key a map write); every
 * {@code refract.api-keys.last-used-flush-interval} the replica writes the keys whose minute moved, one update by
 * primary key each, sent as batches of {@value #BATCH}. So a key is written at most once a minute per replica, however busy it is, and its
 * {@code last_used_at} is at most one interval behind.
 *
 * <p>Bounded: at most {@code refract.api-keys.last-used-max-keys} keys are tracked; a key idle for two minutes once
 * written is forgotten. Past the bound, a key not yet tracked is not noted until a flush has made room (its
 * {@code last_used_at} then lags, nothing else). A replica that dies loses at most one interval of uses; one that
 * stops writes what it has.
 */
@ApplicationScoped
public class KeyUsage {

    @ConfigMapping(prefix = "refract.api-keys")
    public interface Settings {
        /** How often a replica writes the last uses it noted. */
        @WithDefault("10s")
        Duration lastUsedFlushInterval();

        /** Keys whose use a replica tracks at most. */
        @WithDefault("10000")
        int lastUsedMaxKeys();

        /** {@code false} to write only when asked (the in-process tests do). */
        @WithDefault("true")
        boolean lastUsedFlushEnabled();
    }

    private static final Logger LOG = Logger.getLogger(KeyUsage.class);
    /** Keys per batch of updates. */
    static final int BATCH = 1000;

    /** One key: the latest minute it was used in, and the latest minute written. */
    private static final class Slot {
        final String merchantId;
        final AtomicLong used = new AtomicLong(Long.MIN_VALUE);
        volatile long written = Long.MIN_VALUE;

        Slot(String merchantId) {
            this.merchantId = merchantId;
        }
    }

    /** At most {@code last-used-max-keys} keys (10,000), an idle one dropped two minutes after its last write. */
    private final ConcurrentHashMap<String, Slot> slots = new ConcurrentHashMap<>();

    private final AtomicLong unnoted = new AtomicLong();
    private final ApiKeyStore keys;
    private final Settings settings;

    KeyUsage(ApiKeyStore keys, Settings settings) {
        this.keys = keys;
        this.settings = settings;
    }

    /** Notes that the key was used at {@code now}. */
    public void record(String merchantId, String keyId, Instant now) {
        long minute = Math.floorDiv(now.getEpochSecond(), 60);
        Slot slot = slots.get(keyId);
        if (slot != null && slot.used.get() >= minute) {
            return; // every request of a busy key after its first in a minute
        }
        if (slot == null) {
            if (slots.size() >= settings.lastUsedMaxKeys()) {
                unnoted.incrementAndGet();
                return;
            }
            slot = slots.computeIfAbsent(keyId, id -> new Slot(merchantId));
        }
        slot.used.accumulateAndGet(minute, Math::max);
        if (slots.get(keyId) != slot) {
            // a flush forgot the slot as idle in between: note the use in the slot that is there now
            slots.computeIfAbsent(keyId, id -> new Slot(merchantId)).used.accumulateAndGet(minute, Math::max);
        }
    }

    @Scheduled(
            identity = "api-key-usage",
            every = "${refract.api-keys.last-used-flush-interval:10s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduled() {
        if (!settings.lastUsedFlushEnabled()) {
            return Uni.createFrom().voidItem();
        }
        return flush(Instant.now())
                .onFailure()
                .invoke(e -> LOG.warnf("writing API keys' last use failed, the next run retries: %s", e.toString()))
                .onFailure()
                .recoverWithNull()
                .replaceWithVoid();
    }

    /** On SIGTERM, writes what was noted. */
    void flushAtShutdown(@Observes ShutdownEvent event) {
        try {
            flush(Instant.now()).await().atMost(Duration.ofSeconds(5));
        } catch (RuntimeException e) {
            LOG.warnf("the last use of some API keys was not written at shutdown: %s", e.toString());
        }
    }

    /** Writes the uses noted since the last flush; answers how many keys it wrote. */
    public Uni<Integer> flush(Instant now) {
        Due due = due(now);
        if (due.uses().isEmpty()) {
            return Uni.createFrom().item(0);
        }
        List<List<ApiKeyStore.Use>> batches = new ArrayList<>();
        for (int i = 0; i < due.uses().size(); i += BATCH) {
            batches.add(due.uses().subList(i, Math.min(due.uses().size(), i + BATCH)));
        }
        return Multi.createFrom()
                .iterable(batches)
                .onItem()
                .transformToUniAndConcatenate(keys::markUsed)
                .collect()
                .last()
                .map(ignored -> {
                    due.written().run();
                    return due.uses().size();
                });
    }

    /** The uses to write, and what to remember once they are written. */
    record Due(List<ApiKeyStore.Use> uses, Runnable written) {}

    /**
     * The keys whose minute of use moved since it was last written; forgets keys idle for two minutes whose use is
     * written, and reports uses that the bound kept from being noted.
     */
    Due due(Instant now) {
        long minuteNow = Math.floorDiv(now.getEpochSecond(), 60);
        List<ApiKeyStore.Use> uses = new ArrayList<>();
        List<Runnable> marks = new ArrayList<>();
        slots.forEach((keyId, slot) -> {
            long used = slot.used.get();
            if (used > slot.written) {
                uses.add(new ApiKeyStore.Use(slot.merchantId, keyId, Instant.ofEpochSecond(used * 60)));
                marks.add(() -> slot.written = Math.max(slot.written, used));
            } else if (used < minuteNow - 1) {
                slots.remove(keyId, slot); // idle, and written: a later use starts a new slot
            }
        });
        long skipped = unnoted.getAndSet(0);
        if (skipped > 0) {
            LOG.warnf(
                    "%d uses of API keys were not noted: more than %d keys in use at once "
                            + "(refract.api-keys.last-used-max-keys)",
                    skipped, settings.lastUsedMaxKeys());
        }
        return new Due(uses, () -> marks.forEach(Runnable::run));
    }

    /** Keys tracked now. */
    int tracked() {
        return slots.size();
    }
}
