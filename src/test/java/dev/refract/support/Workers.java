package dev.refract.support;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import dev.refract.notify.OutboxWorker;
import dev.refract.reconcile.Janitor;
import dev.refract.reconcile.ReconciliationGauges;
import dev.refract.reconcile.ReconciliationWorker;
import io.quarkus.arc.Arc;
import io.quarkus.vertx.core.runtime.context.VertxContextSafetyToggle;
import io.smallrye.common.vertx.VertxContext;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The background workers, driven by the test that needs them. The test profile switches the scheduled runs off
 * ({@code refract.janitor.enabled}, {@code refract.outbox.enabled}), so a test sees only the work it asks for.
 *
 * <p>Each run happens one hour after the previous one on the workers' clock: everything scheduled is due, and an
 * item a run claimed but could not finish is due again at the next run, as it would be once its lease ended.
 */
public final class Workers {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final AtomicLong HOURS = new AtomicLong();

    private Workers() {}

    /** One janitor run; answers how many refunds it worked. */
    public static int janitor() {
        Instant asOf = later();
        return onContext(() -> Arc.container().instance(Janitor.class).get().runOnce(asOf));
    }

    /** One outbox run; answers how many items it delivered. */
    public static int outbox() {
        Instant asOf = later();
        return onContext(
                () -> Arc.container().instance(OutboxWorker.class).get().runOnce(asOf));
    }

    /** One reconciliation look: every run nobody holds is worked to its end; answers how many. */
    public static int reconciliations() {
        return onContext(
                () -> Arc.container().instance(ReconciliationWorker.class).get().runOnce());
    }

    /** The daily schedule's look at {@code now}: answers how many runs this look started. */
    public static int dailyReconciliations(Instant now) {
        return onContext(
                () -> Arc.container().instance(ReconciliationWorker.class).get().startDaily(now));
    }

    /** The reconciliation gauges read now. */
    public static int reconciliationGauges() {
        return onContext(() -> Arc.container()
                .instance(ReconciliationGauges.class)
                .get()
                .refresh()
                .map(accounts -> accounts.size()));
    }

    /** A refund the PSP never settles, pushed through its attempts to MANUAL_REVIEW. */
    public static String refundInManualReview(Api.TestMerchant m, String payment) {
        return refundInManualReview(m, payment, 1_000L);
    }

    /** A refund of {@code minorAmount} USD of the payment, which the janitor gives up on: MANUAL_REVIEW. */
    public static String refundInManualReview(Api.TestMerchant m, String payment, long minorAmount) {
        String id = Api.refundId();
        m.create(Api.body(
                        id,
                        payment,
                        minorAmount,
                        "USD",
                        "\"connector_options\":{\"sandbox_outcome\":\"error\",\"sandbox_failures\":100}"))
                .then()
                .statusCode(200);
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(200))
                .untilAsserted(() -> {
                    janitor();
                    m.get(id).then().body("status", equalTo("MANUAL_REVIEW"));
                });
        return id;
    }

    /** Runs a pass as the scheduler would: on a fresh duplicated Vert.x context, which the reactive sessions need. */
    private static int onContext(Supplier<Uni<Integer>> pass) {
        Context context = VertxContext.createNewDuplicatedContext(
                Arc.container().instance(Vertx.class).get().getOrCreateContext());
        VertxContextSafetyToggle.setContextSafe(context, true);
        return Uni.createFrom()
                .<Integer>emitter(emitter ->
                        context.runOnContext(ignored -> pass.get().subscribe().with(emitter::complete, emitter::fail)))
                .await()
                .atMost(TIMEOUT);
    }

    private static Instant later() {
        return Instant.now().plus(Duration.ofHours(HOURS.incrementAndGet()));
    }
}
