package dev.refract.console;

import dev.refract.refund.Refund;
import dev.refract.refund.RefundState;
import dev.refract.store.ConsoleStore;
import java.time.Instant;

/** The rows several pages list: refunds (with why they are listed) and outbox items. */
final class Rows {

    private Rows() {}

    static Views.RefundRow refund(Refund r, Instant now) {
        String why = "";
        if (r.state() == RefundState.MANUAL_REVIEW && r.failure() != null) {
            why = r.failure().code().wire() + ": " + r.failure().message();
        } else if (r.state().inFlight()) {
            why = r.attempts() + " attempts" + (r.connectorStatus() == null ? "" : ", PSP says " + r.connectorStatus());
        } else if (r.external()) {
            why = "made outside Refract";
        }
        return new Views.RefundRow(
                r.merchantId(),
                r.merchantRefundId(),
                Links.refund(r.merchantId(), r.merchantRefundId()),
                r.status().name(),
                r.state().name(),
                r.connector(),
                r.connectorTransactionId(),
                Amounts.format(r.amount()),
                Times.at(r.createdAt()),
                Times.age(r.createdAt(), now),
                why);
    }

    static Views.OutboxRow outbox(ConsoleStore.OutboxItem item) {
        return new Views.OutboxRow(
                item.id(),
                item.kind(),
                item.eventType(),
                item.eventId(),
                item.attempts(),
                Times.at(item.createdAt()),
                item.deliveredAt() == null ? Times.at(item.nextAttemptAt()) : "",
                item.deliveredAt() == null ? "" : Times.at(item.deliveredAt()),
                item.lastError(),
                Links.refund(item.merchantId(), item.merchantRefundId()),
                item.merchantRefundId(),
                item.deliveredAt() == null);
    }
}
