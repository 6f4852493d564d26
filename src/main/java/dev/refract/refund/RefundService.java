package dev.refract.refund;

import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * The refund use cases: create, get, sync, list, and the janitor's reconcile. The flow is record first (the
 * amount reserved in the payment's ledger, on the totals it was decided on), then the PSP call outside any
 * transaction, then the outcome applied under optimistic locking. Whatever does not finish is left scheduled for
 * the janitor.
 */
@ApplicationScoped
public class RefundService {

    private static final Logger LOG = Logger.getLogger(RefundService.class);
    private static final int SAVE_ATTEMPTS = 12;

    private final RefundStore store;
    private final ConnectorRegistry registry;
    private final RetryPolicy policy;

    RefundService(RefundStore store, ConnectorRegistry registry, RetrySettings settings) {
        this.store = store;
        this.registry = registry;
        this.policy = RetryPolicy.of(settings, () -> ThreadLocalRandom.current().nextDouble());
    }

    /** The retry policy refunds are scheduled by. */
    RetryPolicy policy() {
        return policy;
    }

    /** The refund and whether it is the stored answer to an earlier identical request. */
    public record Created(Refund refund, boolean replayed) {}

    public Uni<Created> create(Merchant merchant, CreateRefund command) {
        return store.lookup(merchant.id(), command.merchantRefundId(), command.connectorTransactionId())
                .chain(found -> found.existing() != null
                        ? Uni.createFrom().item(replay(found.existing(), command))
                        : enabledAccounts(merchant.id())
                                .chain(enabled -> routeAndRecord(merchant, command, enabled, found.payment())));
    }

    private Uni<Created> routeAndRecord(
            Merchant merchant,
            CreateRefund command,
            Map<String, ConnectorAccount> enabled,
            RefundStore.RecordedPayment recorded) {
        Map<String, Connector> connectors = enabled.keySet().stream().collect(Collectors.toMap(n -> n, registry::get));
        Connector connector = ConnectorRouter.resolve(
                command.connector(),
                recorded == null ? null : recorded.connector(),
                command.connectorTransactionId(),
                connectors,
                merchant.defaultConnector(),
                registry);
        connector.validateOptions(command.connectorOptions());
        if (command.amount() != null) {
            connector.validateAmount(command.amount());
        }
        ConnectorAccount account = enabled.get(connector.name());
        boolean capturedKnown = recorded != null && recorded.ledger().capturedKnown();
        return captured(connector, account, command, capturedKnown)
                .chain(captured -> store.record(new Recording(
                        merchant.id(),
                        command,
                        connector.name(),
                        captured,
                        Instant.now().plus(policy.submitGrace()),
                        recorded == null ? null : recorded.ledger())))
                .chain(recordedRefund -> recordedRefund.created()
                        ? submit(connector, account, recordedRefund.refund())
                        : Uni.createFrom().item(replay(recordedRefund.refund(), command)));
    }

    /** The captured amount to check against: the merchant's word, else the PSP's, else none (null). */
    private Uni<Money> captured(
            Connector connector, ConnectorAccount account, CreateRefund command, boolean alreadyKnown) {
        if (command.paymentAmount() != null || alreadyKnown) {
            return Uni.createFrom().item(command.paymentAmount());
        }
        return connector
                .lookupPayment(account, command.connectorTransactionId())
                .map(lookup -> {
                    if (lookup instanceof PaymentLookup.Captured c) {
                        return c.amount();
                    }
                    if (lookup instanceof PaymentLookup.NotFound) {
                        throw new RefundError.TransactionNotFound(
                                connector.name() + " does not know payment " + command.connectorTransactionId());
                    }
                    return null;
                });
    }

    private Uni<Created> submit(Connector connector, ConnectorAccount account, Refund refund) {
        return callPsp(() -> connector.submit(account, refund))
                .chain(outcome -> applyOutcomeTo(refund, outcome, Cause.PSP))
                .onFailure()
                .recoverWithItem(failure -> {
                    // The refund is recorded and scheduled: the janitor resends it with the same PSP
                    // idempotency key, so answering PENDING now loses nothing.
                    LOG.errorf(
                            failure,
                            "could not record the PSP outcome of refund %d; the janitor will settle it",
                            refund.id());
                    return refund;
                })
                .map(r -> new Created(r, false));
    }

    private Created replay(Refund existing, CreateRefund command) {
        if (!existing.fingerprint().equals(command.fingerprint())) {
            throw new RefundError.IdempotencyConflict(command.merchantRefundId());
        }
        return new Created(existing, true);
    }

    public Uni<Refund> get(Merchant merchant, String merchantRefundId) {
        if (!CreateRefund.isMerchantRefundId(merchantRefundId)) {
            // no refund can have such an id: answered without asking the database
            return Uni.createFrom().failure(new RefundError.RefundNotFound(merchantRefundId));
        }
        return store.find(merchant.id(), merchantRefundId).map(r -> {
            if (r == null) {
                throw new RefundError.RefundNotFound(merchantRefundId);
            }
            return r;
        });
    }

    /** Asks the PSP for the refund's status now; a PSP without a status endpoint leaves it as it is. */
    public Uni<Refund> sync(Merchant merchant, String merchantRefundId) {
        return get(merchant, merchantRefundId).chain(refund -> {
            Connector connector = registry.find(refund.connector()).orElse(null);
            if (!(connector instanceof SyncsRefunds syncs) || refund.state() == RefundState.RECEIVED) {
                return Uni.createFrom().item(refund);
            }
            return account(refund)
                    .chain(account -> callPsp(() -> syncs.sync(account, refund)))
                    // an answer that is not the PSP's status counts toward MANUAL_REVIEW, as the janitor's reads do
                    .chain(outcome -> applyOutcome(refund, outcome, Cause.SYNC, outcome instanceof Outcome.Unknown));
        });
    }

    /**
     * Cancels a refund still in flight where the PSP allows it: answered FAILED with {@code refund_cancelled},
     * or {@link RefundError.NotCancellable} when the connector cannot or the PSP refuses.
     */
    public Uni<Refund> cancel(Merchant merchant, String merchantRefundId) {
        return get(merchant, merchantRefundId).chain(refund -> {
            Connector connector = registry.find(refund.connector()).orElse(null);
            if (!(connector instanceof CancelsRefunds cancels)) {
                throw new RefundError.NotCancellable("connector " + refund.connector() + " cannot cancel refunds");
            }
            if (!refund.state().inFlight() || refund.connectorRefundId() == null) {
                throw new RefundError.NotCancellable("refund " + merchantRefundId + " is " + refund.status()
                        + (refund.connectorRefundId() == null ? " and not yet known to the PSP" : "")
                        + "; only a refund the PSP holds in flight can be cancelled");
            }
            if (!cancels.cancellableIn(refund.connectorStatus())) {
                throw new RefundError.NotCancellable("refund " + merchantRefundId + " is " + refund.connectorStatus()
                        + " at " + refund.connector() + ", which cannot cancel it in that status");
            }
            return account(refund)
                    .chain(account -> callPsp(() -> cancels.cancel(account, refund)))
                    .chain(outcome -> applyOutcome(refund, outcome, Cause.API, false))
                    .map(updated -> {
                        boolean cancelled = updated.state() == RefundState.FAILED
                                && updated.failure() != null
                                && updated.failure().code() == ErrorCode.REFUND_CANCELLED;
                        if (!cancelled) {
                            throw new RefundError.NotCancellable("the PSP did not cancel refund " + merchantRefundId
                                    + "; it is " + updated.status() + " (" + updated.connectorStatus() + ")");
                        }
                        return updated;
                    });
        });
    }

    /**
     * An operator's decision on a MANUAL_REVIEW refund, recorded with its reason and its operator in the event log,
     * and as the audit trail's {@code audit} entry in the same transaction.
     */
    public Uni<Refund> resolve(
            Merchant merchant,
            String merchantRefundId,
            RefundState to,
            String reason,
            Long refundedMinor,
            AuditEntry audit) {
        return get(merchant, merchantRefundId)
                .chain(refund -> saveWithRetry(
                        refund,
                        r -> r.resolve(to, reason, refundedMinor, audit.actor(), Instant.now()),
                        applied -> store.save(applied, audit)));
    }

    /** Refunds an operator should look at: in MANUAL_REVIEW, or still unsettled after several attempts. */
    public Uni<List<Refund>> stuck(int minAttempts, int limit) {
        return store.stuck(minAttempts, limit);
    }

    public Uni<RefundStore.RefundPage> list(Merchant merchant, RefundStore.RefundFilter filter) {
        return store.list(merchant.id(), filter);
    }

    /**
     * The janitor's work on one claimed refund: give up after the configured attempts, resend what was not
     * sent or whose outcome is unknown (same PSP idempotency key), sync what the PSP accepted.
     */
    public Uni<Refund> reconcile(Refund refund) {
        if (policy.exhausted(refund.attempts())) {
            LOG.warnf(
                    "refund %d (%s) has no final outcome after %d attempts: MANUAL_REVIEW",
                    refund.id(), refund.connector(), refund.attempts());
            return saveWithRetry(refund, r -> r.exhaust(Cause.JANITOR, Instant.now()));
        }
        Connector connector = registry.find(refund.connector()).orElse(null);
        if (connector == null) {
            return applyOutcome(
                    refund,
                    new Outcome.NotSent("connector " + refund.connector() + " is not available"),
                    Cause.JANITOR,
                    false);
        }
        // an external refund is never sent: the PSP made it, so the janitor only ever asks after it
        boolean resend =
                !refund.external() && (refund.state() == RefundState.RECEIVED || refund.state() == RefundState.UNKNOWN);
        if (!resend && !(connector instanceof SyncsRefunds)) {
            // Only a webhook can settle it. Waiting counts as an attempt, so a webhook that never comes ends
            // in MANUAL_REVIEW (which a late webhook still settles) rather than in a refund pending forever.
            return applyOutcome(refund, new Outcome.NotSent("awaiting the PSP's webhook"), Cause.JANITOR, true);
        }
        return account(refund)
                .chain(account -> callPsp(() ->
                        resend ? connector.submit(account, refund) : ((SyncsRefunds) connector).sync(account, refund)))
                .chain(outcome -> applyOutcome(refund, outcome, Cause.JANITOR, true));
    }

    /**
     * Applies the answer to a submission to the refund as it was recorded, without reading it again; only when a
     * webhook or the janitor changed it meanwhile (its version moved) is it read again and the answer re-applied.
     */
    private Uni<Refund> applyOutcomeTo(Refund recorded, Outcome outcome, Cause cause) {
        return store.save(recorded.apply(outcome, cause, true, policy, Instant.now()))
                .onFailure(RefundStore.StaleRefund.class)
                .recoverWithUni(() -> applyOutcome(recorded, outcome, cause, true));
    }

    /** Applies an outcome to the refund as it is now, re-reading it when a concurrent writer got there first. */
    public Uni<Refund> applyOutcome(Refund refund, Outcome outcome, Cause cause, boolean attempted) {
        return saveWithRetry(refund, r -> r.apply(outcome, cause, attempted, policy, Instant.now()));
    }

    /**
     * Reconciliation: the PSP's own record of a refund, applied to the refund as it is now ({@link Refund#reconcile}),
     * re-reading it when a concurrent writer got there first.
     */
    public Uni<Refund> reconcile(Refund refund, Outcome record, boolean operatorResolved) {
        return saveWithRetry(refund, r -> r.reconcile(record, operatorResolved, policy, Instant.now()));
    }

    /** Reads the refund as it is now (by its merchant and id) and saves the change, again when another write won. */
    private Uni<Refund> saveWithRetry(Refund refund, Function<Refund, Refund.Applied> change) {
        return saveWithRetry(refund, change, store::save);
    }

    /** The same, saving through {@code save} (an operator's change writes its audit entry with it). */
    private Uni<Refund> saveWithRetry(
            Refund refund, Function<Refund, Refund.Applied> change, Function<Refund.Applied, Uni<Refund>> save) {
        // writers that collided retry after a short random pause, so that they do not collide again
        return Uni.createFrom()
                .deferred(
                        () -> store.findById(refund.merchantId(), refund.id()).chain(r -> save.apply(change.apply(r))))
                .onFailure(RefundStore.StaleRefund.class)
                .retry()
                .withBackOff(Duration.ofMillis(5), Duration.ofMillis(200))
                .withJitter(0.5)
                .atMost(SAVE_ATTEMPTS);
    }

    /** A connector that fails instead of answering an outcome has a bug; the refund must not be lost to it. */
    private static Uni<Outcome> callPsp(Supplier<Uni<? extends Outcome>> call) {
        return Uni.createFrom().<Outcome>deferred(call).onFailure().recoverWithItem(failure -> {
            LOG.errorf(failure, "connector call failed unexpectedly; treating the outcome as unknown");
            return new Outcome.Unknown("connector error");
        });
    }

    private Uni<ConnectorAccount> account(Refund refund) {
        return enabledAccounts(refund.merchantId()).map(accounts -> {
            ConnectorAccount account = accounts.get(refund.connector());
            return account != null ? account : ConnectorAccount.implicit(refund.merchantId(), refund.connector());
        });
    }

    /**
     * The merchant's enabled connectors with their accounts. A connector that needs no account (the sandbox,
     * where it is switched on) is enabled for every merchant unless the merchant switched it off.
     */
    private Uni<Map<String, ConnectorAccount>> enabledAccounts(String merchantId) {
        return store.accounts(merchantId).map(list -> {
            Map<String, ConnectorAccount> enabled = new TreeMap<>();
            for (Connector c : registry.all()) {
                if (c.needsNoAccount()) {
                    enabled.put(c.name(), ConnectorAccount.implicit(merchantId, c.name()));
                }
            }
            for (ConnectorAccount account : list) {
                if (registry.find(account.connector()).isEmpty() || !account.enabled()) {
                    enabled.remove(account.connector());
                } else {
                    enabled.put(account.connector(), account);
                }
            }
            return enabled;
        });
    }
}
