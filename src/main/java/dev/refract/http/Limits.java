package dev.refract.http;

import java.util.Set;
import java.util.regex.Pattern;

/**
 * Request size limits. Anything over {@code quarkus.http.limits.max-body-size} (1 MiB, webhook batches included)
 * is refused by {@link BodyLimit} before it reaches a resource; API bodies must be far smaller, and are refused
 * here. Both answer in the API's error shape.
 */
public final class Limits {

    /** A create or admin body: a few hundred bytes in practice, 64 KiB at most. */
    public static final int MAX_API_BODY = 64 * 1024;

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_.:-]{1,64}");

    private Limits() {}

    /** The limit is on the body as it came over the wire, in UTF-8 bytes, not on its UTF-16 characters. */
    public static void requireBodyAtMost(String body, int maxBytes) {
        if (body != null && utf8Length(body) > maxBytes) {
            throw tooLarge(maxBytes);
        }
    }

    /** Bytes of {@code s} in UTF-8 (a surrogate pair is four; bodies have no lone surrogates: see Utf8Bodies). */
    static long utf8Length(String s) {
        long bytes = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            bytes += c < 0x80 ? 1 : c < 0x800 || Character.isSurrogate(c) ? 2 : 3;
        }
        return bytes;
    }

    /** 413 {@code request_too_large}. */
    static ApiException tooLarge(long maxBytes) {
        return new ApiException(
                413,
                "invalid_request_error",
                "request_too_large",
                "the request body is larger than " + maxBytes + " bytes",
                null);
    }

    /**
     * Routes that read their body as a stream, past the body limit, under a limit of their own (an uploaded settlement
     * report, up to 50 MiB): {@link BodyLimit} and {@link Utf8Bodies} leave them to it, so that no other route's limit
     * is raised.
     */
    public static final Set<String> STREAMED_UPLOADS = Set.of("/admin/v1/reconciliations/adyen-settlement-report");

    /** Whether a path segment can be a merchant id at all (anything else is not found, without a query). */
    public static boolean isId(String id) {
        return id != null && ID.matcher(id).matches();
    }
}
