package dev.refract.outbound;

import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.core.Response;

/**
 * What a PSP answered over HTTP: the status, the raw body, read before anything is decided, and how long the PSP
 * asked to be left alone ({@code Retry-After}, as sent; null when it did not say).
 */
public record PspAnswer(int status, String body, String retryAfter) {

    public PspAnswer(int status, String body) {
        this(status, body, null);
    }

    /**
     * Reads a REST client answer. 5xx and 429 become {@link PspUnavailable} failures, so that the fault
     * tolerance around the call (retry, circuit breaker) sees them; every other status is an answer.
     */
    public static Uni<PspAnswer> of(Uni<Response> call) {
        return of(call, false);
    }

    /**
     * The same; with {@code rateLimitIsAnAnswer}, a 429 is an answer too, with its {@code Retry-After}, for a caller
     * that waits as long as the PSP asks rather than retrying sooner (and counting the PSP's pacing as its failure).
     */
    public static Uni<PspAnswer> of(Uni<Response> call, boolean rateLimitIsAnAnswer) {
        return call.map(response -> {
            try (response) {
                PspAnswer answer = new PspAnswer(
                        response.getStatus(),
                        response.hasEntity() ? response.readEntity(String.class) : "",
                        response.getHeaderString("Retry-After"));
                if (answer.unavailable() && !(rateLimitIsAnAnswer && answer.rateLimited())) {
                    throw new PspUnavailable(answer.status());
                }
                return answer;
            }
        });
    }

    public boolean ok() {
        return status >= 200 && status < 300;
    }

    /** 429: the PSP paces its callers. */
    public boolean rateLimited() {
        return status == 429;
    }

    /**
     * Answers that say nothing about whether the PSP acted: 5xx and 429. The client raises them as
     * {@link PspUnavailable} so that retries and the circuit breaker see them; every other answer, 4xx
     * declines included, is a normal return that neither retries nor opens the breaker.
     */
    public boolean unavailable() {
        return status >= 500 || status == 429;
    }
}
