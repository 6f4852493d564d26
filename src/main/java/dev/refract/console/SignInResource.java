package dev.refract.console;

import dev.refract.admin.AdminToken;
import dev.refract.admin.Caller;
import dev.refract.admin.Role;
import dev.refract.admin.RoleRequired;
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
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.RestQuery;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Signing in to the console and out of it: as oneself through the OpenID Connect provider ({@link SsoSignIn}), or
 * with the admin token where it is on. The token is typed into a form and posted, never put in a URL; it is checked
 * in constant time and exchanged for a session cookie, and it is never written back into a page or a log line.
 */
@Path("/console")
@Produces(MediaType.TEXT_HTML)
@ConsolePage
public class SignInResource {

    private static final Logger LOG = Logger.getLogger(SignInResource.class);

    private final AdminToken adminToken;
    private final SignIns sessions;
    private final ConsoleSession session;

    SignInResource(AdminToken adminToken, SignIns sessions, ConsoleSession session) {
        this.adminToken = adminToken;
        this.sessions = sessions;
        this.session = session;
    }

    @GET
    @Path("/sign-in")
    public Uni<String> form(@RestQuery("session") String session) {
        String message = switch (session == null ? "" : session) {
            case "expired" -> "Your session has ended. Sign in again.";
            case "signed-out" -> "You are signed out.";
            default -> null;
        };
        return sessions.page(message, false).createUni();
    }

    @POST
    @Path("/sign-in")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Uni<Response> signIn(@RestForm("token") String token, @Context ContainerRequestContext request) {
        // a form from another site was refused before this (ConsoleGate.refuseOtherSites)
        if (!adminToken.accepts(token)) {
            LOG.warn("console sign-in refused");
            return sessions.page(
                            adminToken.enabled() ? "That is not the admin token." : "The admin token is switched off.",
                            true)
                    .createUni()
                    .map(page -> Response.status(Response.Status.UNAUTHORIZED)
                            .type(MediaType.TEXT_HTML_TYPE)
                            .entity(page)
                            .build());
        }
        return sessions.open(request, Caller.ADMIN_TOKEN).map(cookie -> {
            LOG.info("console sign-in");
            return Response.seeOther(URI.create("/console/refunds"))
                    .header(HttpHeaders.SET_COOKIE, cookie)
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
    @RoleRequired(Role.VIEWER)
    public Uni<Response> signOut(@RestForm("csrf") String csrf, @Context ContainerRequestContext request) {
        if (!session.acceptsCsrf(csrf)) {
            return Uni.createFrom().item(ConsoleChrome.forbidden());
        }
        return sessions.close(session.idHash())
                .map(deleted -> Response.seeOther(URI.create(ConsoleGate.SIGN_IN + "?session=signed-out"))
                        .header(HttpHeaders.SET_COOKIE, sessions.cleared(request))
                        .build());
    }

    @ServerExceptionMapper
    Response failure(Throwable e) {
        return ConsoleChrome.failurePage(e);
    }
}
