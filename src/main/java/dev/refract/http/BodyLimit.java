package dev.refract.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.Set;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Refuses a body past {@code quarkus.http.limits.max-body-size} with the API's error shape rather than the HTTP
 * layer's empty 413, and closes the connection so the rest of the upload is not taken. A declared length is refused
 * before any of the body is read; a body streamed without one is read here up to the limit. Smaller per-endpoint
 * limits are checked where the body is read ({@link Limits}).
 */
@ApplicationScoped
public class BodyLimit {

    static final Set<HttpMethod> MAY_HAVE_BODY = Set.of(HttpMethod.POST, HttpMethod.PUT, HttpMethod.PATCH);

    private final long maxBodyBytes;
    private final String answer;

    @Inject
    BodyLimit(
            @ConfigProperty(name = "quarkus.http.limits.max-body-size") MemorySize maxBodySize,
            @ConfigProperty(name = "quarkus.rest.input-buffer-size") MemorySize restInputBuffer,
            ObjectMapper json)
            throws JsonProcessingException {
        this.maxBodyBytes = maxBodySize.asLongValue();
        if (restInputBuffer.asLongValue() < maxBodyBytes) {
            // a body read here or by Utf8Bodies is handed to REST whole; past its input buffer REST switches to a
            // blocking stream and the resource reads zeros instead of the body (see application.properties)
            throw new IllegalStateException("quarkus.http.limits.max-body-size (" + maxBodyBytes
                    + " bytes) is larger than quarkus.rest.input-buffer-size (" + restInputBuffer.asLongValue()
                    + " bytes), which is fixed when the application is built: bodies between the two would reach "
                    + "the resources corrupted. Build with quarkus.rest.input-buffer-size at least max-body-size.");
        }
        ApiException tooLarge = Limits.tooLarge(maxBodyBytes);
        this.answer = json.writeValueAsString(
                ErrorBody.of(tooLarge.type(), tooLarge.code(), tooLarge.getMessage(), tooLarge.param()));
    }

    void install(@Observes Router router) {
        // after the request id (so the refusal carries one), before the HTTP layer's own limit check
        BodyHandler streamed = BodyHandler.create(false).setBodyLimit(maxBodyBytes);
        router.route()
                .order(Integer.MIN_VALUE + 1)
                .handler(ctx -> {
                    String length = ctx.request().getHeader(HttpHeaders.CONTENT_LENGTH);
                    if (Limits.STREAMED_UPLOADS.contains(ctx.normalizedPath())) {
                        ctx.next(); // a streamed upload enforces its own limit as it reads
                    } else if (declaredLength(length) > maxBodyBytes) {
                        refuse(ctx);
                    } else if (length == null
                            && MAY_HAVE_BODY.contains(ctx.request().method())) {
                        // chunked: read here, up to the limit, and hand the body on (HTTP/1.1 only: the pod does not
                        // speak HTTP/2, see quarkus.http.http2)
                        streamed.handle(ctx);
                    } else {
                        ctx.next();
                    }
                })
                .failureHandler(ctx -> {
                    if (ctx.statusCode() == 413 && !ctx.response().ended()) {
                        refuse(ctx);
                    } else {
                        ctx.next();
                    }
                });
    }

    private void refuse(RoutingContext ctx) {
        ctx.response()
                .setStatusCode(413)
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .putHeader(HttpHeaders.CONNECTION, "close")
                .end(answer);
    }

    /** The declared length; -1 when there is none or it is not a number (the HTTP codec refuses those itself). */
    public static long declaredLength(String header) {
        if (header == null || header.isEmpty() || header.length() > 19) {
            return -1;
        }
        for (int i = 0; i < header.length(); i++) {
            if (header.charAt(i) < '0' || header.charAt(i) > '9') {
                return -1;
            }
        }
        return Long.parseLong(header);
    }
}
