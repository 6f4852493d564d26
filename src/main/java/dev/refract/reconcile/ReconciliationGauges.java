package dev.refract.reconcile;

import dev.refract.background.BackgroundBatches;
import dev.refract.refund.ConnectorRegistry;
import dev.refract.refund.ListsRefunds;
import dev.refract.refund.ReconciliationRun;
import dev.refract.refund.Reconciliations;
import dev.refract.store.ReconciliationReads;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Each account's reconciliation as gauges, for the alert rules under {@code deploy/prometheus}: the exceptions its
 * latest completed run found ({@code refract_reconciliation_exceptions}, by kind), how long ago that run completed
 * ({@code refract_reconciliation_last_completed_age_seconds}, for accounts the daily schedule reconciles, since the
 * account was made when it has none yet), and whether its latest run failed
 * ({@code refract_reconciliation_last_run_failed}). Read from the database every {@code gauge-interval}; every replica
 * reports the same values, so rules take their maximum.
 */
@Singleton
public class ReconciliationGauges implements MeterBinder {

    private final BackgroundBatches batches = new BackgroundBatches("reconciliation gauges");
    private final ReconciliationReads reads;
    private final ConnectorRegistry registry;
    private final ReconciliationWorkerSettings settings;
    private MultiGauge exceptions;
    private MultiGauge age;
    private MultiGauge failed;

    ReconciliationGauges(ReconciliationReads reads, ConnectorRegistry registry, ReconciliationWorkerSettings settings) {
        this.reads = reads;
        this.registry = registry;
        this.settings = settings;
    }

    @Override
    public void bindTo(MeterRegistry meters) {
        exceptions = MultiGauge.builder("refract.reconciliation.exceptions")
                .description("Exceptions (mismatched, missing at the PSP, adopted) of each account's latest completed "
                        + "reconciliation run")
                .register(meters);
        age = MultiGauge.builder("refract.reconciliation.last.completed.age")
                .baseUnit("seconds")
                .description("How long ago each account's latest reconciliation run completed (since the account was "
                        + "made, when none has)")
                .register(meters);
        failed = MultiGauge.builder("refract.reconciliation.last.run.failed")
                .description("1 when each account's latest finished reconciliation run failed")
                .register(meters);
    }

    @Scheduled(
            identity = "reconciliation-gauges",
            every = "${refract.reconciliation.gauge-interval:30s}",
            delayed = "${refract.reconciliation.start-delay:5s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduled() {
        return batches.run(settings.gaugesEnabled(), this::refresh);
    }

    /** Reads every account's latest runs now; the gauges show them from then on. */
    public Uni<List<ReconciliationReads.AccountStatus>> refresh() {
        List<String> reconcilable = new ArrayList<>();
        List<String> daily = new ArrayList<>();
        registry.all().forEach(c -> {
            if (Reconciliations.sourceOf(c).isPresent()) {
                reconcilable.add(c.name());
            }
            if (c instanceof ListsRefunds) {
                daily.add(c.name());
            }
        });
        return reads.accounts(reconcilable).invoke(accounts -> {
            Instant now = Instant.now();
            List<MultiGauge.Row<?>> exceptionRows = new ArrayList<>();
            List<MultiGauge.Row<?>> ageRows = new ArrayList<>();
            List<MultiGauge.Row<?>> failedRows = new ArrayList<>();
            for (ReconciliationReads.AccountStatus a : accounts) {
                Tags account = Tags.of("merchant_id", a.merchantId(), "connector", a.connector());
                ReconciliationRun.Counts counts = a.lastCompletedCounts();
                if (counts != null) {
                    exceptionRows.add(MultiGauge.Row.of(account.and("kind", "mismatched"), counts.mismatched()));
                    exceptionRows.add(MultiGauge.Row.of(account.and("kind", "missing_at_psp"), counts.missingAtPsp()));
                    exceptionRows.add(MultiGauge.Row.of(account.and("kind", "adopted"), counts.adopted()));
                }
                if (counts != null || a.lastFailed()) {
                    failedRows.add(MultiGauge.Row.of(account, a.lastFailed() ? 1 : 0));
                }
                if (daily.contains(a.connector())) {
                    Instant since = a.lastCompletedAt() != null ? a.lastCompletedAt() : a.accountCreatedAt();
                    ageRows.add(MultiGauge.Row.of(
                            account, Math.max(0, Duration.between(since, now).toMillis() / 1000.0)));
                }
            }
            exceptions.register(exceptionRows, true);
            age.register(ageRows, true);
            failed.register(failedRows, true);
        });
    }
}
