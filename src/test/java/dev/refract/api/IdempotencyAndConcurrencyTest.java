package dev.refract.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.refract.connector.sandbox.SandboxConnector;
import dev.refract.support.Api;
import dev.refract.support.Db;
import dev.refract.support.PostgresResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.hamcrest.Matchers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The promises under concurrency: one refund per merchant_refund_id, never more than was captured. */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
class IdempotencyAndConcurrencyTest {

    @Inject
    SandboxConnector sandbox;

    /** A part of the payment, all of it, and all of it by omitting the amount: the losers must get replays. */
    @ParameterizedTest
    @ValueSource(longs = {2_500L, 10_000L, -1L})
    void twentyConcurrentIdenticalCreatesMakeOneRefundAndOnePspCall(long amount) throws Exception {
        Api.TestMerchant merchant = Api.newMerchant();
        String payment = Api.payment(10_000, "USD");
        String id = Api.refundId();
        String body = Api.body(id, payment, amount < 0 ? null : amount, "USD", null);

        List<Response> responses = concurrently(20, () -> merchant.create(body));

        assertEquals(
                20,
                responses.stream().filter(r -> r.statusCode() == 200).count(),
                "every identical request is answered 200: " + statuses(responses));
        assertEquals(
                1,
                responses.stream()
                        .filter(r -> r.header(RefundResource.REPLAYED) == null)
                        .count(),
                "exactly one answer is the original, the rest are replays");
        assertEquals(
                1,
                responses.stream()
                        .map(r -> r.<String>path("merchant_refund_id"))
                        .distinct()
                        .count());
        assertEquals(1, Db.count("select count(*) from refunds where merchant_id = ?", merchant.id()));
        assertEquals(1, sandbox.refundsAtPsp(merchant.id(), payment), "one refund at the PSP");
        Db.assertLedgerConsistent(merchant.id(), payment);
    }

    @Test
    void tenConcurrentPartialRefundsNeverExceedTheCapturedAmount() throws Exception {
        Api.TestMerchant merchant = Api.newMerchant();
        String payment = Api.payment(10_000, "USD");

        List<Response> responses =
                concurrently(10, () -> merchant.create(Api.body(Api.refundId(), payment, 2_000L, "USD", null)));

        Map<Integer, Long> byStatus =
                responses.stream().collect(Collectors.groupingBy(Response::statusCode, Collectors.counting()));
        assertEquals(Map.of(200, 5L, 422, 5L), byStatus);
        responses.stream()
                .filter(r -> r.statusCode() == 422)
                .forEach(r -> assertEquals("amount_exceeds_refundable", r.path("error.code")));
        assertEquals(
                5,
                Db.count("select count(*) from refunds where merchant_id = ? and state = 'SUCCEEDED'", merchant.id()));
        Map<String, Object> ledger = Db.one(
                "select captured_minor, in_flight_minor, refunded_minor from payment_ledger "
                        + "where merchant_id = ? and connector_transaction_id = ?",
                merchant.id(),
                payment);
        assertEquals(10_000L, ((Number) ledger.get("captured_minor")).longValue());
        assertEquals(10_000L, ((Number) ledger.get("refunded_minor")).longValue());
        assertEquals(0L, ((Number) ledger.get("in_flight_minor")).longValue());
        assertEquals(5, sandbox.refundsAtPsp(merchant.id(), payment));
        Db.assertLedgerConsistent(merchant.id(), payment);
    }

    @Test
    void replayAfterTheRefundSettledShowsItAsItIsNow() {
        Api.TestMerchant merchant = Api.newMerchant();
        String id = Api.refundId();
        String body = Api.body(
                id, Api.payment(10_000, "USD"), 100L, "USD", "\"connector_options\":{\"sandbox_outcome\":\"pending\"}");
        merchant.create(body).then().statusCode(200).header(RefundResource.REPLAYED, (String) null);
        merchant.sync(id).then().statusCode(200);
        merchant.create(body)
                .then()
                .statusCode(200)
                .header(RefundResource.REPLAYED, "true")
                .body("status", Matchers.equalTo("SUCCEEDED"));
    }

    @Test
    void declinedRefundIsReplayedAs402() {
        Api.TestMerchant merchant = Api.newMerchant();
        String body = Api.body(
                Api.refundId(),
                Api.payment(10_000, "USD"),
                100L,
                "USD",
                "\"connector_options\":{\"sandbox_outcome\":\"declined\"}");
        merchant.create(body).then().statusCode(402);
        merchant.create(body)
                .then()
                .statusCode(402)
                .header(RefundResource.REPLAYED, "true")
                .body("status_code", Matchers.equalTo(402));
    }

    static List<Response> concurrently(int n, Callable<Response> call) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Response>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                futures.add(pool.submit(() -> {
                    start.await();
                    return call.call();
                }));
            }
            start.countDown();
            List<Response> responses = new ArrayList<>();
            for (Future<Response> f : futures) {
                responses.add(f.get());
            }
            return responses;
        } finally {
            pool.shutdownNow();
        }
    }

    private static List<Integer> statuses(List<Response> responses) {
        return responses.stream().map(Response::statusCode).toList();
    }
}
