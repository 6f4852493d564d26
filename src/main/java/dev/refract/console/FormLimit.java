package dev.refract.console;

import dev.refract.http.BodyLimit;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * The console's forms are small (the longest field is a reason of 500 characters), so a post to the console must
 * declare its length, and at most {@link #MAX_FORM_BYTES}: it is refused before any of it is read, rather than
 * halfway through parsing. Browsers always declare the length of a form.
 */
@ApplicationScoped
class FormLimit {

    static final long MAX_FORM_BYTES = 32 * 1024;

    void install(@Observes Router router) {
        router.route("/console/*").order(Integer.MIN_VALUE + 2).handler(ctx -> {
            if (ctx.request().method() != HttpMethod.POST) {
                ctx.next();
                return;
            }
            long length = BodyLimit.declaredLength(ctx.request().getHeader(HttpHeaders.CONTENT_LENGTH));
            if (length < 0) {
                refuse(ctx, 411, "A form to the console must declare its length.");
            } else if (length > MAX_FORM_BYTES) {
                refuse(ctx, 413, "This form is larger than the console accepts.");
            } else {
                ctx.next();
            }
        });
    }

    private static void refuse(RoutingContext ctx, int status, String message) {
        ctx.response()
                .setStatusCode(status)
                .putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; charset=UTF-8")
                .putHeader(HttpHeaders.CONNECTION, "close")
                .end(message);
    }
}
