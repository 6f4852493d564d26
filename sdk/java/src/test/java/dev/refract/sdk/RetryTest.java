package dev.refract.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.refract.sdk.FaultyProxy.Fault;
import dev.refract.sdk.model.Refund;
import dev.refract.sdk.model.RefundStatus;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Retries through a proxy that spoils answers, against the real service: a retried create reuses its
 * merchant_refund_id and one refund results; Retry-After is waited for; other 4xx are never retried; retries end.
 */
class RetryTest {

    static final RetryPolicy FAST =
            new RetryPolicy(3, Duration.ofMillis(50), Duration.ofMillis(200), Duration.ofSeconds(5));

    static Service.Merchant merchant;
    static RefractClient direct;
    FaultyProxy proxy;
    RefractClient viaProxy;
    final List<String> logLines = new ArrayList<>();
    final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord r) {
            logLines.add(r.getMessage());
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    };

    @BeforeAll
    static void merchant() {
        Service.require();
        merchant = Service.newMerchant();
        direct = Service.client(merchant.apiKey());
    }

    @BeforeEach
    void proxy() throws IOException {
        proxy = new FaultyProxy(Service.BASE_URL);
        viaProxy = Service.client(merchant.apiKey(), proxy.url(), FAST);
        Logger sdk = Logger.getLogger("dev.refract.sdk");
        sdk.setLevel(Level.ALL);
        sdk.addHandler(capture);
    }

    @AfterEach
    void close() {
        Logger.getLogger("dev.refract.sdk").removeHandler(capture);
        proxy.close();
        assertTrue(logLines.stream().noneMatch(l -> l.contains(merchant.apiKey())), "the API key is in a log line");
    }

    /** The refunds of this payment, read directly from the service. */
    static List<Refund> refundsOf(String payment) {
        List<Refund> refunds = new ArrayList<>();
        direct.list(ListParams.all().connectorTransactionId(payment)).forEach(refunds::add);
        return refunds;
    }

    @Test
    void aLostAnswerIsRetriedWithTheSameIdAndMakesOneRefund() {
        String id = RefractClientTest.unique("rf_java_drop");
        String payment = RefractClientTest.unique("sbx_10000_USD");
        proxy.failNext(Fault.DROP_ANSWER);

        RefundResult result = viaProxy.refund(RefractClientTest.request(id, payment, 4000));

        List<FaultyProxy.Seen> sent = proxy.seen();
        assertEquals(2, sent.size(), "the first send's answer was lost, the second was answered");
        assertEquals(sent.get(0).body(), sent.get(1).body(), "the retry is the same request");
        assertTrue(sent.get(1).body().contains("\"merchant_refund_id\":\"" + id + "\""));
        assertTrue(result.replayed(), "the first send made the refund; the retry found it");
        assertEquals(RefundStatus.SUCCEEDED, result.refund().getStatus());
        List<Refund> refunds = refundsOf(payment);
        assertEquals(1, refunds.size(), "one refund, not two");
        assertEquals(id, refunds.get(0).getMerchantRefundId());
        assertEquals(4000L, refunds.get(0).getAmount().getMinorAmount());
        assertTrue(logLines.stream().anyMatch(l -> l.contains("no answer")), "the retry is logged: " + logLines);
    }

    @Test
    void a503WithRetryAfterIsWaitedForThenRetriedWithTheSameId() {
        String id = RefractClientTest.unique("rf_java_503");
        String payment = RefractClientTest.unique("sbx_10000_USD");
        proxy.retryAfter("1").failNext(Fault.UNAVAILABLE);

        RefundResult result = viaProxy.refund(RefractClientTest.request(id, payment, 1500));

        List<FaultyProxy.Seen> sent = proxy.seen();
        assertEquals(2, sent.size());
        assertEquals(sent.get(0).body(), sent.get(1).body());
        long waitedMs = (sent.get(1).atNanos() - sent.get(0).atNanos()) / 1_000_000;
        assertTrue(waitedMs >= 1000, "Retry-After: 1 was honoured, retried after " + waitedMs + " ms");
        assertFalse(result.replayed(), "the 503 came from the proxy: the retry made the refund");
        assertEquals(1, refundsOf(payment).size());
    }

    @Test
    void a429IsRetried() {
        String id = RefractClientTest.unique("rf_java_429");
        String payment = RefractClientTest.unique("sbx_10000_USD");
        proxy.retryAfter("0").failNext(Fault.RATE_LIMITED, Fault.RATE_LIMITED);

        RefundResult result = viaProxy.refund(RefractClientTest.request(id, payment, 100));

        assertEquals(3, proxy.seen().size());
        assertEquals(id, result.refund().getMerchantRefundId());
        assertEquals(1, refundsOf(payment).size());
    }

    @Test
    void anOther4xxIsNeverRetried() {
        String payment = RefractClientTest.unique("sbx_10000_USD");
        assertThrows(
                RefractException.AmountExceedsRefundable.class,
                () -> viaProxy.refund(RefractClientTest.request(RefractClientTest.unique("rf_java"), payment, 20000)));
        assertThrows(RefractException.RefundNotFound.class, () -> viaProxy.get("rf_java_missing"));
        assertEquals(2, proxy.seen().size(), "one send each");
    }

    @Test
    void retriesAreBoundedAndTheLastAnswerRaised() {
        String id = RefractClientTest.unique("rf_java_down");
        proxy.retryAfter("0").failNext(Fault.UNAVAILABLE, Fault.UNAVAILABLE, Fault.UNAVAILABLE, Fault.UNAVAILABLE);

        RefractException.ServiceUnavailable e = assertThrows(
                RefractException.ServiceUnavailable.class,
                () -> viaProxy.refund(RefractClientTest.request(id, RefractClientTest.unique("sbx_10000_USD"), 100)));

        assertEquals(4, proxy.seen().size(), "one send and three retries");
        assertEquals(4, e.attempts());
        assertEquals(503, e.httpStatus());
        assertThrows(RefractException.RefundNotFound.class, () -> direct.get(id), "nothing reached the service");
    }

    @Test
    void aRetryAfterLongerThanThePolicyAllowsIsRaisedWithIt() {
        proxy.retryAfter("120").failNext(Fault.RATE_LIMITED);
        RefractException.RateLimited e =
                assertThrows(RefractException.RateLimited.class, () -> viaProxy.get("rf_java_anything"));
        assertEquals(1, proxy.seen().size());
        assertEquals(Duration.ofSeconds(120), e.retryAfter().orElseThrow());
    }

    @Test
    void noAnswerAtAllIsANetworkErrorWithoutTheKey() throws IOException {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        RefractClient nowhere = Service.client(merchant.apiKey(), "http://127.0.0.1:" + closed, FAST);
        RefractException.Network e = assertThrows(RefractException.Network.class, () -> nowhere.get("rf_java_x"));
        assertEquals(4, e.attempts());
        assertEquals(0, e.httpStatus());
        ByteArrayOutputStream trace = new ByteArrayOutputStream();
        e.printStackTrace(new PrintWriter(trace, true));
        assertFalse(trace.toString().contains(merchant.apiKey()), "the API key is in the stack trace");
        assertFalse(nowhere.toString().contains(merchant.apiKey()));
        assertTrue(logLines.size() >= 3, "each retry is logged");
    }
}
