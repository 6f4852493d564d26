package dev.refract.refund;

import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;
import java.util.Map;
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
     */
    public Uni<Void> applyWebhook(String merchantId, String connector, List<WebhookEvent> events) {
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (WebhookEvent event : events) {
            chain = chain.chain(() -> applyWebhookEvent(merchantId, connector, event));
        }
        return chain;
    }

    private Uni<Void> applyWebhookEvent(String merchantId, String connector, WebhookEvent event) {
        return store.recordWebhook(merchantId, connector, event).chain(stored -> {
            if (stored.applied()) {
                return Uni.createFrom().voidItem();
            }
            return store.findForWebhook(merchantId, connector, event.merchantRefundId(), event.connectorRefundId())
                    .chain(refund -> {
                        if (refund == null) {
                            return adopt(merchantId, connector, event, stored.id());
                        }
                        return applyEvent(refund, event, stored.id());
                    });
        });
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
        return paymentMetadata(merchantId, connector, event).chain(metadata -> {
            Refund.Applied adoption =
                    ExternalRefund.adoption(merchantId, connector, event, metadata, refunds.policy(), Instant.now());
            return store.adopt(adoption, event.external().refund().paymentIds()).chain(recorded -> {
                if (recorded.refund() == null) {
                    return Uni.createFrom().voidItem();
                }
                if (recorded.created()) {
                    LOG.infof(
                            "adopted %s refund %s of payment %s, made outside Refract, as %s",
                            connector,
                            event.connectorRefundId(),
                            recorded.refund().connectorTransactionId(),
                            recorded.refund().merchantRefundId());
                    return store.markWebhookApplied(
                            merchantId, webhookId, recorded.refund().id());
                }
                return applyEvent(recorded.refund(), event, webhookId);
            });
        });
    }

    /**
     * The metadata of an external refund: what the event carries, completed, when it lacks the wallet's customer and
     * the merchant has the wallet on, by the payment's metadata as the PSP holds it. A PSP that cannot be asked right
     * now fails the delivery, so that the PSP delivers it again, rather than leave the customer's wallet behind.
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
                        if (lookup instanceof PaymentLookup.Unavailable u) {
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
