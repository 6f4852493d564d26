package dev.refract.background;

import io.smallrye.mutiny.Uni;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * The run loop shared by the background workers (janitor, outbox): a failed batch is logged and retried by the
 * next run, and the batch in progress is remembered so that shutdown can let it finish instead of abandoning
 * claimed work to its lease (abandoned work is not lost either, only delayed until the lease ends).
 */
public final class BackgroundBatches {

    private static final Logger LOG = Logger.getLogger(BackgroundBatches.class);

    private final String name;
    private volatile CompletionStage<Void> running = CompletableFuture.completedFuture(null);

    public BackgroundBatches(String name) {
        this.name = name;
    }

    /** One scheduled run: the batch, unless the worker is switched off. */
    public Uni<Void> run(boolean enabled, Supplier<Uni<?>> batch) {
        if (!enabled) {
            return Uni.createFrom().voidItem();
        }
        Uni<Void> run = Uni.createFrom()
                .deferred(batch)
                .onFailure()
                .invoke(e -> LOG.warnf("%s run failed, the next run retries: %s", name, e.toString()))
                .onFailure()
                .recoverWithNull()
                .replaceWithVoid()
                .memoize()
                .indefinitely();
        running = run.subscribeAsCompletionStage();
        return run;
    }

    /** Waits for the batch in progress, at most {@code seconds}. */
    public void finish(int seconds) {
        try {
            running.toCompletableFuture().get(seconds, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warnf(
                    "the last %s batch did not finish before shutdown; its items are taken up after their lease", name);
        }
    }
}
