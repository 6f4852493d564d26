package dev.refract.notify;

import dev.refract.background.BackgroundBatches;
import dev.refract.refund.Backoff;
import dev.refract.refund.ConnectorAccount;
import dev.refract.refund.Delivery;
import dev.refract.refund.Wallet;
import dev.refract.store.AccountStore;
import dev.refract.store.OutboxStore;
import dev.refract.telemetry.Spans;
import io.opentelemetry.api.trace.Tracer;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Instant;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Delivers the outbox: at least once, retried with backoff until the receiver answers 2xx, in order per refund,
 * and claimable by several replicas at once without double delivery (SKIP LOCKED with a lease).
 */
@ApplicationScoped
public class OutboxWorker {

    private final BackgroundBatches batches = new BackgroundBatches("outbox");

    private final OutboxStore outbox;
    private final MerchantNotifier notifier;
    private final Wallet wallet;
    private final AccountStore accounts;
    private final OutboxSettings settings;
    private final Backoff backoff;
    private final Tracer tracer;

    OutboxWorker(
            OutboxStore outbox,
            MerchantNotifier notifier,
            Wallet wallet,
            AccountStore accounts,
            OutboxSettings settings,
            Tracer tracer) {
        this.tracer = tracer;
        this.outbox = outbox;
        this.notifier = notifier;
        this.wallet = wallet;
        this.accounts = accounts;
        this.settings = settings;
        this.backoff = new Backoff(
                settings.backoffBase(),
                settings.backoffMax(),
                () -> ThreadLocalRandom.current().nextDouble());
    }

    @Scheduled(
            identity = "outbox-worker",
            every = "${refract.outbox.interval}",
            delayed = "${refract.outbox.start-delay}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduled() {
        return batches.run(settings.enabled(), this::runOnce);
    }

    /** On SIGTERM, lets the batch in progress finish within the shutdown timeout. */
    void finishBatch(@Observes ShutdownEvent event) {
        batches.finish(20);
    }

    /** One pass; answers how many items it delivered. */
    public Uni<Integer> runOnce() {
        return runOnce(Instant.now());
    }

    /** One pass over the items due at {@code asOf}; answers how many it delivered. */
    public Uni<Integer> runOnce(Instant asOf) {
        return Spans.around(tracer, "outbox run", span -> claimAndDeliver(asOf));
    }

    private Uni<Integer> claimAndDeliver(Instant asOf) {
        return outbox.claimDue(asOf, settings.batchSize(), settings.lease())
                .chain(items -> Multi.createFrom()
                        .iterable(items)
                        .onItem()
                        .transformToUniAndConcatenate(item -> deliver(item)
                                .chain(result -> result.done()
                                        ? outbox.delivered(item, result.note()).replaceWith(1)
                                        : outbox.retryLater(
                                                        item,
                                                        backoff.nextAction(item.attempts() + 1, Instant.now()),
                                                        result.note())
                                                .replaceWith(0)))
                        .collect()
                        .asList()
                        .map(done -> done.stream().mapToInt(Integer::intValue).sum()));
    }

    private Uni<Delivery> deliver(OutboxStore.Item item) {
        return Spans.around(tracer, "outbox deliver", span -> {
            span.setAttribute(Spans.MERCHANT_REFUND_ID, item.refund().merchantRefundId())
                    .setAttribute(Spans.CONNECTOR, item.refund().connector())
                    .setAttribute("refract.outbox.kind", item.kind())
                    .setAttribute("refract.outbox.event_type", item.eventType())
                    .setAttribute("refract.outbox.attempt", item.attempts() + 1);
            return send(item);
        });
    }

    private Uni<Delivery> send(OutboxStore.Item item) {
        if (!item.isCredyt()) {
            return notifier.deliver(item);
        }
        return accounts.forMerchant(item.merchantId()).chain(list -> {
            ConnectorAccount account = list.stream()
                    .filter(a -> a.connector().equals(wallet.name()) && a.enabled())
                    .findFirst()
                    .orElse(null);
            if (account == null) {
                // the merchant switched Credyt off after the refund: retrying would not help, an operator might
                return Uni.createFrom().item(Delivery.retryLater("the wallet is not enabled for the merchant"));
            }
            return wallet.adjust(account, item.refund(), item.isReversal());
        });
    }
}
