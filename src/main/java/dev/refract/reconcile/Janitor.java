package dev.refract.reconcile;

import dev.refract.background.BackgroundBatches;
import dev.refract.refund.Refund;
import dev.refract.refund.RefundService;
import dev.refract.refund.RefundStore;
import dev.refract.telemetry.Spans;
import io.opentelemetry.api.trace.Tracer;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Instant;
import org.jboss.logging.Logger;

/**
 * Settles what the request path could not: resends refunds that were not sent or whose outcome is unknown,
 * syncs those the PSP accepted, gives up to MANUAL_REVIEW after the configured attempts. Each run claims a
 * batch with {@code FOR UPDATE SKIP LOCKED} and a lease, so replicas running it at once never work one refund
 * twice, and a replica that dies mid-batch only delays its refunds by the lease.
 */
@ApplicationScoped
public class Janitor {

    private final BackgroundBatches batches = new BackgroundBatches("janitor");
    private static final Logger LOG = Logger.getLogger(Janitor.class);

    private final RefundStore store;
    private final RefundService refunds;
    private final JanitorSettings settings;
    private final Tracer tracer;

    Janitor(RefundStore store, RefundService refunds, JanitorSettings settings, Tracer tracer) {
        this.store = store;
        this.refunds = refunds;
        this.settings = settings;
        this.tracer = tracer;
    }

    @Scheduled(
            identity = "refund-janitor",
            every = "${refract.janitor.interval}",
            delayed = "${refract.janitor.start-delay}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduled() {
        return batches.run(settings.enabled(), this::runOnce);
    }

    /** On SIGTERM, lets the batch in progress finish within the shutdown timeout. */
    void finishBatch(@Observes ShutdownEvent event) {
        batches.finish(20);
    }

    /** One pass over due work; answers how many refunds it worked. */
    public Uni<Integer> runOnce() {
        return runOnce(Instant.now());
    }

    /** One pass over the work that is due at {@code asOf}; answers how many refunds it worked. */
    public Uni<Integer> runOnce(Instant asOf) {
        return Spans.around(tracer, "janitor run", span -> claimAndWork(asOf));
    }

    private Uni<Integer> claimAndWork(Instant asOf) {
        return store.claimDue(asOf, settings.batchSize(), settings.lease())
                .chain(claimed -> Multi.createFrom()
                        .iterable(claimed)
                        // one at a time: each refund's PSP call and write are independent, and a failure of
                        // one leaves it scheduled without stopping the others
                        .onItem()
                        .transformToUniAndConcatenate(this::work)
                        .collect()
                        .asList()
                        .map(done -> claimed.size()));
    }

    private Uni<Refund> work(Refund refund) {
        return Spans.around(tracer, "janitor refund", span -> {
                    span.setAttribute(Spans.MERCHANT_REFUND_ID, refund.merchantRefundId())
                            .setAttribute(Spans.CONNECTOR, refund.connector())
                            .setAttribute("refract.state", refund.state().name());
                    return refunds.reconcile(refund);
                })
                .onFailure()
                .recoverWithItem(e -> {
                    LOG.warnf(
                            "refund %d could not be reconciled this time (%s); it stays scheduled",
                            refund.id(), e.toString());
                    return refund;
                });
    }
}
