package dev.refract.wallet;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.stripe.net.Webhook;
import dev.refract.outbound.WireJson;
import dev.refract.support.Api;
import dev.refract.support.Db;
import dev.refract.support.PostgresResource;
import dev.refract.support.PspStandIn;
import dev.refract.support.Workers;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.hamcrest.Matchers;
import org.junit.jupiter.api.Test;

/** The Credyt wallet follows refunds made at the PSP: adjustment on success, the opposite on failure after it. */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(PspStandIn.class)
class CredytSinkTest {

    /** The seed document's example, minus expires_at (refund adjustments do not expire). */
    static final String SEED_EXAMPLE = """
            {"transaction_id": "3fa85f64-5717-4562-b3fc-2c963f66afa6", "account_name": "default", "asset": "USD",
             "amount": -20, "description": "Technical failure", "reason": "external_refund"}""";

    @Test
    void aRefundWhoseStripeAnswerContradictsItMovesNoWalletAndIsNotifiedAsManualReview() {
        String customer =
                "cust_" + UUID.randomUUID().toString().replace("-", "").substring(0, 24);
        Api.TestMerchant m = Api.newMerchant();
        Api.admin()
                .body("{\"credentials\":{\"api_key\":\"credyt_key\"},\"settings\":{\"account_name\":\"default\"}}")
                .put("/admin/v1/merchants/" + m.id() + "/connectors/credyt")
                .then()
                .statusCode(200);
        Api.admin()
                .body("{\"credentials\":{\"api_key\":\"sk_test_credyt\"}}")
                .put("/admin/v1/merchants/" + m.id() + "/connectors/stripe")
                .then()
                .statusCode(200);
        Api.admin()
                .body("{\"webhook_url\":\"http://localhost:"
                        + PspStandIn.server().port() + "/merchant/hooks\"}")
                .put("/admin/v1/merchants/" + m.id())
                .then()
                .statusCode(200);
        String payment = "pi_" + UUID.randomUUID().toString().replace("-", "").substring(0, 20);
        String id = Api.refundId();
        PspStandIn.server()
                .stubFor(post(urlEqualTo("/stripe/v1/refunds"))
                        .withRequestBody(containing(payment))
                        .willReturn(okJson("{\"id\":\"re_short\",\"object\":\"refund\",\"amount\":1500,"
                                + "\"currency\":\"usd\",\"payment_intent\":\"" + payment
                                + "\",\"status\":\"succeeded\"}")));
        m.create(Api.body(
                        id,
                        payment,
                        2_000L,
                        "USD",
                        "\"metadata\":{\"credyt_customer_id\":\"" + customer + "\"},"
                                + "\"payment_amount\":{\"minor_amount\":5000,\"currency\":\"USD\"}"))
                .then()
                .statusCode(200)
                .body("status", Matchers.equalTo("MANUAL_REVIEW"));
        assertEquals(
                List.of("refund.pending", "refund.manual_review"),
                Db.query(
                                "select event_type from outbox o join refunds r "
                                        + "on r.id = o.refund_id where r.merchant_id = ? and r.merchant_refund_id = ? order by o.id",
                                m.id(),
                                id)
                        .stream()
                        .map(row -> row.get("event_type"))
                        .toList());
    }

    /**
     * A refund that succeeded moved the wallet; Stripe then reports it in another currency, which puts it in review
     * (neither refunded nor released). When the operator finds it failed, the wallet gets the amount back, as for any
     * failure after success; the contradiction itself moves nothing.
     */
    @Test
    void aSucceededRefundThatAContradictionPutInReviewGetsItsWalletReversedWhenAnOperatorFailsIt() throws Exception {
        String customer =
                "cust_" + UUID.randomUUID().toString().replace("-", "").substring(0, 24);
        Api.TestMerchant m = Api.newMerchant();
        Api.admin()
                .body("{\"credentials\":{\"api_key\":\"credyt_key\"},\"settings\":{\"account_name\":\"default\"}}")
                .put("/admin/v1/merchants/" + m.id() + "/connectors/credyt")
                .then()
                .statusCode(200);
        Api.admin()
                .body("{\"credentials\":{\"api_key\":\"sk_test_credyt\"},\"webhook_secret\":\"whsec_credyt\"}")
                .put("/admin/v1/merchants/" + m.id() + "/connectors/stripe")
                .then()
                .statusCode(200);
        String payment = "pi_" + UUID.randomUUID().toString().replace("-", "").substring(0, 20);
        String reId = "re_" + UUID.randomUUID().toString().replace("-", "").substring(0, 20);
        String id = Api.refundId();
        String refund = "{\"id\":\"" + reId + "\",\"object\":\"refund\",\"amount\":2000,\"currency\":\"usd\","
                + "\"payment_intent\":\"" + payment + "\",\"status\":\"succeeded\","
                + "\"metadata\":{\"merchant_refund_id\":\"" + id + "\"}}";
        PspStandIn.server()
                .stubFor(post(urlEqualTo("/stripe/v1/refunds"))
                        .withRequestBody(containing(payment))
                        .willReturn(okJson(refund)));
        m.create(Api.body(
                        id,
                        payment,
                        2_000L,
                        "USD",
                        "\"metadata\":{\"credyt_customer_id\":\"" + customer + "\"},"
                                + "\"payment_amount\":{\"minor_amount\":5000,\"currency\":\"USD\"}"))
                .then()
                .statusCode(200)
                .body("status", Matchers.equalTo("SUCCEEDED"));
        String event = "{\"id\":\"evt_" + UUID.randomUUID().toString().replace("-", "")
                + "\",\"object\":\"event\",\"type\":\"refund.updated\",\"data\":{\"object\":"
                + refund.replace("\"usd\"", "\"eur\"") + "}}";
        RestAssured.given()
                .contentType("application/json")
                .body(event)
                .header("Stripe-Signature", Webhook.Signature.generateSignatureHeader(event, "whsec_credyt"))
                .post("/webhooks/" + m.id() + "/stripe")
                .then()
                .statusCode(200);
        m.get(id).then().body("status", Matchers.equalTo("MANUAL_REVIEW"));
        assertEquals(List.of("credyt.adjustment"), walletMoves(m, id), "the contradiction moves nothing");
        Api.admin()
                .body("{\"status\":\"FAILED\",\"reason\":\"Stripe shows no refund of this payment\"}")
                .post("/admin/v1/merchants/" + m.id() + "/refunds/" + id + "/resolve")
                .then()
                .statusCode(200);
        assertEquals(List.of("credyt.adjustment", "credyt.reversal"), walletMoves(m, id));
    }

    static List<Object> walletMoves(Api.TestMerchant m, String merchantRefundId) {
        return Db.query(
                        "select event_type from outbox o join refunds r on r.id = o.refund_id where r.merchant_id = ? "
                                + "and r.merchant_refund_id = ? and o.kind = 'credyt' order by o.id",
                        m.id(),
                        merchantRefundId)
                .stream()
                .map(row -> row.get("event_type"))
                .toList();
    }

    @Test
    void succeededRefundBecomesOneNegativeAdjustmentAndAFailureAfterSuccessTheOpposite() throws Exception {
        String customer =
                "cust_" + UUID.randomUUID().toString().replace("-", "").substring(0, 24);
        String url = "/credyt/customers/" + customer + "/wallet/adjustments";
        // Credyt is down at first: the adjustment is retried until it answers 2xx
        PspStandIn.server()
                .stubFor(post(urlEqualTo(url))
                        .inScenario(customer)
                        .whenScenarioStateIs(Scenario.STARTED)
                        .willReturn(aResponse().withStatus(503))
                        .willSetStateTo("up"));
        PspStandIn.server()
                .stubFor(
                        post(urlEqualTo(url))
                                .inScenario(customer)
                                .whenScenarioStateIs("up")
                                .willReturn(
                                        okJson(
                                                "{\"id\": \"3fa85f64-5717-4562-b3fc-2c963f66afa6\", \"created_at\": \"2024-07-29T15:51:28.071Z\"}")));

        Api.TestMerchant m = Api.newMerchant();
        Api.admin()
                .body("{\"credentials\":{\"api_key\":\"credyt_key\"},\"settings\":{\"account_name\":\"default\"}}")
                .put("/admin/v1/merchants/" + m.id() + "/connectors/credyt")
                .then()
                .statusCode(200);
        Api.admin()
                .body("{\"credentials\":{\"api_key\":\"sk_test_credyt\"},\"webhook_secret\":\"whsec_credyt\"}")
                .put("/admin/v1/merchants/" + m.id() + "/connectors/stripe")
                .then()
                .statusCode(200);
        String payment = "pi_" + UUID.randomUUID().toString().replace("-", "").substring(0, 20);
        String reId = "re_" + UUID.randomUUID().toString().replace("-", "").substring(0, 20);
        String id = Api.refundId();
        PspStandIn.server()
                .stubFor(post(urlEqualTo("/stripe/v1/refunds"))
                        .withRequestBody(containing(payment))
                        .willReturn(okJson("{\"id\":\"" + reId
                                + "\",\"object\":\"refund\",\"amount\":2000,\"currency\":\"usd\","
                                + "\"status\":\"succeeded\",\"metadata\":{\"merchant_refund_id\":\"" + id + "\"}}")));
        m.create(Api.body(
                        id,
                        payment,
                        2_000L,
                        "USD",
                        "\"reason\":\"Technical failure\","
                                + "\"metadata\":{\"credyt_customer_id\":\"" + customer + "\"},"
                                + "\"payment_amount\":{\"minor_amount\":5000,\"currency\":\"USD\"}"))
                .then()
                .statusCode(200);

        await().atMost(Duration.ofSeconds(20)).until(() -> {
            Workers.outbox();
            return delivered(url) >= 2;
        });
        JsonNode adjustment = WireJson.tree(PspStandIn.server()
                .findAll(postRequestedFor(urlEqualTo(url)))
                .get(1)
                .getBodyAsString());
        JsonNode example = WireJson.tree(SEED_EXAMPLE);
        for (String field : new String[] {"account_name", "asset", "description", "reason"}) {
            assertEquals(example.path(field).asText(), adjustment.path(field).asText(), field);
        }
        assertEquals(
                0,
                example.path("amount")
                        .decimalValue()
                        .compareTo(adjustment.path("amount").decimalValue()),
                "-20 USD, in major units, negative");
        assertEquals(36, adjustment.path("transaction_id").asText().length(), "a UUID");
        assertEquals(
                UUID.fromString(adjustment.path("transaction_id").asText()).toString(),
                adjustment.path("transaction_id").asText());
        assertEquals(id, adjustment.path("metadata").path("merchant_refund_id").asText());
        assertEquals("stripe", adjustment.path("metadata").path("connector").asText());
        assertEquals(
                reId, adjustment.path("metadata").path("connector_refund_id").asText());
        assertEquals(
                "Bearer credyt_key",
                PspStandIn.server()
                        .findAll(postRequestedFor(urlEqualTo(url)))
                        .get(1)
                        .getHeader("Authorization"));
        String firstTransaction = WireJson.tree(PspStandIn.server()
                        .findAll(postRequestedFor(urlEqualTo(url)))
                        .get(0)
                        .getBodyAsString())
                .path("transaction_id")
                .asText();
        assertEquals(firstTransaction, adjustment.path("transaction_id").asText(), "the retry is the same adjustment");

        // Stripe reports the refund failed after success: the wallet gets the amount back
        String event = """
                {"id": "evt_%s", "object": "event", "type": "refund.failed", "data": {"object":
                 {"id": "%s", "object": "refund", "amount": 2000, "currency": "usd", "status": "failed",
                  "failure_reason": "expired_or_canceled_card", "metadata": {"merchant_refund_id": "%s"}}}}
                """.formatted(UUID.randomUUID().toString().replace("-", ""), reId, id);
        RestAssured.given()
                .contentType("application/json")
                .body(event)
                .header("Stripe-Signature", Webhook.Signature.generateSignatureHeader(event, "whsec_credyt"))
                .post("/webhooks/" + m.id() + "/stripe")
                .then()
                .statusCode(200);
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            Workers.outbox();
            return delivered(url) >= 3;
        });
        JsonNode reversal = WireJson.tree(PspStandIn.server()
                .findAll(postRequestedFor(urlEqualTo(url)))
                .get(2)
                .getBodyAsString());
        assertEquals(0, new BigDecimal("20").compareTo(reversal.path("amount").decimalValue()));
        assertEquals("external_refund", reversal.path("reason").asText());
        assertEquals(
                false,
                reversal.path("transaction_id")
                        .asText()
                        .equals(adjustment.path("transaction_id").asText()));
        Thread.sleep(1_000);
        assertEquals(3, delivered(url), "each adjustment applied once: nothing sent again after its 2xx");
    }

    static int delivered(String url) {
        return PspStandIn.server().findAll(postRequestedFor(urlEqualTo(url))).size();
    }
}
