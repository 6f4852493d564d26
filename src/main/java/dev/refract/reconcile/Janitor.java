package dev.refract.reconcile;

import dev.refract.refund.JanitorSettings;
import dev.refract.refund.Refund;
import dev.refract.refund.RefundService;
import dev.refract.refund.RefundStore;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Settles what the request path could not: resends refunds that were not sent or whose outcome is unknown,
 * syncs those the PSP accepted, gives up to MANUAL_REVIEW after the configured attempts. Each run claims a
 * batch with {@code FOR UPDATE SKIP LOCKED} and a lease, so replicas running it at once never work one refund
 * twice, and a replica that dies mid-batch only delays its refunds by the lease.
 */
@ApplicationScoped
public class Janitor {

    private volatile CompletionStage<Void> running = CompletableFuture.completedFuture(null);
    private static final Logger LOG = Logger.getLogger(Janitor.class);

    private final RefundStore store;
    private final RefundService refunds;
    private final JanitorSettings settings;

    Janitor(RefundStore store, RefundService refunds, JanitorSettings settings) {
        this.store = store;
        this.refunds = refunds;
        this.settings = settings;
    }

    @Scheduled(identity = "refund-janitor", every = "${refract.janitor.interval}",
            delayed = "${refract.janitor.start-delay}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduled() {
        if (!settings.enabled()) {
            return Uni.createFrom().voidItem();
        }
        Uni<Void> run = runOnce()
                .onFailure().invoke(e -> LOG.warnf("janitor run failed, next run retries: %s", e.toString()))
                .onFailure().recoverWithNull()
                .replaceWithVoid()
                .memoize().indefinitely();
        running = run.subscribeAsCompletionStage();
        return run;
    }

    /**
     * On SIGTERM, lets the batch in progress finish (up to the shutdown timeout) rather than abandoning claimed
     * work to its lease; an abandoned item is still not lost, only delayed until the lease ends.
     */
    void finishBatch(@Observes ShutdownEvent event) {
        try {
            running.toCompletableFuture().get(20, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warnf("the last %s batch did not finish before shutdown; its items are taken up after their lease",
                    "janitor");
        }
    }

    /** One pass over due work; answers how many refunds it worked. */
    public Uni<Integer> runOnce() {
        return store.claimDue(Instant.now(), settings.batchSize(), settings.lease())
                .chain(claimed -> Multi.createFrom().iterable(claimed)
                        // one at a time: each refund's PSP call and write are independent, and a failure of
                        // one leaves it scheduled without stopping the others
                        .onItem().transformToUniAndConcatenate(this::work)
                        .collect().asList()
                        .map(done -> claimed.size()));
    }

    private Uni<Refund> work(Refund refund) {
        return refunds.reconcile(refund).onFailure().recoverWithItem(e -> {
            LOG.warnf("refund %d could not be reconciled this time (%s); it stays scheduled", refund.id(),
                    e.toString());
            return refund;
        });
    }
}
