package dev.refract.http;

import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.UUID;
import java.util.regex.Pattern;
import org.jboss.logging.MDC;

/**
 * Gives every HTTP request an id, API and {@code /q/*} alike: the caller's {@code X-Request-Id} when it is a sane
 * token, else a fresh one. It is on every log line of the request (MDC {@code request_id}, carried by the request's
 * Vert.x context through reactive code) and echoed in the answer, so a support ticket leads to the log lines.
 */
@ApplicationScoped
public class RequestIds {

    static final String HEADER = "X-Request-Id";
    static final String MDC_KEY = "request_id";
    private static final Pattern SANE = Pattern.compile("[A-Za-z0-9._:-]{1,64}");

    void install(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE).handler(ctx -> {
            String given = ctx.request().getHeader(HEADER);
            String id = given != null && SANE.matcher(given).matches()
                    ? given
                    : "req_" + UUID.randomUUID().toString().replace("-", "");
            MDC.put(MDC_KEY, id);
            ctx.addHeadersEndHandler(v -> ctx.response().putHeader(HEADER, id));
            ctx.next();
        });
    }
}
