package dev.refract.telemetry;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.refract.support.Api;
import dev.refract.support.PostgresResource;
import dev.refract.support.PspStandIn;
import dev.refract.support.StripeStandIn;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The span tree of one create: the merchant request, under it the PSP call's attempt, under that the HTTP call. */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(PspStandIn.class)
class TracingTest {

    @Inject
    InMemorySpanExporter spans;

    @Test
    void aCreateIsOneTraceFromTheRequestToThePsp() {
        Api.TestMerchant m = Api.newMerchant();
        m.useConnector("stripe", "{\"credentials\":{\"api_key\":\"sk_test_trace\"}}");
        String payment = "pi_trace_" + System.nanoTime();
        StripeStandIn.capture(payment, 1_000);
        String id = Api.refundId();
        spans.reset();
        m.create(Api.body(id, payment, 100L, "USD", "\"payment_amount\":{\"minor_amount\":1000,\"currency\":\"USD\"}"))
                .then()
                .statusCode(200);

        await().atMost(Duration.ofSeconds(10))
                .until(() -> request(id) != null && attempts(id).size() == 1);
        SpanData request = request(id);
        assertEquals(SpanKind.SERVER, request.getKind());
        assertEquals("stripe", request.getAttributes().get(AttributeKey.stringKey("refract.connector")));

        SpanData attempt = attempts(id).get(0);
        assertEquals(request.getSpanId(), attempt.getParentSpanId(), "the PSP call is part of the request");
        assertEquals("psp stripe", attempt.getName());
        assertEquals(1L, attempt.getAttributes().get(AttributeKey.longKey("refract.psp.attempt")));
        assertEquals("CLOSED", attempt.getAttributes().get(AttributeKey.stringKey("refract.psp.breaker")));
        assertEquals("answered 200", attempt.getAttributes().get(AttributeKey.stringKey("refract.psp.outcome")));

        List<SpanData> http = spans.getFinishedSpanItems().stream()
                .filter(s ->
                        s.getKind() == SpanKind.CLIENT && attempt.getSpanId().equals(s.getParentSpanId()))
                .toList();
        assertEquals(1, http.size(), "one HTTP call to Stripe under the attempt: " + spans.getFinishedSpanItems());
        assertEquals(request.getTraceId(), http.get(0).getTraceId());
    }

    /** The test log is written in the JSON lines of production, where the MDC is the {@code mdc} object. */
    @Test
    void aRequestsLogLinesCarryItsTraceId() throws IOException {
        Api.TestMerchant m = Api.newMerchant();
        m.useConnector(
                "stripe",
                "{\"credentials\":{\"api_key\":\"sk_test_trace\"},"
                        + "\"webhook_secret\":\"whsec_test_refract_trace_endpoint\"}");
        spans.reset();
        // a delivery whose signature fails is logged (a WARN line naming the merchant) and answered 401
        given().contentType(ContentType.JSON)
                .header("Stripe-Signature", "t=1,v1=00")
                .body("{}")
                .post("/webhooks/" + m.id() + "/stripe")
                .then()
                .statusCode(401);

        await().atMost(Duration.ofSeconds(10))
                .until(() -> spans.getFinishedSpanItems().stream().anyMatch(s -> isWebhookRequest(s, m.id())));
        String traceId = spans.getFinishedSpanItems().stream()
                .filter(s -> isWebhookRequest(s, m.id()))
                .findFirst()
                .orElseThrow()
                .getTraceId();
        List<String> lines = Files.readAllLines(Path.of("target/refract-test.log")).stream()
                .filter(l -> l.contains("refused a stripe webhook for merchant " + m.id()))
                .toList();
        assertEquals(1, lines.size(), lines::toString);
        assertTrue(lines.get(0).contains("\"traceId\":\"" + traceId + "\""), lines.get(0) + " lacks trace " + traceId);
    }

    private static boolean isWebhookRequest(SpanData span, String merchantId) {
        return span.getKind() == SpanKind.SERVER
                && span.getAttributes().asMap().values().stream()
                        .anyMatch(v -> String.valueOf(v).contains("/webhooks/" + merchantId + "/stripe"));
    }

    private SpanData request(String merchantRefundId) {
        return spans.getFinishedSpanItems().stream()
                .filter(s -> s.getKind() == SpanKind.SERVER
                        && merchantRefundId.equals(
                                s.getAttributes().get(AttributeKey.stringKey("refract.merchant_refund_id"))))
                .findFirst()
                .orElse(null);
    }

    private List<SpanData> attempts(String merchantRefundId) {
        SpanData request = request(merchantRefundId);
        return request == null
                ? List.of()
                : spans.getFinishedSpanItems().stream()
                        .filter(s -> s.getName().startsWith("psp ")
                                && request.getTraceId().equals(s.getTraceId()))
                        .toList();
    }
}
