package dev.refract.support;

import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;

import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import io.restassured.path.json.JsonPath;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** Reconciliation as its tests drive it: runs started and read through the admin API, PSP books on the stand-in. */
public final class Reconciling {

    private Reconciling() {}

    /** Starts a run through the admin API (202) and answers its id. */
    public static String start(String merchantId, String connector, Instant from, Instant to) {
        return Api.admin()
                .body("{\"merchant_id\":\"" + merchantId + "\",\"connector\":\"" + connector + "\",\"from\":\"" + from
                        + "\",\"to\":\"" + to + "\"}")
                .post("/admin/v1/reconciliations")
                .then()
                .statusCode(202)
                .extract()
                .path("id");
    }

    /** Works every run nobody holds, then reads this one. */
    public static JsonPath workAndRead(String runId) {
        Workers.reconciliations();
        return read(runId);
    }

    public static JsonPath read(String runId) {
        return Api.admin()
                .get("/admin/v1/reconciliations/" + runId)
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
    }

    public static String id(String prefix) {
        return prefix + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    }

    // ---- Stripe ---------------------------------------------------------------------------------------------

    /** A merchant with a Stripe account. */
    public static Api.TestMerchant stripeMerchant() {
        Api.TestMerchant m = Api.newMerchant();
        m.useConnector("stripe", "{\"credentials\":{\"api_key\":\"sk_test_reconcile\"}}");
        return m;
    }

    /**
     * A refund recorded through the API, which Stripe answers with {@code reId} in {@code status} for that amount
     * and currency (Stripe's units are ISO's for USD, JPY and KWD).
     */
    public static void stripeRefund(
            Api.TestMerchant m,
            String merchantRefundId,
            String payment,
            long amount,
            String currency,
            String reId,
            String status) {
        PspStandIn.server()
                .stubFor(post(urlEqualTo("/stripe/v1/refunds"))
                        .withHeader(
                                "Idempotency-Key",
                                equalTo(dev.refract.refund.Refund.pspReferenceFor(m.id(), merchantRefundId)))
                        .willReturn(
                                okJson(stripeRefundJson(reId, payment, amount, currency, status, merchantRefundId))));
        m.create(Api.body(
                        merchantRefundId,
                        payment,
                        amount,
                        currency,
                        "\"payment_amount\":{\"minor_amount\":" + amount * 10 + ",\"currency\":\"" + currency + "\"}"))
                .then()
                .statusCode(200);
        named(m.id(), merchantRefundId);
    }

    /**
     * Waits until the PSP has named the refund: a create whose answer came too late for the tests' one-second PSP
     * timeout (a JVM still warming up) is resent by the janitor with the same key, and the stand-in answers it again.
     * In-process the test runs the janitor; the packaged application of the integration tests runs its own.
     */
    public static void named(String merchantId, String merchantRefundId) {
        boolean inProcess = io.quarkus.arc.Arc.container() != null;
        for (int i = 0; i < (inProcess ? 10 : 60); i++) {
            Object id = Db.one(
                            "select connector_refund_id from refunds where merchant_id = ? and merchant_refund_id = ?",
                            merchantId,
                            merchantRefundId)
                    .get("connector_refund_id");
            if (id != null) {
                return;
            }
            if (inProcess) {
                Workers.janitor();
            } else {
                try {
                    Thread.sleep(500);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError(e);
                }
            }
        }
        throw new AssertionError("the PSP never named refund " + merchantRefundId);
    }

    /** A Stripe refund object; {@code merchantRefundId} null for one made in Stripe's dashboard. */
    public static String stripeRefundJson(
            String reId, String payment, long amount, String currency, String status, String merchantRefundId) {
        return """
                {"id": "%s", "object": "refund", "amount": %d, "currency": "%s", "payment_intent": "%s",
                 "status": "%s", "created": %d, "metadata": {%s}}""".formatted(
                        reId,
                        amount,
                        currency.toLowerCase(java.util.Locale.ROOT),
                        payment,
                        status,
                        Instant.now().getEpochSecond(),
                        merchantRefundId == null ? "" : "\"merchant_refund_id\": \"" + merchantRefundId + "\"");
    }

    /** A page of Stripe's refund list. */
    public static String stripePage(List<String> refunds, boolean hasMore) {
        return "{\"object\": \"list\", \"url\": \"/v1/refunds\", \"has_more\": " + hasMore + ", \"data\": ["
                + String.join(",", refunds) + "]}";
    }

    /** The list request of the page after {@code startingAfter} (null: the first), for this merchant's key. */
    public static MappingBuilder stripeListing(String startingAfter) {
        MappingBuilder list = get(urlPathEqualTo("/stripe/v1/refunds"))
                .withHeader("Authorization", equalTo("Bearer sk_test_reconcile"));
        return startingAfter == null
                ? list.withQueryParam("starting_after", absent())
                : list.withQueryParam("starting_after", equalTo(startingAfter));
    }

    public static ResponseDefinitionBuilder ok(String body) {
        return okJson(body);
    }
}
