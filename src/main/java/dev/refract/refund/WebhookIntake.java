package dev.refract.refund;

import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.jboss.logging.Logger;

/**
 * What verified PSP webhooks do: each event is stored before it is applied, applied to its refund through the
 * state machine, or, for a refund Refract did not make, adopted as an external refund ({@link ExternalRefund}).
 */
@ApplicationScoped
public class WebhookIntake {

    private static final Logger LOG = Logger.getLogger(WebhookIntake.class);

    private final RefundStore store;
    private final ConnectorRegistry registry;
    private final RefundService refunds;
    private final Wallet wallet;

    WebhookIntake(RefundStore store, ConnectorRegistry registry, RefundService refunds, Wallet wallet) {
        this.store = store;
        this.registry = registry;
        this.refunds = refunds;
        this.wallet = wallet;
    }

    /**
     * Applies verified PSP webhook events, one after the other in delivery order: each is stored first, a
     * redelivery changes nothing, an event for a refund Refract did not make is adopted as an external refund, and the
     * state machine decides the rest (so late or out-of-order events never move a refund backwards).
     *
     * <p>Fails only when Refract cannot work now (its database, a PSP it must ask first): the PSP then delivers again.
     * Whatever an event says, a resend would say it again, so no event fails the delivery for what it says: one for
     * another PSP account than {@code pspAccount} ({@link VerifiesWebhooks#webhookAccount}), one naming another
     * merchant's refund, one Refract cannot read, are logged for an operator and not applied, and the other events of
     * the delivery are applied all the same.
     */
    public Uni<Void> applyWebhook(String merchantId, String connector, String pspAccount, List<WebhookEvent> events) {
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (WebhookEvent event : events) {
            chain = chain.chain(() -> applyOne(merchantId, connector, pspAccount, event));
        }
        return chain;
    }

    private Uni<Void> applyOne(String merchantId, String connector, String pspAccount, WebhookEvent event) {
        if (!Objects.equals(event.pspAccount(), pspAccount)) {
            // not this merchant's: another account's refunds are not its books, and not its data to keep either
            LOG.warnf(
                    "%s webhook event %s at merchant %s's endpoint is for PSP account %s, not the merchant's (%s);"
                            + " acknowledged, neither kept nor applied",
                    connector, event.eventId(), merchantId, named(event.pspAccount()), named(pspAccount));
            return Uni.createFrom().voidItem();
        }
        // A failure that is not Refract being unable to work now is a defect of Refract's met by this event: a resend
        // would meet it again and hold back the rest of the delivery, so it is logged and acknowledged.
        return Uni.createFrom()
                .deferred(() -> store.recordWebhook(merchantId, connector, event))
                .onFailure(failure -> !cannotWorkNow(failure))
                .recoverWithItem(failure -> {
                    LOG.errorf(
                            failure,
                            "%s webhook event %s of merchant %s could not be stored; acknowledged, the PSP's event log"
                                    + " holds it",
                            connector,
                            event.eventId(),
                            merchantId);
                    return null;
                })
                .chain(stored -> stored == null || stored.applied()
                        ? Uni.createFrom().voidItem()
                        : Uni.createFrom()
                                .deferred(() -> applyStored(merchantId, connector, event, stored.id()))
                                .onFailure(failure -> !cannotWorkNow(failure))
                                .recoverWithItem(failure -> {
                                    LOG.errorf(
                                            failure,
                                            "%s webhook event %s of merchant %s could not be applied; acknowledged,"
                                                    + " kept unapplied",
                                            connector,
                                            event.eventId(),
                                            merchantId);
                                    return null;
                                }));
    }

    /** Refract cannot work now: its database refuses, a PSP it must ask cannot be asked, a refund keeps changing. */
    private boolean cannotWorkNow(Throwable failure) {
        return failure instanceof RefundError.PspUnreachable
                || failure instanceof RefundStore.StaleRefund
                || store.isUnavailable(failure);
    }

    /** A stored event not applied yet: applied, adopted, or kept for an operator with the reason logged. */
    private Uni<Void> applyStored(String merchantId, String connector, WebhookEvent event, long webhookId) {
        String unreadable = event.unreadable() != null
                ? event.unreadable()
                : event.carriesNul() ? "it carries a NUL character, which no PSP id or word holds" : null;
        if (unreadable != null) {
            LOG.warnf(
                    "%s webhook event %s of merchant %s cannot be read: %s; kept for reconciliation, not applied",
                    connector, event.eventId(), merchantId, unreadable);
            return Uni.createFrom().voidItem();
        }
        return store.findForWebhook(merchantId, connector, event.merchantRefundId(), event.connectorRefundId())
                .chain(match -> {
                    if (match.refund() != null) {
                        return applyEvent(match.refund(), event, webhookId);
                    }
                    if (match.otherMerchant() != null) {
                        LOG.warnf(
                                "%s webhook event %s at merchant %s's endpoint names refund %s of merchant %s (one"
                                        + " PSP account for both?); kept for reconciliation, applied to neither",
                                connector,
                                event.eventId(),
                                merchantId,
                                event.connectorRefundId(),
                                match.otherMerchant());
                        return Uni.createFrom().voidItem();
                    }
                    return adopt(merchantId, connector, event, webhookId);
                });
    }

    private static String named(String pspAccount) {
        return pspAccount == null ? "none" : pspAccount;
    }

    private Uni<Void> applyEvent(Refund refund, WebhookEvent event, long webhookId) {
        Uni<Refund> applied = event.outcome() == null
                ? Uni.createFrom().item(refund)
                : refunds.applyOutcome(refund, event.outcome(), Cause.WEBHOOK, false);
        return applied.chain(r -> store.markWebhookApplied(r.merchantId(), webhookId, r.id()));
    }

    /**
     * An event for a refund Refract does not know: a refund made outside Refract, adopted as an external refund
     * of its payment ({@link ExternalRefund}); when another event adopted it first, this one is applied to it. An
     * event that describes no refund, or one the payment's ledger refuses, is kept for reconciliation.
     */
    private Uni<Void> adopt(String merchantId, String connector, WebhookEvent event, long webhookId) {
        if (event.external() == null) {
            LOG.infof(
                    "%s webhook %s is for a refund Refract does not know; kept for reconciliation",
                    connector, event.eventId());
            return Uni.createFrom().voidItem();
        }
        if (!ExternalRefund.describesARefund(event)) {
            LOG.infof(
                    "%s webhook %s describes no refund that can be recorded; kept for reconciliation",
                    connector, event.eventId());
            return Uni.createFrom().voidItem();
        }
        return adoptExternal(merchantId, connector, event, Cause.WEBHOOK).chain(recorded -> {
            if (recorded.refund() == null) {
                return Uni.createFrom().voidItem();
            }
            if (recorded.created()) {
                return store.markWebhookApplied(
                        merchantId, webhookId, recorded.refund().id());
            }
            return applyEvent(recorded.refund(), event, webhookId);
        });
    }

    /**
     * Records the refund an event describes, made outside Refract, as an external refund of its payment: its ledger
     * row counts it, and the merchant's notification and the customer's wallet follow, as for any refund. Answers it
     * with {@code created} true; the refund adopted before (by another event, or by reconciliation) with
     * {@code created} false and nothing written; a null refund when the payment's ledger refuses it. Reconciliation,
     * which finds such refunds in the PSP's books, adopts them here too, with its own {@code cause}.
     */
    public Uni<RefundStore.Recorded> adoptExternal(
            String merchantId, String connector, WebhookEvent event, Cause cause) {
        return paymentMetadata(merchantId, connector, event).chain(metadata -> {
            Refund.Applied adoption = ExternalRefund.adoption(
                    merchantId, connector, event, metadata, refunds.policy(), Instant.now(), cause);
            return store.adopt(adoption, event.external().refund().paymentIds()).invoke(recorded -> {
                // reconciliation keeps its own record of what it adopted, one row per refund of its run
                if (recorded.created() && cause == Cause.WEBHOOK) {
                    LOG.infof(
                            "adopted %s refund %s of payment %s, made outside Refract, as %s",
                            connector,
                            event.connectorRefundId(),
                            recorded.refund().connectorTransactionId(),
                            recorded.refund().merchantRefundId());
                }
            });
        });
    }

    /**
     * The metadata of an external refund: what the event carries, completed, when it lacks the wallet's customer and
     * the merchant has the wallet on, by the payment's metadata as the PSP holds it. A PSP that cannot be asked right
     * now fails the delivery, so that the PSP delivers it again, rather than leave the customer's wallet behind. A PSP
     * that cannot tell, now or ever (no lookup, an answer without the payment), leaves the metadata the event carries:
     * a resend could not change that.
     */
    private Uni<Map<String, String>> paymentMetadata(String merchantId, String connector, WebhookEvent event) {
        Map<String, String> carried = event.external().metadata();
        if (carried.containsKey(Wallet.CUSTOMER_KEY)) {
            return Uni.createFrom().item(carried);
        }
        return store.accounts(merchantId).chain(accounts -> {
            boolean credyt =
                    accounts.stream().anyMatch(a -> a.enabled() && a.connector().equals(wallet.name()));
            Connector psp = registry.find(connector).orElse(null);
            ConnectorAccount account = accounts.stream()
                    .filter(a -> a.connector().equals(connector))
                    .findFirst()
                    .orElse(null);
            if (!credyt || psp == null || account == null) {
                return Uni.createFrom().item(carried);
            }
            return psp.lookupPayment(
                            account, event.external().refund().paymentIds().get(0))
                    .map(lookup -> {
                        if (lookup instanceof PaymentLookup.Unreachable u) {
                            throw new RefundError.PspUnreachable(connector + " could not be asked for payment "
                                    + event.external().refund().paymentIds().get(0) + ": " + u.reason());
                        }
                        Map<String, String> merged =
                                new TreeMap<>(lookup instanceof PaymentLookup.Captured c ? c.metadata() : Map.of());
                        merged.putAll(carried);
                        return merged;
                    });
        });
    }
}
