package dev.refract.reconcile;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.refract.refund.Refund;
import dev.refract.support.Api;
import dev.refract.support.Db;
import dev.refract.support.PostgresResource;
import dev.refract.support.PspStandIn;
import dev.refract.support.Reconciling;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Marqeta lists refunds per credit account, paged by {@code start_index} and {@code count} (seed 004): a run lists
 * each credit account Refract has refunded, page by page, and then looks for what none of them showed.
 */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(PspStandIn.class)
class MarqetaReconciliationTest {

    static String refund(String account, String token, BigDecimal amount, String status) {
        return """
                {"token": "%s", "account_token": "%s", "status": "%s", "method": "ACH", "type": "PAYMENT_REFUND",
                 "amount": %s, "currency_code": "USD", "created_time": "%s", "updated_time": "%s"}""".formatted(token, account, status, amount.toPlainString(), Instant.now(), Instant.now());
    }

    static String page(int start, boolean more, List<String> refunds) {
        return """
                {"count": %d, "start_index": %d, "end_index": %d, "is_more": %s, "data": [%s]}""".formatted(refunds.size(), start, start + refunds.size() - 1, more, String.join(",", refunds));
    }

    /** A refund through the API; Marqeta answers it in {@code status} under Refract's token for it. */
    static String create(Api.TestMerchant m, String account, long cents, String status) {
        String merchantRefundId = Reconciling.id("mq_");
        String token = Refund.pspReferenceFor(m.id(), merchantRefundId);
        PspStandIn.server()
                .stubFor(post(urlEqualTo("/marqeta/credit/accounts/" + account + "/refunds"))
                        .withRequestBody(com.github.tomakehurst.wiremock.client.WireMock.containing(token))
                        .willReturn(okJson(refund(account, token, BigDecimal.valueOf(cents, 2), status))));
        m.create(
                        Api.body(
                                merchantRefundId,
                                account,
                                cents,
                                "USD",
                                "\"connector\":\"marqeta\",\"connector_options\":{\"method\":\"ACH\",\"type\":\"PAYMENT_REFUND\"}"))
                .then()
                .statusCode(200);
        Reconciling.named(m.id(), merchantRefundId);
        return merchantRefundId;
    }

    @Test
    void eachCreditAccountIsListedPageByPage() {
        Instant from = Instant.now().minusSeconds(5);
        Api.TestMerchant m = Api.newMerchant();
        m.useConnector("marqeta", "{\"credentials\":{\"username\":\"app\",\"password\":\"secret\"}}");
        String accountA = Reconciling.id("acct_a");
        String accountB = Reconciling.id("acct_b");
        String done = create(m, accountA, 1_000, "COMPLETED");
        String quiet = create(m, accountA, 250, "INITIATED");
        String gone = create(m, accountB, 700, "COMPLETED");
        String outside = Reconciling.id("tok_outside");
        PspStandIn.server()
                .stubFor(get(urlPathEqualTo("/marqeta/credit/accounts/" + accountA + "/refunds"))
                        .withQueryParam("start_index", equalTo("0"))
                        .withQueryParam("count", equalTo("100"))
                        .willReturn(okJson(page(
                                0,
                                true,
                                List.of(
                                        refund(
                                                accountA,
                                                Refund.pspReferenceFor(m.id(), done),
                                                new BigDecimal("10.00"),
                                                "COMPLETED"),
                                        refund(
                                                accountA,
                                                Refund.pspReferenceFor(m.id(), quiet),
                                                new BigDecimal("2.50"),
                                                "COMPLETED"))))));
        PspStandIn.server()
                .stubFor(get(urlPathEqualTo("/marqeta/credit/accounts/" + accountA + "/refunds"))
                        .withQueryParam("start_index", equalTo("2"))
                        .willReturn(okJson(page(
                                2, false, List.of(refund(accountA, outside, new BigDecimal("25.00"), "COMPLETED"))))));
        PspStandIn.server()
                .stubFor(get(urlPathEqualTo("/marqeta/credit/accounts/" + accountB + "/refunds"))
                        .willReturn(okJson(page(0, false, List.of()))));

        JsonPath run = Reconciling.workAndRead(Reconciling.start(m.id(), "marqeta", from, Instant.now()));

        assertEquals("completed", run.getString("status"));
        assertEquals(2, run.getInt("counts.matched"));
        assertEquals(1, run.getInt("counts.adopted"));
        assertEquals(1, run.getInt("counts.missing_at_psp"));
        assertEquals(0, run.getInt("counts.mismatched"));
        assertEquals("SUCCEEDED", StatusReadReconciliationTest.state(m, quiet));
        assertEquals(
                gone,
                StripeReconciliationTest.exception(run.getList("exceptions"), "missing_at_psp")
                        .get("merchant_refund_id"));
        // the refund made outside Refract is adopted on its credit account, for its 25.00
        assertEquals(
                2_500L,
                ((Number) Db.one(
                                        "select amount_minor from refunds where merchant_id = ? and merchant_refund_id = ?",
                                        m.id(),
                                        "external:marqeta:" + outside)
                                .get("amount_minor"))
                        .longValue());
        assertEquals(
                accountA,
                Db.one("select connector_transaction_id from refunds where merchant_id = ? and external", m.id())
                        .get("connector_transaction_id"));
        assertEquals(
                2,
                PspStandIn.server()
                        .findAll(getRequestedFor(urlPathEqualTo("/marqeta/credit/accounts/" + accountA + "/refunds")))
                        .size());
    }
}
