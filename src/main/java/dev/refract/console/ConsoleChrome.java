package dev.refract.console;

import dev.refract.admin.Caller;
import dev.refract.admin.Role;
import dev.refract.http.ApiException;
import dev.refract.http.ErrorStatus;
import dev.refract.refund.RefundError;
import dev.refract.store.DatabaseDown;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * What every page of the console shares: the frame it is drawn in ({@code layout.html}: the tabs, who is signed in,
 * the session's CSRF token for every form, a notice or an error), rendering with a status, the page for what does
 * not exist, and the answers to a refused form or a failure no page answered itself. A page is a class of its own
 * beside this one: its routes, its template folder named after it, and a tab in {@code layout.html}.
 */
@ApplicationScoped
public class ConsoleChrome {

    private static final Logger LOG = Logger.getLogger(ConsoleChrome.class);

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance notFound(Views.Chrome chrome, String what);
    }

    private final ConsoleSession session;

    ConsoleChrome(ConsoleSession session) {
        this.session = session;
    }

    /** The frame of a page: its title, the tab it lights, and what to tell the operator (null for nothing). */
    Views.Chrome chrome(String title, String tab, String notice, String error) {
        Caller caller = session.caller();
        return new Views.Chrome(
                title,
                tab,
                session.csrfToken(),
                notice,
                error,
                caller == null ? null : caller.actor().display(),
                caller == null ? null : caller.role().word(),
                session.may(Role.OPERATOR),
                session.may(Role.ADMIN));
    }

    Uni<Response> notFound(String what) {
        return render(Templates.notFound(chrome("Not found", "", null, null), what), 404);
    }

    static Uni<Response> render(TemplateInstance page, int status) {
        return page.createUni()
                .map(html -> Response.status(status)
                        .type(MediaType.TEXT_HTML_TYPE.withCharset("UTF-8"))
                        .entity(html)
                        .build());
    }

    /** The notice a page shows after one of its actions redirected to it with {@code ?done=<what>}. */
    static String notice(Map<String, String> notices, String done) {
        return done == null ? null : notices.get(done);
    }

    /** A form without the session's CSRF token, or with another session's. */
    static Response forbidden() {
        return Response.status(Response.Status.FORBIDDEN)
                .type(MediaType.TEXT_PLAIN_TYPE)
                .entity("This form has expired or did not come from the console. Go back, reload the page and try"
                        + " again.")
                .build();
    }

    /** Failures an operator can act on, answered on the page; anything else is the server's 500. */
    static boolean answerable(Throwable e) {
        return e instanceof ApiException || e instanceof RefundError;
    }

    static int statusOf(Throwable e) {
        if (e instanceof ApiException api) {
            return api.status();
        }
        return ErrorStatus.of(((RefundError) e).code()).status();
    }

    /**
     * What a console request that failed and that no page answered itself gets: the reason where the operator can
     * act on it, the database out of reach as a 503, an unexpected failure as a 500 that says it is logged, never
     * its details. Every page class maps its failures here ({@code @ServerExceptionMapper}), rather than to the
     * API's JSON.
     */
    static Response failurePage(Throwable e) {
        if (answerable(e)) {
            return text(statusOf(e), e.getMessage());
        }
        if (DatabaseDown.isDatabaseDown(e)) {
            return text(503, "The database cannot be reached just now. Try again in a moment.");
        }
        LOG.error("console: a page failed", e);
        return text(500, "Something went wrong; it is logged. Try again, or look at the service's log.");
    }

    private static Response text(int status, String message) {
        return Response.status(status)
                .type(MediaType.TEXT_PLAIN_TYPE.withCharset("UTF-8"))
                .entity(message)
                .build();
    }
}
