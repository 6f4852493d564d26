package dev.refract.console;

import dev.refract.admin.Caller;
import dev.refract.admin.Role;
import dev.refract.admin.RoleRequired;
import dev.refract.store.ConsoleSessionStore;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.Cookie;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

/**
 * The console's door. A page behind it needs a live session (its cookie's id, looked up by hash); without one the
 * browser is sent to sign in. A request that would change something is refused when the browser says it comes
 * from another site (Origin, Sec-Fetch-Site); its form must also carry the session's CSRF token, which each action
 * checks ({@link ConsoleSession#acceptsCsrf}). Every answer carries headers that keep it out of caches and frames
 * and allow no script at all.
 */
public class ConsoleGate {

    private static final Logger LOG = Logger.getLogger(ConsoleGate.class);
    static final String SIGN_IN = "/console/sign-in";

    /** No script, no plug-in, no frame, no form posted elsewhere: the pages need nothing but their stylesheet. */
    static final String POLICY = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
            + "frame-ancestors 'none'; base-uri 'none'";

    private final ConsoleSessionStore sessions;
    private final ConsoleSession current;
    private final SessionCookies cookies;

    ConsoleGate(ConsoleSessionStore sessions, ConsoleSession current, SessionCookies cookies) {
        this.sessions = sessions;
        this.current = current;
        this.cookies = cookies;
    }

    /**
     * Every request of the console that could change something, sign-in and sign-out included, is refused when the
     * browser says it was sent from another site; before the session is looked up, so also without one.
     */
    @ConsolePage
    @ServerRequestFilter(priority = Priorities.AUTHENTICATION)
    Response refuseOtherSites(ContainerRequestContext request) {
        if ("GET".equals(request.getMethod()) || "HEAD".equals(request.getMethod()) || !fromAnotherSite(request)) {
            return null;
        }
        LOG.warnf("console: refused a %s sent from another site", request.getMethod());
        return Response.status(Response.Status.FORBIDDEN)
                .type(MediaType.TEXT_PLAIN_TYPE)
                .entity("This form was sent from another site.")
                .build();
    }

    /**
     * A page or action behind the sign-in needs a live session, and a role that allows it ({@link RoleRequired} on
     * the method or its class; admin where neither says): a viewer who posts an operator's form anyway is refused
     * with 403 before the action runs.
     */
    @ConsoleAccess
    @ServerRequestFilter
    Uni<Response> requireSession(ContainerRequestContext request, ResourceInfo resource) {
        Cookie cookie = request.getCookies().get(SessionIds.COOKIE);
        if (cookie == null || !SessionIds.wellFormed(cookie.getValue())) {
            return Uni.createFrom().item(toSignIn(request, false));
        }
        String idHash = SessionIds.hash(cookie.getValue());
        Role needed = Role.neededBy(resource.getResourceMethod(), resource.getResourceClass());
        return sessions.session(idHash).map(found -> {
            if (found == null) {
                return toSignIn(request, true);
            }
            Caller caller = new Caller(found.actor(), Role.of(found.role()));
            current.set(idHash, found.csrfToken(), caller);
            if (!caller.may(needed)) {
                LOG.infof(
                        "console: refused %s %s to %s: role %s, needs %s",
                        request.getMethod(),
                        request.getUriInfo().getPath(),
                        caller.actor().display(),
                        caller.role().word(),
                        needed.word());
                return Response.status(Response.Status.FORBIDDEN)
                        .type(MediaType.TEXT_PLAIN_TYPE.withCharset("UTF-8"))
                        .entity("Your role (" + caller.role().word() + ") cannot do this; it needs " + needed.group()
                                + ".")
                        .build();
            }
            return null;
        });
    }

    @ConsolePage
    @ServerResponseFilter
    void secureHeaders(ContainerResponseContext response) {
        response.getHeaders().putSingle(HttpHeaders.CACHE_CONTROL, "no-store");
        response.getHeaders().putSingle("Content-Security-Policy", POLICY);
        response.getHeaders().putSingle("X-Frame-Options", "DENY");
        response.getHeaders().putSingle("X-Content-Type-Options", "nosniff");
        response.getHeaders().putSingle("Referrer-Policy", "same-origin");
    }

    private Response toSignIn(ContainerRequestContext request, boolean expired) {
        Response.ResponseBuilder redirect =
                Response.seeOther(URI.create(SIGN_IN + (expired ? "?session=expired" : "")));
        if (expired) {
            redirect.header(HttpHeaders.SET_COOKIE, cookies.cleared(request));
        }
        return redirect.build();
    }

    /**
     * Browsers name the site a form came from. Sec-Fetch-Site, which no page can set, decides where a browser sends
     * it: cross-site or same-site (another subdomain) is another site. Else an Origin other than the console's own
     * host (or the opaque {@code null}) is; a request naming neither (curl) is left to the CSRF token.
     */
    private static boolean fromAnotherSite(ContainerRequestContext request) {
        String site = request.getHeaderString("Sec-Fetch-Site");
        if (site != null) {
            return !site.equals("same-origin") && !site.equals("none");
        }
        String origin = request.getHeaderString("Origin");
        if (origin == null) {
            return false;
        }
        String host = request.getHeaderString(HttpHeaders.HOST);
        try {
            URI uri = URI.create(origin);
            String authority = uri.getPort() == -1 ? uri.getHost() : uri.getHost() + ":" + uri.getPort();
            return host == null || uri.getHost() == null || !authority.equalsIgnoreCase(host);
        } catch (IllegalArgumentException e) {
            return true;
        }
    }
}
