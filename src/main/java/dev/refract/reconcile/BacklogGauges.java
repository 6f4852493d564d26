package dev.refract.reconcile;

import dev.refract.background.BackgroundBatches;
import dev.refract.store.BacklogStore;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Singleton;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The backlog as gauges, for the alert rules under {@code deploy/prometheus}: refunds in MANUAL_REVIEW
 * ({@code refract_refunds_manual_review}), the age of the janitor's oldest due refund
 * ({@code refract_janitor_oldest_due_age_seconds}) and of the outbox's oldest undelivered item
 * ({@code refract_outbox_oldest_undelivered_age_seconds}). Read from the database every
 * {@code refract.backlog.interval}; every replica reports the same values, so rules take their maximum.
 */
@Singleton
public class BacklogGauges implements MeterBinder {

    private final BackgroundBatches batches = new BackgroundBatches("backlog gauges");
    private final BacklogStore store;
    private final BacklogSettings settings;
    private final AtomicReference<BacklogStore.Backlog> last = new AtomicReference<>(new BacklogStore.Backlog(0, 0, 0));

    BacklogGauges(BacklogStore store, BacklogSettings settings) {
        this.store = store;
        this.settings = settings;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder("refract.refunds.manual.review", last, b -> b.get().manualReview())
                .description("Refunds in MANUAL_REVIEW, waiting for an operator")
                .register(registry);
        Gauge.builder("refract.janitor.oldest.due.age", last, b -> b.get().janitorOldestDueSeconds())
                .baseUnit("seconds")
                .description("How long the janitor's oldest due refund has been due (0: none)")
                .register(registry);
        Gauge.builder(
                        "refract.outbox.oldest.undelivered.age",
                        last,
                        b -> b.get().outboxOldestUndeliveredSeconds())
                .baseUnit("seconds")
                .description(
                        "How long the outbox's oldest undelivered notification or wallet move has waited (0: none)")
                .register(registry);
    }

    @Scheduled(
            identity = "backlog-gauges",
            every = "${refract.backlog.interval}",
            delayed = "${refract.backlog.start-delay}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduled() {
        return batches.run(settings.enabled(), this::refresh);
    }

    /** Reads the backlog now; the gauges show it from then on. */
    public Uni<BacklogStore.Backlog> refresh() {
        return store.read().invoke(last::set);
    }
}
