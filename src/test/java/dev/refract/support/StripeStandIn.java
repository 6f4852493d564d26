package dev.refract.support;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A Stripe refunds API that keeps its own books, behind the WireMock stand-in: it makes a refund per new
 * {@code Idempotency-Key}, answers a resent key with the first answer ({@code Idempotent-Replayed: true}) or, with
 * other parameters, Stripe's {@code idempotency_error}, and refuses to refund a payment beyond what was captured.
 * Tests ask it what it really refunded, so "refunded at the PSP at most once" is measured on the PSP's side.
 *
 * <p>Payments are registered with {@link #capture}; a refund is created {@code pending} and reads back
 * {@code succeeded} from {@code GET /v1/refunds/{id}}, as a refund that settled in the meantime.
 */
public final class StripeStandIn implements ResponseDefinitionTransformerV2 {

    public static final String NAME = "stateful-stripe";
    static final StripeStandIn INSTANCE = new StripeStandIn();

    record StripeRefund(String id, String paymentIntent, long amount, String status) {
        String json() {
            return "{\"id\":\"" + id + "\",\"object\":\"refund\",\"payment_intent\":\"" + paymentIntent
                    + "\",\"amount\":" + amount + ",\"currency\":\"usd\",\"status\":\"" + status + "\"}";
        }
    }

    /** The first answer to a key, with the parameters it was sent with. */
    private record Keyed(Map<String, String> parameters, int status, String body) {}

    private final Map<String, Long> captured = new HashMap<>();
    private final Map<String, Integer> delays = new HashMap<>();
    private final Map<String, Long> refunded = new HashMap<>();
    private final Map<String, Integer> refundsMade = new HashMap<>();
    private final Map<String, StripeRefund> refunds = new HashMap<>();
    private final Map<String, Keyed> byKey = new HashMap<>();
    private final AtomicLong ids = new AtomicLong();

    private StripeStandIn() {}

    /**
     * Answers status reads of the refunds it made (ids {@code re_sf_<n>}, used by no other stub) and refunds of
     * the payments captured so far; called again after the server's stubs were reset, it keeps its books.
     */
    static synchronized void install(WireMockServer server) {
        server.stubFor(get(urlPathMatching("/stripe/v1/refunds/re_sf_[0-9]+"))
                .willReturn(aResponse().withTransformers(NAME)));
        INSTANCE.delays.forEach((paymentIntent, delayMs) -> stubRefunds(server, paymentIntent, delayMs));
    }

    /** A captured payment the stand-in refunds, up to {@code amount} in total (a payment is captured once). */
    public static void capture(String paymentIntent, long amount) {
        capture(paymentIntent, amount, 0);
    }

    /** The same, every answer about it {@code delayMs} late (a slow PSP). */
    public static void capture(String paymentIntent, long amount, int delayMs) {
        synchronized (StripeStandIn.class) {
            if (INSTANCE.captured.putIfAbsent(paymentIntent, amount) != null) {
                return; // known already: stubbed once
            }
            INSTANCE.delays.put(paymentIntent, delayMs);
        }
        stubRefunds(PspStandIn.server(), paymentIntent, delayMs);
    }

    private static void stubRefunds(WireMockServer server, String paymentIntent, int delayMs) {
        server.stubFor(post(urlEqualTo("/stripe/v1/refunds"))
                .withRequestBody(containing("payment_intent=" + paymentIntent))
                .willReturn(aResponse().withTransformers(NAME).withFixedDelay(delayMs)));
    }

    /** How many refunds the stand-in made for a payment (a replayed key makes none). */
    public static int refundsMade(String paymentIntent) {
        synchronized (StripeStandIn.class) {
            return INSTANCE.refundsMade.getOrDefault(paymentIntent, 0);
        }
    }

    /** The total it refunded for a payment. */
    public static long refunded(String paymentIntent) {
        synchronized (StripeStandIn.class) {
            return INSTANCE.refunded.getOrDefault(paymentIntent, 0L);
        }
    }

    @Override
    public String getName() {
        return NAME;
    }

    @Override
    public boolean applyGlobally() {
        return false;
    }

    @Override
    public ResponseDefinition transform(ServeEvent event) {
        LoggedRequest request = event.getRequest();
        ResponseDefinitionBuilder answer = ResponseDefinitionBuilder.like(event.getResponseDefinition())
                .withHeader("Content-Type", "application/json");
        synchronized (StripeStandIn.class) {
            if (request.getMethod().getName().equals("GET")) {
                String id = request.getUrl().substring(request.getUrl().lastIndexOf('/') + 1);
                StripeRefund refund = refunds.get(id);
                if (refund == null) {
                    return answer.withStatus(404)
                            .withBody(
                                    error("invalid_request_error", "resource_missing", "No such refund: '" + id + "'"))
                            .build();
                }
                StripeRefund settled =
                        new StripeRefund(refund.id(), refund.paymentIntent(), refund.amount(), "succeeded");
                refunds.put(id, settled);
                return answer.withStatus(200).withBody(settled.json()).build();
            }
            Map<String, String> form = form(request.getBodyAsString());
            String key = request.getHeader("Idempotency-Key");
            Keyed earlier = key == null ? null : byKey.get(key);
            if (earlier != null) {
                if (!earlier.parameters().equals(form)) {
                    return answer.withStatus(400)
                            .withBody(
                                    error(
                                            "idempotency_error",
                                            null,
                                            "Keys for idempotent "
                                                    + "requests can only be used with the same parameters they were first used with."))
                            .build();
                }
                return answer.withStatus(earlier.status())
                        .withBody(earlier.body())
                        .withHeader("Idempotent-Replayed", "true")
                        .build();
            }
            Keyed first = create(form);
            if (key != null) {
                byKey.put(key, first);
            }
            return answer.withStatus(first.status()).withBody(first.body()).build();
        }
    }

    private Keyed create(Map<String, String> form) {
        String paymentIntent = form.get("payment_intent");
        Long capturedAmount = paymentIntent == null ? null : captured.get(paymentIntent);
        if (capturedAmount == null) {
            return new Keyed(
                    form,
                    404,
                    error(
                            "invalid_request_error",
                            "resource_missing",
                            "No such payment_intent: '" + paymentIntent + "'"));
        }
        long already = refunded.getOrDefault(paymentIntent, 0L);
        long amount = form.containsKey("amount") ? Long.parseLong(form.get("amount")) : capturedAmount - already;
        if (already >= capturedAmount) {
            return new Keyed(
                    form,
                    400,
                    error("invalid_request_error", "charge_already_refunded", "Charge has already been refunded."));
        }
        if (amount <= 0 || already + amount > capturedAmount) {
            return new Keyed(
                    form,
                    400,
                    error(
                            "invalid_request_error",
                            "amount_too_large",
                            "Refund amount is greater than unrefunded amount on charge"));
        }
        StripeRefund refund = new StripeRefund("re_sf_" + ids.incrementAndGet(), paymentIntent, amount, "pending");
        refunds.put(refund.id(), refund);
        refunded.put(paymentIntent, already + amount);
        refundsMade.merge(paymentIntent, 1, Integer::sum);
        return new Keyed(form, 200, refund.json());
    }

    private static String error(String type, String code, String message) {
        return "{\"error\":{\"type\":\"" + type + "\"" + (code == null ? "" : ",\"code\":\"" + code + "\"")
                + ",\"message\":\"" + message + "\"}}";
    }

    private static Map<String, String> form(String body) {
        Map<String, String> form = new TreeMap<>();
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                form.put(
                        URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return form;
    }
}
