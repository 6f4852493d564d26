package dev.refract.notify;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.refract.http.RefundView;
import dev.refract.outbound.Hmac;
import dev.refract.outbound.WireJson;
import dev.refract.refund.Delivery;
import dev.refract.store.MerchantDirectory;
import dev.refract.store.OutboxStore;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.core.http.HttpClient;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;

/**
 * POSTs a refund's status change to the merchant's webhook_url as {@code {"id", "type", "created_at", "data"}},
 * signed {@code Refract-Signature: t=<unix>,v1=<hex HMAC-SHA256 of "t.body">} with the merchant's webhook_secret,
 * the scheme merchants already know from Stripe (and, like Stripe, one {@code v1} per secret while a replaced one's
 * grace lasts).
 */
@ApplicationScoped
public class MerchantNotifier {

    @RegisterForReflection
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Notification(String id, String type, Instant createdAt, RefundView data) {}

    private final MerchantDirectory merchants;
    private final HttpClient http;
    private final OutboxSettings settings;

    MerchantNotifier(MerchantDirectory merchants, Vertx vertx, OutboxSettings settings) {
        this.merchants = merchants;
        this.settings = settings;
        this.http = vertx.createHttpClient(new HttpClientOptions()
                .setConnectTimeout((int) settings.deliveryTimeout().toMillis())
                .setMaxPoolSize(20));
    }

    Uni<Delivery> deliver(OutboxStore.Item item) {
        Instant now = Instant.now();
        return merchants.webhookTarget(item.merchantId(), now).chain(target -> {
            if (target == null) {
                return Uni.createFrom().item(Delivery.delivered("the merchant has no webhook_url any more"));
            }
            String body = WireJson.write(new Notification(
                    item.eventId(), item.eventType(), item.createdAt(), RefundView.of(item.refund(), 200)));
            RequestOptions request = new RequestOptions()
                    .setMethod(HttpMethod.POST)
                    .setAbsoluteURI(target.url())
                    .setIdleTimeout(settings.deliveryTimeout().toMillis())
                    .putHeader("Content-Type", "application/json")
                    .putHeader("User-Agent", "Refract-Webhooks/1");
            if (!target.secrets().isEmpty()) {
                request.putHeader("Refract-Signature", signature(target.secrets(), body, now));
            }
            return http.request(request)
                    .chain(req -> req.send(Buffer.buffer(body)))
                    .chain(resp -> resp.body().map(ignored -> resp.statusCode()))
                    .ifNoItem()
                    .after(settings.deliveryTimeout())
                    .fail()
                    .map(status -> status >= 200 && status < 300
                            ? Delivery.delivered()
                            : Delivery.retryLater("the merchant's endpoint answered " + status))
                    .onFailure()
                    .recoverWithItem(e -> Delivery.retryLater("delivery failed: "
                            + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage())));
        });
    }

    /**
     * {@code t=<unix seconds>,v1=<hex HMAC-SHA256(secret, t + "." + body)>}, one {@code v1} per secret, the current
     * one first: while a replaced secret's grace lasts, a receiver that checks either secret accepts the delivery.
     */
    static String signature(List<String> secrets, String body, Instant now) {
        long t = now.getEpochSecond();
        byte[] signed = (t + "." + body).getBytes(StandardCharsets.UTF_8);
        StringBuilder header = new StringBuilder("t=").append(t);
        for (String secret : secrets) {
            byte[] mac = Hmac.sha256(secret.getBytes(StandardCharsets.UTF_8), signed);
            header.append(",v1=").append(HexFormat.of().formatHex(mac));
        }
        return header.toString();
    }
}
