package dev.refract.sdk;

import java.time.Duration;
import java.util.Optional;

/**
 * An answer of the API that is not the refund asked for, one type per {@code error.code}, each carrying the code,
 * the field at fault ({@code param}), the HTTP status, the request id to quote to support ({@code X-Request-Id})
 * and how many sends were made. The message is the API's own; no type of this family ever holds the API key.
 *
 * <p>A refund the PSP declined is not an exception: {@link RefractClient#refund} answers it as a {@code FAILED}
 * refund with its {@code error}, as the API does.
 */
public abstract sealed class RefractException extends RuntimeException {

    private final int httpStatus;
    private final String code;
    private final String type;
    private final String param;
    private final String requestId;
    private final Duration retryAfter;
    private final int attempts;

    RefractException(Problem p, Throwable cause) {
        super(p.message(), cause);
        this.httpStatus = p.httpStatus();
        this.code = p.code();
        this.type = p.type();
        this.param = p.param();
        this.requestId = p.requestId();
        this.retryAfter = p.retryAfter();
        this.attempts = p.attempts();
    }

    /** What an error answer said; {@code httpStatus} 0 when there was no answer. */
    record Problem(
            int httpStatus,
            String code,
            String type,
            String message,
            String param,
            String requestId,
            Duration retryAfter,
            int attempts) {}

    /** The HTTP status of the answer, 0 for {@link Network}. */
    public int httpStatus() {
        return httpStatus;
    }

    /** {@code error.code}: {@code idempotency_conflict}, {@code amount_exceeds_refundable}, … */
    public String code() {
        return code;
    }

    /** {@code error.type}: {@code invalid_request_error}, {@code idempotency_error}, … */
    public String type() {
        return type;
    }

    /** {@code error.param}: the request field at fault ({@code amount}, {@code amount.currency}), if any. */
    public Optional<String> param() {
        return Optional.ofNullable(param);
    }

    /** The answer's {@code X-Request-Id}, which leads to the service's log lines of this request. */
    public Optional<String> requestId() {
        return Optional.ofNullable(requestId);
    }

    /** The answer's {@code Retry-After}, when it asked to wait (429, 503) longer than the client would. */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }

    /** How many times the request was sent. */
    public int attempts() {
        return attempts;
    }

    @Override
    public String getMessage() {
        String m = super.getMessage();
        return (httpStatus == 0 ? "" : "HTTP " + httpStatus + " ")
                + (code == null ? "" : code + ": ")
                + m
                + (param == null ? "" : " (param " + param + ")")
                + (requestId == null ? "" : " [request " + requestId + "]");
    }

    /** 400 (invalid_request, invalid_currency, invalid_amount, connector_required, …): fix the field {@link #param}. */
    public static final class InvalidRequest extends RefractException {
        InvalidRequest(Problem p) {
            super(p, null);
        }
    }

    /** 401 authentication_required: no key, an unknown, revoked or expired one. */
    public static final class Authentication extends RefractException {
        Authentication(Problem p) {
            super(p, null);
        }
    }

    /** 403 permission_denied: a read-only key asked to change something. */
    public static final class PermissionDenied extends RefractException {
        PermissionDenied(Problem p) {
            super(p, null);
        }
    }

    /** 404 transaction_not_found: the PSP does not know the connector_transaction_id. */
    public static final class TransactionNotFound extends RefractException {
        TransactionNotFound(Problem p) {
            super(p, null);
        }
    }

    /** 404 refund_not_found: no refund of this merchant has that merchant_refund_id. */
    public static final class RefundNotFound extends RefractException {
        RefundNotFound(Problem p) {
            super(p, null);
        }
    }

    /** 409 idempotency_conflict: the merchant_refund_id was used with other parameters. */
    public static final class IdempotencyConflict extends RefractException {
        IdempotencyConflict(Problem p) {
            super(p, null);
        }
    }

    /** 409 not_cancellable: the PSP cannot cancel this refund (any more). */
    public static final class NotCancellable extends RefractException {
        NotCancellable(Problem p) {
            super(p, null);
        }
    }

    /** 422 amount_exceeds_refundable: more than captured − refunded − in flight; param {@code amount}. */
    public static final class AmountExceedsRefundable extends RefractException {
        AmountExceedsRefundable(Problem p) {
            super(p, null);
        }
    }

    /** 422 currency_mismatch: not the payment's currency. */
    public static final class CurrencyMismatch extends RefractException {
        CurrencyMismatch(Problem p) {
            super(p, null);
        }
    }

    /** 429 rate_limited, still after the retries (or asking to wait longer than the policy allows). */
    public static final class RateLimited extends RefractException {
        RateLimited(Problem p) {
            super(p, null);
        }
    }

    /** 503 service_unavailable or connector_unavailable, still after the retries. */
    public static final class ServiceUnavailable extends RefractException {
        ServiceUnavailable(Problem p) {
            super(p, null);
        }
    }

    /** Any other answer: a 5xx after the retries, a code this version does not know, a body that is not JSON. */
    public static final class Api extends RefractException {
        Api(Problem p) {
            super(p, null);
        }
    }

    /** No answer at all (refused, reset, timed out), after the retries. For a create, the refund may exist. */
    public static final class Network extends RefractException {
        Network(String message, int attempts, Throwable cause) {
            super(new Problem(0, null, null, message, null, null, null, attempts), cause);
        }
    }

    /** The type for an error answer: by {@code error.code}, else by HTTP status. */
    static RefractException of(Problem p) {
        String code = p.code() == null ? "" : p.code();
        return switch (code) {
            case "invalid_request",
                    "invalid_currency",
                    "invalid_amount",
                    "connector_required",
                    "connector_not_enabled" -> new InvalidRequest(p);
            case "authentication_required" -> new Authentication(p);
            case "permission_denied" -> new PermissionDenied(p);
            case "transaction_not_found" -> new TransactionNotFound(p);
            case "refund_not_found" -> new RefundNotFound(p);
            case "idempotency_conflict" -> new IdempotencyConflict(p);
            case "not_cancellable" -> new NotCancellable(p);
            case "amount_exceeds_refundable" -> new AmountExceedsRefundable(p);
            case "currency_mismatch" -> new CurrencyMismatch(p);
            case "rate_limited" -> new RateLimited(p);
            case "service_unavailable", "connector_unavailable" -> new ServiceUnavailable(p);
            default ->
                switch (p.httpStatus()) {
                    case 400 -> new InvalidRequest(p);
                    case 401 -> new Authentication(p);
                    case 403 -> new PermissionDenied(p);
                    case 429 -> new RateLimited(p);
                    case 503 -> new ServiceUnavailable(p);
                    default -> new Api(p);
                };
        };
    }
}
