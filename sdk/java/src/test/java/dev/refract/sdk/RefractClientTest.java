package dev.refract.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.refract.sdk.model.Money;
import dev.refract.sdk.model.Refund;
import dev.refract.sdk.model.RefundPage;
import dev.refract.sdk.model.RefundRequest;
import dev.refract.sdk.model.RefundStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every method of the client against the packaged service on its sandbox PSP. */
class RefractClientTest {

    static Service.Merchant merchant;
    static RefractClient client;

    @BeforeAll
    static void merchant() {
        Service.require();
        merchant = Service.newMerchant();
        client = Service.client(merchant.apiKey());
    }

    static String unique(String prefix) {
        return prefix + "_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    }

    static RefundRequest request(String id, String payment, long minor) {
        return new RefundRequest()
                .merchantRefundId(id)
                .connectorTransactionId(payment)
                .amount(new Money().minorAmount(minor).currency("USD"))
                .reason("Customer returned item");
    }

    @Test
    void createsARefundAndAnswersTheSameOneOnReplay() {
        String id = unique("rf_java");
        RefundResult first = client.refund(request(id, unique("sbx_10000_USD"), 2500));
        assertFalse(first.replayed());
        assertEquals(200, first.statusCode());
        assertNotNull(first.requestId());
        assertEquals(id, first.refund().getMerchantRefundId());
        assertEquals(RefundStatus.SUCCEEDED, first.refund().getStatus());
        assertEquals(2500L, first.refund().getAmount().getMinorAmount());
        assertEquals("USD", first.refund().getAmount().getCurrency());
        assertEquals("sandbox", first.refund().getConnector());

        RefundResult again = client.refund(request(id, first.refund().getConnectorTransactionId(), 2500));
        assertTrue(again.replayed(), "Idempotent-Replayed: true");
        assertEquals(first.refund().getConnectorRefundId(), again.refund().getConnectorRefundId());
        assertEquals(first.refund().getCreatedAt(), again.refund().getCreatedAt());

        Refund read = client.get(id);
        assertEquals(first.refund().getConnectorRefundId(), read.getConnectorRefundId());
        assertEquals(RefundStatus.SUCCEEDED, read.getStatus());
    }

    @Test
    void theSameIdWithOtherParametersIsAConflict() {
        String id = unique("rf_java");
        String payment = unique("sbx_10000_USD");
        client.refund(request(id, payment, 1000));
        RefractException.IdempotencyConflict e = assertThrows(
                RefractException.IdempotencyConflict.class, () -> client.refund(request(id, payment, 1500)));
        assertEquals(409, e.httpStatus());
        assertEquals("idempotency_conflict", e.code());
        assertTrue(e.requestId().isPresent());
        assertEquals(1, e.attempts(), "a 409 is never retried");
    }

    @Test
    void moreThanRefundableIsA422NamingTheAmount() {
        String payment = unique("sbx_10000_USD");
        RefractException.AmountExceedsRefundable e = assertThrows(
                RefractException.AmountExceedsRefundable.class,
                () -> client.refund(request(unique("rf_java"), payment, 10001)));
        assertEquals(422, e.httpStatus());
        assertEquals("amount_exceeds_refundable", e.code());
        assertEquals("amount", e.param().orElseThrow());
        assertTrue(e.requestId().orElseThrow().length() > 0);
        assertTrue(e.getMessage().contains("amount_exceeds_refundable"), e.getMessage());
    }

    @Test
    void aBadFieldIsAnInvalidRequestNamingIt() {
        RefundRequest lowerCase = request(unique("rf_java"), unique("sbx_10000_USD"), 100);
        lowerCase.getAmount().setCurrency("usd");
        RefractException.InvalidRequest e =
                assertThrows(RefractException.InvalidRequest.class, () -> client.refund(lowerCase));
        assertEquals(400, e.httpStatus());
        assertEquals("invalid_currency", e.code());
        assertEquals("amount.currency", e.param().orElseThrow());
    }

    @Test
    void aDeclineIsARefundNotAnException() {
        String id = unique("rf_java");
        RefundResult declined = client.refund(
                request(id, unique("sbx_10000_USD"), 700).connectorOptions(Map.of("sandbox_outcome", "declined")));
        assertEquals(402, declined.statusCode());
        assertEquals(RefundStatus.FAILED, declined.refund().getStatus());
        assertEquals("refund_failed", declined.refund().getError().getCode());
        assertEquals(402, declined.refund().getStatusCode());
    }

    @Test
    void anUnknownRefundIsRefundNotFound() {
        RefractException.RefundNotFound e =
                assertThrows(RefractException.RefundNotFound.class, () -> client.get(unique("missing")));
        assertEquals(404, e.httpStatus());
        assertEquals("refund_not_found", e.code());
    }

    @Test
    void listFollowsTheCursorAcrossPagesNewestFirst() {
        String payment = unique("sbx_10000_USD");
        List<String> created = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            String id = unique("rf_java_list" + i);
            client.refund(request(id, payment, 100));
            created.add(0, id);
        }
        ListParams params = ListParams.all().connectorTransactionId(payment).limit(2);
        RefundPage first = client.listPage(params, null);
        assertEquals(2, first.getData().size());
        assertTrue(first.getHasMore());
        assertNotNull(first.getNextCursor());

        List<String> listed = new ArrayList<>();
        client.list(params).forEach(r -> listed.add(r.getMerchantRefundId()));
        assertEquals(created, listed, "all five, newest first, none twice, across three pages");
        assertEquals(
                created, client.stream(params).map(Refund::getMerchantRefundId).collect(Collectors.toList()));
        List<String> succeeded = new ArrayList<>();
        client.list(ListParams.all()
                        .connectorTransactionId(payment)
                        .status(RefundStatus.FAILED)
                        .limit(2))
                .forEach(r -> succeeded.add(r.getMerchantRefundId()));
        assertEquals(List.of(), succeeded);
    }

    @Test
    void syncAsksThePspAndAnswersTheRefundAsUpdated() throws InterruptedException {
        String id = unique("rf_java_sync");
        RefundResult pending = client.refund(request(id, unique("sbx_10000_USD"), 1200)
                .connectorOptions(Map.of("sandbox_outcome", "pending", "sandbox_settle_ms", 300)));
        assertEquals(RefundStatus.PENDING, pending.refund().getStatus());
        Instant deadline = Instant.now().plusSeconds(15);
        Refund synced = client.sync(id);
        while (synced.getStatus() == RefundStatus.PENDING && Instant.now().isBefore(deadline)) {
            TimeUnit.MILLISECONDS.sleep(200);
            synced = client.sync(id);
        }
        assertEquals(RefundStatus.SUCCEEDED, synced.getStatus());
        assertEquals(1200L, synced.getAmount().getMinorAmount());
        assertNotNull(synced.getConnectorRefundId());
    }

    @Test
    void cancelOnTheSandboxIsNotCancellable() {
        String id = unique("rf_java_cancel");
        client.refund(request(id, unique("sbx_10000_USD"), 300));
        RefractException.NotCancellable e =
                assertThrows(RefractException.NotCancellable.class, () -> client.cancel(id));
        assertEquals(409, e.httpStatus());
        assertEquals("not_cancellable", e.code());
        assertTrue(e.requestId().isPresent());
        assertEquals(RefundStatus.SUCCEEDED, client.get(id).getStatus(), "nothing changed");
    }

    @Test
    void aWrongKeyIsAnAuthenticationErrorThatDoesNotRepeatTheKey() {
        String wrong = "rk_wrong_" + UUID.randomUUID();
        RefractClient stranger = Service.client(wrong);
        RefractException.Authentication e =
                assertThrows(RefractException.Authentication.class, () -> stranger.get("anything"));
        assertEquals(401, e.httpStatus());
        assertEquals("authentication_required", e.code());
        assertFalse(e.getMessage().contains(wrong));
        assertFalse(e.toString().contains(wrong));
        assertFalse(stranger.toString().contains(wrong));
        assertNull(e.getCause());
    }

    @Test
    void aNotificationIsReceivedAndVerified() throws Exception {
        String secret = "whsec_java_" + UUID.randomUUID();
        Service.Merchant notified = Service.newMerchant();
        RefractClient notifiedClient = Service.client(notified.apiKey());
        try (Receiver receiver = new Receiver()) {
            Service.setWebhook(notified.id(), receiver.url(), secret);
            String id = unique("rf_java_notify");
            notifiedClient.refund(request(id, unique("sbx_10000_USD"), 900));

            Receiver.Delivery delivery = null;
            Notifications.Notification notification = null;
            Instant deadline = Instant.now().plusSeconds(30);
            while (notification == null || !"refund.succeeded".equals(notification.type())) {
                long left = Duration.between(Instant.now(), deadline).toMillis();
                delivery = receiver.deliveries.poll(Math.max(left, 1), TimeUnit.MILLISECONDS);
                assertNotNull(delivery, "refund.succeeded was not delivered within 30 s");
                // another secret first: any secret that matches is enough (a secret being rolled)
                notification = Notifications.verifyNotification(
                        delivery.body(),
                        delivery.signature(),
                        List.of("whsec_previous", secret),
                        Duration.ofMinutes(5));
            }
            assertEquals(id, notification.data().getMerchantRefundId());
            assertEquals(RefundStatus.SUCCEEDED, notification.data().getStatus());
            assertEquals(900L, notification.data().getAmount().getMinorAmount());
            assertTrue(notification.id().startsWith("evt_"));

            byte[] body = delivery.body();
            String header = delivery.signature();
            assertThrows(
                    Notifications.SignatureVerificationException.class,
                    () -> Notifications.verifyNotification(
                            body, header, List.of("whsec_other"), Duration.ofMinutes(5)));
            long t = Long.parseLong(header.substring(2, header.indexOf(',')));
            assertThrows(
                    Notifications.SignatureVerificationException.class,
                    () -> Notifications.verifyNotification(
                            body, header, List.of(secret), Duration.ofMinutes(5), Instant.ofEpochSecond(t + 301)),
                    "a notification replayed six minutes later is refused");
        }
    }
}
