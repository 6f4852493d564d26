package dev.refract.reconcile;

import dev.refract.background.BackgroundBatches;
import dev.refract.refund.ReconciliationEngine;
import dev.refract.refund.ReconciliationSettings;
import dev.refract.refund.ReconciliationStore;
import dev.refract.refund.Reconciliations;
import dev.refract.telemetry.Spans;
import io.opentelemetry.api.trace.Tracer;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.vertx.core.runtime.context.VertxContextSafetyToggle;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.impl.ContextInternal;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * Works reconciliation runs on this replica: every {@code interval} (and at once when a run is started here) it
 * starts the previous day's runs when they are due, then claims the runs nobody holds, one at a time, and works each
 * to its end. Several replicas may do this at once: the daily runs are claimed by a unique row per account and day,
 * and a run by its lease, so each is worked by one replica, and another finishes it from where it stopped if that one
 * dies.
 */
@ApplicationScoped
public class ReconciliationWorker {

    private static final Logger LOG = Logger.getLogger(ReconciliationWorker.class);
    /** Runs one look works at most, so that a shutdown is not kept waiting by a long queue. */
    private static final int RUNS_PER_LOOK = 20;
    /** An upload lost to a crash left staged records no run names; they are deleted after this. */
    private static final Duration STAGED_KEPT = Duration.ofHours(1);

    private final BackgroundBatches batches = new BackgroundBatches("reconciliation");
    /** This replica as a run's holder: its process id (to find it on its node) and a random part (unique anyway). */
    private final String owner = "replica-" + ProcessHandle.current().pid() + "-"
            + UUID.randomUUID().toString().substring(0, 8);

    private final AtomicBoolean working = new AtomicBoolean();
    private final AtomicBoolean poked = new AtomicBoolean();
    private volatile LocalDate scheduled;

    private final ReconciliationStore runs;
    private final ReconciliationEngine engine;
    private final Reconciliations reconciliations;
    private final ReconciliationWorkerSettings settings;
    private final ReconciliationSettings runSettings;
    private final Vertx vertx;
    private final Tracer tracer;

    ReconciliationWorker(
            ReconciliationStore runs,
            ReconciliationEngine engine,
            Reconciliations reconciliations,
            ReconciliationWorkerSettings settings,
            ReconciliationSettings runSettings,
            Vertx vertx,
            Tracer tracer) {
        this.runs = runs;
        this.engine = engine;
        this.reconciliations = reconciliations;
        this.settings = settings;
        this.runSettings = runSettings;
        this.vertx = vertx;
        this.tracer = tracer;
    }

    @Scheduled(
            identity = "reconciliation",
            every = "${refract.reconciliation.interval:30s}",
            delayed = "${refract.reconciliation.start-delay:5s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduled() {
        return batches.run(settings.enabled(), this::runOnce);
    }

    /** A run started on this replica is taken up now rather than at the next look. */
    void onStarted(@Observes Reconciliations.Started started) {
        if (!settings.enabled()) {
            return;
        }
        // a duplicated context of its own, as the scheduler gives each run: the reactive sessions live in it
        Context context = ((ContextInternal) vertx.getOrCreateContext()).duplicate();
        VertxContextSafetyToggle.setContextSafe(context, true);
        context.runOnContext(
                ignored -> batches.run(true, this::runOnce).subscribe().with(done -> {}));
    }

    void finishRun(@Observes ShutdownEvent event) {
        batches.finish(20);
    }

    /** One look: the daily runs if due, then the runs nobody holds; answers how many runs it worked. */
    public Uni<Integer> runOnce() {
        return runOnce(Instant.now());
    }

    public Uni<Integer> runOnce(Instant now) {
        if (!working.compareAndSet(false, true)) {
            poked.set(true); // the look in progress looks again before it ends
            return Uni.createFrom().item(0);
        }
        return Spans.around(
                        tracer,
                        "reconciliation look",
                        span -> startDaily(now)
                                .chain(() -> runs.pruneStaged(now.minus(STAGED_KEPT)))
                                .chain(() -> workRuns(0)))
                .eventually(() -> working.set(false));
    }

    /**
     * The previous day's runs, once their day is complete ({@code daily-after}, UTC): every replica inserts them and
     * the unique index keeps one per account and day. Answers how many this replica started.
     */
    public Uni<Integer> startDaily(Instant now) {
        if (!settings.dailyEnabled()) {
            return Uni.createFrom().item(0);
        }
        ZonedDateTime utc = now.atZone(ZoneOffset.UTC);
        LocalDate day = utc.toLocalTime().isBefore(settings.dailyAfter())
                ? utc.toLocalDate().minusDays(2)
                : utc.toLocalDate().minusDays(1);
        if (day.equals(scheduled)) {
            return Uni.createFrom().item(0);
        }
        Instant from = day.atStartOfDay(ZoneOffset.UTC).toInstant();
        return runs.scheduleWindow(from, from.plus(Duration.ofDays(1)), reconciliations.listingConnectors())
                .invoke(started -> {
                    scheduled = day;
                    LOG.infof(
                            "daily reconciliation runs for %s: %d started by this replica (any other by another)",
                            day, started);
                });
    }

    private Uni<Integer> workRuns(int worked) {
        if (worked >= RUNS_PER_LOOK) {
            return Uni.createFrom().item(worked);
        }
        poked.set(false);
        Instant now = Instant.now();
        return runs.claim(owner, now, now.plus(runSettings.lease())).chain(run -> {
            if (run == null) {
                return poked.get() ? workRuns(worked) : Uni.createFrom().item(worked);
            }
            return Spans.around(tracer, "reconciliation run", span -> {
                        span.setAttribute(Spans.CONNECTOR, run.connector())
                                .setAttribute("refract.reconciliation", run.id());
                        return engine.work(run, owner);
                    })
                    .invoke(ended -> LOG.infof(
                            "reconciliation run %s of %s at %s: %s (%d matched, %d adopted, %d mismatched, %d missing "
                                    + "at the PSP)",
                            ended.id(),
                            ended.merchantId(),
                            ended.connector(),
                            ended.status().wire(),
                            ended.counts().matched(),
                            ended.counts().adopted(),
                            ended.counts().mismatched(),
                            ended.counts().missingAtPsp()))
                    .chain(ended -> workRuns(worked + 1));
        });
    }
}
