package dev.refract.sdk;

import com.fasterxml.jackson.databind.JsonNode;
import dev.refract.sdk.model.Refund;
import dev.refract.sdk.model.RefundPage;
import dev.refract.sdk.model.RefundRequest;
import dev.refract.sdk.model.RefundStatus;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * Refract's merchant API: {@code RefractClient.builder().apiKey(key).baseUrl(url).build()}, then
 * {@link #refund}, {@link #get}, {@link #list}, {@link #sync} and {@link #cancel}. Thread-safe; build one and
 * share it. Calls block; each is retried as {@link RetryPolicy} says and otherwise raises a
 * {@link RefractException}.
 */
public final class RefractClient {

    static final String VERSION = "0.1.0";
    private static final String REFUNDS = "v1/refunds";

    private final Transport transport;
    private final URI baseUrl;

    private RefractClient(Transport transport, URI baseUrl) {
        this.transport = transport;
        this.baseUrl = baseUrl;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Creates a refund, or answers the one this {@code merchant_refund_id} already made. Sent again on a network
     * error, a 5xx or a 429 with the same body, so a retry can never make a second refund. A refund the PSP
     * declined is answered, not raised: {@code FAILED}, with {@code error} and {@code status_code} 402, 404 or 422.
     *
     * @throws RefractException.IdempotencyConflict the id was used with other parameters
     * @throws RefractException.AmountExceedsRefundable more than what remains refundable
     * @throws RefractException.InvalidRequest a field is missing or wrong ({@code param} names it)
     */
    public RefundResult refund(RefundRequest request) {
        Objects.requireNonNull(request, "request");
        if (request.getMerchantRefundId() == null
                || request.getMerchantRefundId().isEmpty()) {
            // without it a retry could not be told from a second refund
            throw new IllegalArgumentException("merchant_refund_id is required: it makes the create idempotent");
        }
        Transport.Answer answer = transport.send("POST", REFUNDS, Json.write(request));
        JsonNode body = Json.tree(answer);
        boolean isRefund = body != null && body.hasNonNull("merchant_refund_id");
        if ((answer.status() >= 200 && answer.status() < 300) || (isRefund && answer.status() < 500)) {
            boolean replayed = answer.headers()
                    .firstValue("Idempotent-Replayed")
                    .map("true"::equalsIgnoreCase)
                    .orElse(false);
            return new RefundResult(Json.read(body, Refund.class), replayed, answer.status(), answer.requestId());
        }
        throw Json.error(answer, body);
    }

    /** The refund as it is now. @throws RefractException.RefundNotFound no such refund for this merchant */
    public Refund get(String merchantRefundId) {
        return refundAt("GET", path(merchantRefundId));
    }

    /** Asks the PSP for the refund's status now and answers the refund as updated. */
    public Refund sync(String merchantRefundId) {
        return refundAt("POST", path(merchantRefundId) + "/sync");
    }

    /**
     * Cancels a refund still in flight, where its PSP can: answered {@code FAILED} with error code
     * {@code refund_cancelled}. If an earlier send of this call was cancelled but its answer lost, the retry's
     * {@code not_cancellable} is checked against the refund and the cancelled refund answered.
     *
     * @throws RefractException.NotCancellable the PSP cannot cancel it
     */
    public Refund cancel(String merchantRefundId) {
        try {
            return refundAt("POST", path(merchantRefundId) + "/cancel");
        } catch (RefractException.NotCancellable e) {
            if (e.attempts() > 1) {
                Refund now = get(merchantRefundId);
                if (now.getStatus() == RefundStatus.FAILED
                        && now.getError() != null
                        && "refund_cancelled".equals(now.getError().getCode())) {
                    return now;
                }
            }
            throw e;
        }
    }

    /**
     * The merchant's refunds matching {@code params}, newest first, fetched a page at a time as the iteration goes
     * (following {@code next_cursor}); each {@code iterator()} starts again from the first page.
     */
    public Iterable<Refund> list(ListParams params) {
        Objects.requireNonNull(params, "params");
        return () -> new Pages(params);
    }

    /** {@link #list} as a stream. */
    public Stream<Refund> stream(ListParams params) {
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(new Pages(params), Spliterator.ORDERED), false);
    }

    /** One page of refunds, after {@code cursor} ({@code null}: the first): for paging by hand. */
    public RefundPage listPage(ListParams params, String cursor) {
        Transport.Answer answer = transport.send("GET", REFUNDS + params.query(cursor), null);
        JsonNode body = Json.tree(answer);
        if (answer.status() == 200 && body != null) {
            return Json.read(body, RefundPage.class);
        }
        throw Json.error(answer, body);
    }

    private Refund refundAt(String method, String path) {
        Transport.Answer answer = transport.send(method, path, null);
        JsonNode body = Json.tree(answer);
        if (answer.status() >= 200 && answer.status() < 300 && body != null) {
            return Json.read(body, Refund.class);
        }
        throw Json.error(answer, body);
    }

    private static String path(String merchantRefundId) {
        if (merchantRefundId == null || merchantRefundId.isEmpty()) {
            throw new IllegalArgumentException("merchant_refund_id is required");
        }
        return REFUNDS + "/" + URLEncoder.encode(merchantRefundId, StandardCharsets.UTF_8);
    }

    private final class Pages implements Iterator<Refund> {
        private final ListParams params;
        private Iterator<Refund> page = List.<Refund>of().iterator();
        private String cursor;
        private boolean more = true;

        Pages(ListParams params) {
            this.params = params;
        }

        @Override
        public boolean hasNext() {
            while (!page.hasNext() && more) {
                RefundPage next = listPage(params, cursor);
                page = next.getData() == null
                        ? List.<Refund>of().iterator()
                        : next.getData().iterator();
                cursor = next.getNextCursor();
                more = Boolean.TRUE.equals(next.getHasMore()) && cursor != null;
            }
            return page.hasNext();
        }

        @Override
        public Refund next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            return page.next();
        }
    }

    @Override
    public String toString() {
        return "RefractClient[" + baseUrl + "]";
    }

    /** Builds a client; {@code apiKey} and {@code baseUrl} are required. */
    public static final class Builder {
        private String apiKey;
        private URI baseUrl;
        private RetryPolicy retries = RetryPolicy.DEFAULT;
        private Duration timeout = Duration.ofSeconds(30);
        private Duration connectTimeout = Duration.ofSeconds(10);

        private Builder() {}

        /** The merchant's API key ({@code rk_…}); kept out of every message and {@code toString}. */
        public Builder apiKey(String apiKey) {
            this.apiKey = apiKey;
            return this;
        }

        /** Where Refract answers, e.g. {@code https://refract.example.com}. */
        public Builder baseUrl(String baseUrl) {
            String url = Objects.requireNonNull(baseUrl, "baseUrl");
            this.baseUrl = URI.create(url.endsWith("/") ? url : url + "/");
            if (this.baseUrl.getScheme() == null || this.baseUrl.getHost() == null) {
                throw new IllegalArgumentException("baseUrl must be an absolute http(s) URL");
            }
            return this;
        }

        public Builder retries(RetryPolicy retries) {
            this.retries = Objects.requireNonNull(retries, "retries");
            return this;
        }

        /** How long one send waits for its answer (default 30 s); a timeout is a network error, retried. */
        public Builder timeout(Duration timeout) {
            this.timeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        public Builder connectTimeout(Duration connectTimeout) {
            this.connectTimeout = Objects.requireNonNull(connectTimeout, "connectTimeout");
            return this;
        }

        public RefractClient build() {
            if (apiKey == null || apiKey.isBlank() || !apiKey.chars().allMatch(c -> c > 32 && c < 127)) {
                throw new IllegalArgumentException("apiKey is required: the merchant's API key, printable ASCII");
            }
            if (baseUrl == null) {
                throw new IllegalArgumentException("baseUrl is required");
            }
            HttpClient http = HttpClient.newBuilder()
                    // the service speaks HTTP/1.1; no h2c upgrade attempt on every new connection
                    .version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(connectTimeout)
                    .build();
            return new RefractClient(new Transport(http, baseUrl, apiKey, retries, timeout), baseUrl);
        }

        @Override
        public String toString() {
            return "RefractClient.Builder[" + baseUrl + "]";
        }
    }
}
