package dev.refract.console;

import dev.refract.admin.AdminAuth;
import dev.refract.store.ConsoleSessionStore;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.RestQuery;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Signing in to the console and out of it. The admin token is typed into a form and posted, never put in a URL;
 * it is checked in constant time and exchanged for a session cookie, and it is never written back into a page or
 * a log line.
 */
@Path("/console")
@Produces(MediaType.TEXT_HTML)
@ConsolePage
public class SignInResource {

    private static final Logger LOG = Logger.getLogger(SignInResource.class);

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance signIn(String message, boolean failed);
    }

    private final AdminAuth admin;
    private final ConsoleSessionStore sessions;
    private final ConsoleSettings settings;
    private final SessionCookies cookies;
    private final ConsoleSession session;

    SignInResource(
            AdminAuth admin,
            ConsoleSessionStore sessions,
            ConsoleSettings settings,
            SessionCookies cookies,
            ConsoleSession session) {
        this.admin = admin;
        this.sessions = sessions;
        this.settings = settings;
        this.cookies = cookies;
        this.session = session;
    }

    @GET
    @Path("/sign-in")
    public Uni<String> form(@RestQuery("session") String session) {
        String message = "expired".equals(session)
                ? "Your session has ended. Sign in again."
                : "signed-out".equals(session) ? "You are signed out." : null;
        return Templates.signIn(message, false).createUni();
    }

    @POST
    @Path("/sign-in")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Uni<Response> signIn(@RestForm("token") String token, @Context ContainerRequestContext request) {
        // a form from another site was refused before this (ConsoleGate.refuseOtherSites)
        if (!admin.accepts(token)) {
            LOG.warn("console sign-in refused");
            return Templates.signIn("That is not the admin token.", true)
                    .createUni()
                    .map(page -> Response.status(Response.Status.UNAUTHORIZED)
                            .type(MediaType.TEXT_HTML_TYPE)
                            .entity(page)
                            .build());
        }
        String id = SessionIds.random();
        Duration ttl = settings.sessionTtl();
        return sessions.create(
                        SessionIds.hash(id), SessionIds.random(), Instant.now().plus(ttl))
                .map(created -> {
                    LOG.info("console sign-in");
                    return Response.seeOther(URI.create("/console/refunds"))
                            .header(HttpHeaders.SET_COOKIE, cookies.session(request, id, ttl))
                            .build();
                });
    }

    /**
     * Ends the session everywhere (it is deleted, not only forgotten by this browser). Needs the session's CSRF
     * token, so that no other site can sign an operator out.
     */
    @POST
    @Path("/sign-out")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @ConsoleAccess
    public Uni<Response> signOut(@RestForm("csrf") String csrf, @Context ContainerRequestContext request) {
        if (!session.acceptsCsrf(csrf)) {
            return Uni.createFrom().item(ConsoleChrome.forbidden());
        }
        return sessions.delete(session.idHash())
                .map(deleted -> Response.seeOther(URI.create(ConsoleGate.SIGN_IN + "?session=signed-out"))
                        .header(HttpHeaders.SET_COOKIE, cookies.cleared(request))
                        .build());
    }

    @ServerExceptionMapper
    Response failure(Throwable e) {
        return ConsoleChrome.failurePage(e);
    }
}
