package dev.refract.http;

/** An error the HTTP layer itself answers (authentication, bad query parameters, unknown merchants). */
public class ApiException extends RuntimeException {

    private final int status;
    private final String type;
    private final String code;
    private final String param;
    private long retryAfterSeconds;

    public ApiException(int status, String type, String code, String message, String param) {
        super(message, null, false, false);
        this.status = status;
        this.type = type;
        this.code = code;
        this.param = param;
    }

    public static ApiException authenticationRequired() {
        return new ApiException(
                401,
                "authentication_error",
                "authentication_required",
                "a valid API key is required in the Authorization header: Bearer <api_key>",
                null);
    }

    /** 403: the caller is known but may not do this (too weak a role). */
    public static ApiException permissionDenied(String message) {
        return new ApiException(403, "invalid_request_error", "permission_denied", message, null);
    }

    public static ApiException invalid(String param, String message) {
        return new ApiException(400, "invalid_request_error", "invalid_request", message, param);
    }

    /** Adds a Retry-After to the answer. */
    public ApiException retryAfter(long seconds) {
        this.retryAfterSeconds = seconds;
        return this;
    }

    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }

    public int status() {
        return status;
    }

    public String type() {
        return type;
    }

    public String code() {
        return code;
    }

    public String param() {
        return param;
    }
}
