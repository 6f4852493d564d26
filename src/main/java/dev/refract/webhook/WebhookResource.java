package dev.refract.webhook;

import dev.refract.http.ApiException;
import dev.refract.http.Limits;
import dev.refract.refund.Connector;
import dev.refract.refund.ConnectorAccount;
import dev.refract.refund.ConnectorRegistry;
import dev.refract.refund.RefundStore;
import dev.refract.refund.VerifiesWebhooks;
import dev.refract.refund.WebhookEvent;
import dev.refract.refund.WebhookIntake;
import dev.refract.refund.WebhookRejected;
import dev.refract.store.AccountStore;
import dev.refract.telemetry.Spans;
import io.opentelemetry.api.trace.Span;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestResponse;

/**
 * The URL a merchant registers at its PSP: {@code POST /webhooks/{merchant_id}/{connector}}. No bearer token: the
 * raw body is verified with the connector's own scheme and the merchant's webhook secrets for that PSP (the current
 * one, and one replaced within its grace). Nothing PSP-specific happens here.
 */
@Path("/webhooks/{merchant_id}/{connector}")
public class WebhookResource {

    private static final Logger LOG = Logger.getLogger(WebhookResource.class);

    private final ConnectorRegistry connectors;
    private final AccountStore accounts;
    private final WebhookIntake intake;

    WebhookResource(ConnectorRegistry connectors, AccountStore accounts, WebhookIntake intake) {
        this.connectors = connectors;
        this.accounts = accounts;
        this.intake = intake;
    }

    @POST
    @Consumes(MediaType.WILDCARD)
    @Operation(
            summary = "Receive a PSP webhook",
            description = "The URL a merchant registers at its PSP. The raw "
                    + "body is verified with the connector's scheme (Stripe-Signature, Adyen HMAC) and the merchant's webhook "
                    + "secret: 401 when it does not verify. Each event is stored before it is applied and a redelivery "
                    + "changes nothing twice. An event for a refund Refract did not make (a Stripe refund.created, "
                    + "refund.updated or charge.refunded, an Adyen REFUND) is adopted as an external refund of its payment: "
                    + "external: true, merchant_refund_id external:<connector>:<PSP refund id>, counted in the payment's "
                    + "refundable amount, listed, notified and followed in the customer's Credyt wallet. A verified "
                    + "delivery is answered 200 (Adyen: [accepted]) whatever its events say, since a redelivery would say "
                    + "the same: an event for another PSP account than the merchant's (Adyen merchantAccountCode, Stripe "
                    + "Connect account), one naming another merchant's refund, and one Refract cannot read are logged "
                    + "for an operator and not applied, and the delivery's other events are applied. 503 with "
                    + "Retry-After only when Refract cannot work now: its database is unavailable, or the PSP must be "
                    + "asked for the payment's metadata and cannot be now; the PSP delivers again.")
    public Uni<RestResponse<String>> receive(
            @RestPath("merchant_id") String merchantId,
            @RestPath("connector") String connectorName,
            byte[] body,
            @Context HttpServerRequest request) {
        Connector found = connectors.find(connectorName).orElse(null);
        if (!(found instanceof VerifiesWebhooks verifier) || !Limits.isId(merchantId)) {
            return Uni.createFrom()
                    .failure(new ApiException(
                            404,
                            "invalid_request_error",
                            "resource_not_found",
                            "no webhooks are received for connector " + connectorName,
                            null));
        }
        Map<String, String> headers = new HashMap<>();
        request.headers().forEach(h -> headers.putIfAbsent(h.getKey().toLowerCase(Locale.ROOT), h.getValue()));
        return accounts.forMerchant(merchantId).chain(list -> {
            ConnectorAccount account = list.stream()
                    .filter(a -> a.connector().equals(found.name()))
                    .findFirst()
                    .orElse(null);
            List<WebhookEvent> events;
            try {
                if (account == null || account.webhookSecret() == null) {
                    // answered like a bad signature: whether a merchant exists is nobody's business
                    throw new WebhookRejected("no webhook secret configured");
                }
                Instant now = Instant.now();
                events = verifier.verifyWebhook(
                        account.webhookSecrets(now), headers, body == null ? new byte[0] : body, now);
            } catch (WebhookRejected e) {
                LOG.warnf("refused a %s webhook for merchant %s: %s", found.name(), merchantId, e.getMessage());
                throw new ApiException(
                        401,
                        "authentication_error",
                        "invalid_signature",
                        "the webhook signature could not be verified",
                        null);
            }
            Span.current()
                    .setAttribute(Spans.CONNECTOR, found.name())
                    .setAttribute("refract.webhook.events", events.size());
            if (events.size() == 1 && events.get(0).merchantRefundId() != null) {
                Span.current()
                        .setAttribute(Spans.MERCHANT_REFUND_ID, events.get(0).merchantRefundId());
            }
            return intake.applyWebhook(merchantId, found.name(), verifier.webhookAccount(account), events)
                    .onFailure(RefundStore.StaleRefund.class)
                    .transform(stale -> new ApiException(
                                    503,
                                    "api_error",
                                    "service_unavailable",
                                    "a refund of this delivery kept changing under it; nothing was lost, deliver again",
                                    null)
                            .retryAfter(1))
                    .map(done -> RestResponse.ResponseBuilder.<String>ok(
                                    verifier.webhookAcknowledgement(),
                                    verifier.webhookAcknowledgement().startsWith("{")
                                            ? MediaType.APPLICATION_JSON
                                            : MediaType.TEXT_PLAIN)
                            .build());
        });
    }
}
