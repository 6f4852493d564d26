package dev.refract.sdk;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * Sends one call of the API, again where {@link RetryPolicy} allows, always with the same bytes: a create's body,
 * and so its {@code merchant_refund_id}, is serialised once. The API key lives here and goes nowhere but the
 * {@code Authorization} header: not in a message, a log line or {@link #toString()}.
 */
final class Transport {

    private static final System.Logger LOG = System.getLogger("dev.refract.sdk");
    static final String REQUEST_ID = "X-Request-Id";

    /** A final answer: a 2xx, a 4xx, or what was left when the retries ran out. */
    record Answer(int status, HttpHeaders headers, byte[] body, int attempts) {
        String requestId() {
            return headers.firstValue(REQUEST_ID).orElse(null);
        }

        Duration retryAfter() {
            return Transport.retryAfter(headers).orElse(null);
        }
    }

    private final HttpClient http;
    private final URI baseUrl;
    private final String authorization;
    private final RetryPolicy retries;
    private final Duration timeout;

    Transport(HttpClient http, URI baseUrl, String apiKey, RetryPolicy retries, Duration timeout) {
        this.http = http;
        this.baseUrl = baseUrl;
        this.authorization = "Bearer " + apiKey;
        this.retries = retries;
        this.timeout = timeout;
    }

    Answer send(String method, String pathAndQuery, byte[] body) {
        HttpRequest request = HttpRequest.newBuilder(baseUrl.resolve(pathAndQuery))
                .timeout(timeout)
                .header("Authorization", authorization)
                .header("Accept", "application/json")
                .header("Content-Type", "application/json")
                .header("User-Agent", "refract-java/" + RefractClient.VERSION)
                .method(
                        method,
                        body == null
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        for (int attempt = 1; ; attempt++) {
            HttpResponse<byte[]> response;
            try {
                response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
            } catch (IOException e) {
                if (attempt > retries.maxRetries()) {
                    throw new RefractException.Network(
                            method + " " + request.uri().getPath() + " got no answer after " + attempt + " attempt"
                                    + (attempt == 1 ? "" : "s") + ": " + describe(e),
                            attempt,
                            e);
                }
                pause(method, request, attempt, retries.delay(attempt, null), "no answer (" + describe(e) + ")");
                continue;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RefractException.Network(
                        method + " " + request.uri().getPath() + " was interrupted", attempt, e);
            }
            int status = response.statusCode();
            if (RetryPolicy.retryable(status) && attempt <= retries.maxRetries()) {
                Duration retryAfter = retryAfter(response.headers()).orElse(null);
                if (retryAfter == null || retryAfter.compareTo(retries.maxRetryAfter()) <= 0) {
                    pause(method, request, attempt, retries.delay(attempt, retryAfter), "HTTP " + status);
                    continue;
                }
            }
            return new Answer(status, response.headers(), response.body(), attempt);
        }
    }

    private void pause(String method, HttpRequest request, int attempt, Duration delay, String why) {
        LOG.log(
                System.Logger.Level.DEBUG,
                () -> method + " " + request.uri().getPath() + ": " + why + "; retry " + attempt + " of "
                        + retries.maxRetries() + " in " + delay.toMillis() + " ms");
        try {
            Thread.sleep(delay.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RefractException.Network(method + " " + request.uri().getPath() + " was interrupted", attempt, e);
        }
    }

    private static String describe(IOException e) {
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }

    /** {@code Retry-After} as delta-seconds or an HTTP date (RFC 9110 §10.2.3); absent or unreadable: empty. */
    static Optional<Duration> retryAfter(HttpHeaders headers) {
        return headers.firstValue("Retry-After").map(String::trim).flatMap(v -> {
            if (v.matches("\\d{1,9}")) {
                return Optional.of(Duration.ofSeconds(Long.parseLong(v)));
            }
            try {
                Duration d = Duration.between(
                        ZonedDateTime.now(), ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME));
                return Optional.of(d.isNegative() ? Duration.ZERO : d);
            } catch (DateTimeParseException e) {
                return Optional.empty();
            }
        });
    }

    @Override
    public String toString() {
        return "Transport[" + baseUrl + ", " + retries + "]";
    }
}
