package dev.refract.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * API request bodies are UTF-8 JSON (RFC 8259 §8.1), and only that. A body that is not valid UTF-8 would otherwise
 * be read with U+FFFD in place of its bad bytes and stored so: it is a 400 {@code invalid_request} instead. A
 * declared charset other than UTF-8 (or its subset US-ASCII) is a 415. PSP webhooks are left alone: they are verified
 * on their raw bytes, exactly as signed.
 */
@ApplicationScoped
public class Utf8Bodies {

    private static final Set<String> ACCEPTED = Set.of("utf-8", "utf8", "us-ascii");

    private final long maxBodyBytes;
    private final String notUtf8;
    private final ObjectMapper json;

    @Inject
    Utf8Bodies(@ConfigProperty(name = "quarkus.http.limits.max-body-size") MemorySize maxBodySize, ObjectMapper json)
            throws JsonProcessingException {
        this.maxBodyBytes = maxBodySize.asLongValue();
        this.json = json;
        this.notUtf8 = json.writeValueAsString(
                ErrorBody.of("invalid_request_error", "invalid_request", "the request body is not valid UTF-8", null));
    }

    void install(@Observes Router router) {
        // after BodyLimit (which refuses oversized bodies first), before the resources read the body
        BodyHandler read = BodyHandler.create(false).setBodyLimit(maxBodyBytes);
        router.route().order(Integer.MIN_VALUE + 2).handler(ctx -> {
            if (!isApiBody(ctx)) {
                ctx.next();
                return;
            }
            String charset = charsetOf(ctx.request().getHeader(HttpHeaders.CONTENT_TYPE));
            if (charset != null && !ACCEPTED.contains(charset)) {
                answer(ctx, 415, unsupported(charset));
                return;
            }
            if ("0".equals(ctx.request().getHeader(HttpHeaders.CONTENT_LENGTH))
                    || ctx.request().isEnded()) {
                ctx.next(); // nothing (more) to read: a body handler would wait for an end that already came
            } else {
                read.handle(ctx);
            }
        });
        router.route().order(Integer.MIN_VALUE + 3).handler(ctx -> {
            if (isApiBody(ctx) && ctx.body().available() && !isUtf8(ctx.body().buffer())) {
                answer(ctx, 400, notUtf8);
                return;
            }
            ctx.next();
        });
    }

    private static boolean isApiBody(RoutingContext ctx) {
        String path = ctx.normalizedPath();
        return BodyLimit.MAY_HAVE_BODY.contains(ctx.request().method())
                && (path.startsWith("/v1/") || path.startsWith("/admin/"))
                && !Limits.STREAMED_UPLOADS.contains(path);
    }

    /** The charset parameter of a Content-Type, lower case and unquoted; null when there is none. */
    static String charsetOf(String contentType) {
        if (contentType == null) {
            return null;
        }
        for (String part : contentType.split(";")) {
            String p = part.trim();
            int eq = p.indexOf('=');
            if (eq > 0 && p.substring(0, eq).trim().equalsIgnoreCase("charset")) {
                String value = p.substring(eq + 1).trim();
                if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
                    value = value.substring(1, value.length() - 1);
                }
                return value.toLowerCase(Locale.ROOT);
            }
        }
        return null;
    }

    static boolean isUtf8(Buffer body) {
        if (body == null || body.length() == 0) {
            return true;
        }
        try {
            StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(body.getBytes()));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    private String unsupported(String charset) {
        String shown = charset.length() > 40 ? charset.substring(0, 40) + "…" : charset;
        try {
            return json.writeValueAsString(ErrorBody.of(
                    "invalid_request_error",
                    "unsupported_media_type",
                    "request bodies are JSON in UTF-8; charset=" + shown.replaceAll("[^\\x21-\\x7e]", "?")
                            + " is not accepted",
                    null));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void answer(RoutingContext ctx, int status, String body) {
        ctx.response()
                .setStatusCode(status)
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .end(body);
    }
}
