package dev.refract.connector;

import dev.refract.outbound.PspUnavailable;
import dev.refract.refund.Outcome;
import io.smallrye.faulttolerance.api.RateLimitException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.util.concurrent.TimeoutException;
import org.eclipse.microprofile.faulttolerance.exceptions.BulkheadException;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;

/**
 * Turns a failed PSP call into NotSent or Unknown. NotSent only where the request provably never left:
 * an open breaker, a refused connection, a host that does not resolve. Everything else may have reached the
 * PSP (timeouts, resets, 5xx), so it is Unknown and is only ever resent with the same idempotency key.
 */
public final class Failures {

    private Failures() {}

    public static Outcome outcomeOf(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof CircuitBreakerOpenException) {
                return new Outcome.NotSent("circuit breaker open");
            }
            if (t instanceof BulkheadException || t instanceof RateLimitException) {
                return new Outcome.NotSent("too many calls in flight");
            }
            if (t instanceof ConnectException || t instanceof UnknownHostException) {
                // Netty's ConnectTimeoutException is a ConnectException too: no connection, nothing sent
                return new Outcome.NotSent("connection refused");
            }
            if (t instanceof TimeoutException
                    || t instanceof org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException) {
                return new Outcome.Unknown("timed out");
            }
            if (t instanceof PspUnavailable u) {
                return new Outcome.Unknown("PSP answered " + u.status());
            }
        }
        return new Outcome.Unknown(failure.getClass().getSimpleName());
    }

    /** Why a call failed, in words: the reason of the outcome it ends in ("circuit breaker open", "timed out" …). */
    public static String reason(Throwable failure) {
        Outcome outcome = outcomeOf(failure);
        return outcome instanceof Outcome.NotSent n ? n.reason() : ((Outcome.Unknown) outcome).reason();
    }
}
