package dev.refract.outbound;

import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.core.Response;

/** What a PSP answered over HTTP: the status and the raw body, read before anything is decided. */
public record PspAnswer(int status, String body) {

    /**
     * Reads a REST client answer. 5xx and 429 become {@link PspUnavailable} failures, so that the fault
     * tolerance around the call (retry, circuit breaker) sees them; every other status is an answer.
     */
    public static Uni<PspAnswer> of(Uni<Response> call) {
        return call.map(response -> {
            try (response) {
                PspAnswer answer = new PspAnswer(
                        response.getStatus(), response.hasEntity() ? response.readEntity(String.class) : "");
                if (answer.unavailable()) {
                    throw new PspUnavailable(answer.status());
                }
                return answer;
            }
        });
    }

    public boolean ok() {
        return status >= 200 && status < 300;
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
