package dev.refract.reconcile;

import dev.refract.background.BackgroundBatches;
import dev.refract.store.RetentionStore;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Instant;
import java.util.function.BiFunction;
import org.jboss.logging.Logger;

/**
 * Keeps the outbox and the webhook log from growing forever: every run deletes, in small batches, what was
 * delivered or applied longer ago than {@code refract.retention.keep} (30 days by default). Replicas may run it at
 * once: each batch skips the rows another holds.
 */
@ApplicationScoped
public class Retention {

    private static final Logger LOG = Logger.getLogger(Retention.class);

    private final BackgroundBatches batches = new BackgroundBatches("retention");
    private final RetentionStore store;
    private final RetentionSettings settings;

    Retention(RetentionStore store, RetentionSettings settings) {
        this.store = store;
        this.settings = settings;
    }

    /** What one run deleted. */
    public record Pruned(int outbox, int webhookEvents) {}

    @Scheduled(
            identity = "retention",
            every = "${refract.retention.interval}",
            delayed = "${refract.retention.start-delay}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduled() {
        return batches.run(settings.enabled(), this::runOnce);
    }

    void finishBatch(@Observes ShutdownEvent event) {
        batches.finish(10);
    }

    /** One run: each table pruned batch by batch, until a batch comes back short or the run's budget is spent. */
    public Uni<Pruned> runOnce() {
        Instant cutoff = Instant.now().minus(settings.keep());
        return drain(store::pruneOutbox, cutoff, 0, 0)
                .chain(outbox ->
                        drain(store::pruneWebhookEvents, cutoff, 0, 0).map(events -> new Pruned(outbox, events)))
                .invoke(pruned -> {
                    if (pruned.outbox() + pruned.webhookEvents() > 0) {
                        LOG.infof(
                                "retention: deleted %d delivered outbox rows and %d applied webhook events older "
                                        + "than %s",
                                pruned.outbox(), pruned.webhookEvents(), settings.keep());
                    }
                });
    }

    private Uni<Integer> drain(BiFunction<Instant, Integer, Uni<Integer>> prune, Instant cutoff, int batch, int total) {
        return prune.apply(cutoff, settings.batchSize())
                .chain(deleted -> deleted < settings.batchSize() || batch + 1 >= settings.maxBatches()
                        ? Uni.createFrom().item(total + deleted)
                        : drain(prune, cutoff, batch + 1, total + deleted));
    }
}
