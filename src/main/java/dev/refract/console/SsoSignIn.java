package dev.refract.console;

import dev.refract.admin.Caller;
import dev.refract.admin.Operators;
import dev.refract.http.ApiException;
import io.quarkus.oidc.OidcSession;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.quarkus.security.Authenticated;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * "Sign in with <provider>": the OpenID Connect authorization code flow, run by quarkus-oidc, ends at {@link
 * #callback} ({@code quarkus.oidc.authentication.redirect-path}) with the operator's verified ID token. Its subject,
 * name and roles claim become a console session like any other (shared by every replica, ended by sign-out), and
 * the provider's own session cookie, scoped to this path, is dropped at once: the console keeps one kind of session.
 * The operator's role is the one the provider gave at sign-in.
 */
@Path("/console")
@Produces(MediaType.TEXT_HTML)
@ConsolePage
public class SsoSignIn {

    private static final Logger LOG = Logger.getLogger(SsoSignIn.class);

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance welcome(String who, String role);
    }

    private final Operators operators;
    private final SignIns sessions;
    private final SecurityIdentity identity;
    private final OidcSession oidc;

    SsoSignIn(Operators operators, SignIns sessions, SecurityIdentity identity, OidcSession oidc) {
        this.operators = operators;
        this.sessions = sessions;
        this.identity = identity;
        this.oidc = oidc;
    }

    /** The button's target: on to the provider, or back to the sign-in page where none is configured. */
    @GET
    @Path("/sso")
    public Response start() {
        if (!operators.providerEnabled()) {
            return Response.seeOther(URI.create(ConsoleGate.SIGN_IN)).build();
        }
        return Response.seeOther(URI.create(CALLBACK)).build();
    }

    static final String CALLBACK = "/console/sso/callback";

    /**
     * Where the provider sends the operator back. quarkus-oidc has exchanged the code and verified the ID token
     * (signature, issuer, audience, expiry, state) before this runs; without a session it sends the browser to the
     * provider first.
     */
    @GET
    @Path("/sso/callback")
    @Authenticated
    public Uni<Response> callback(@Context ContainerRequestContext request) {
        Caller caller = operators.of(identity);
        return oidc.logout().chain(() -> sessions.open(request, caller)).chain(cookie -> {
            LOG.infof(
                    "console sign-in through %s: %s (%s)",
                    operators.providerName(),
                    caller.actor().display(),
                    caller.role().word());
            // a page of our own, not a redirect: the browser arrived here from the provider's site, and a
            // SameSite=Strict cookie is only sent on a navigation that starts on ours
            return Templates.welcome(caller.actor().display(), caller.role().word())
                    .createUni()
                    .map(html -> Response.ok(html)
                            .type(MediaType.TEXT_HTML_TYPE.withCharset("UTF-8"))
                            .header(HttpHeaders.SET_COOKIE, cookie)
                            .build());
        });
    }

    /** A token of the provider that gives no Refract role: the sign-in page says so, and nothing is opened. */
    @ServerExceptionMapper
    Uni<Response> refused(ApiException e) {
        LOG.infof("console sign-in through %s refused: %s", operators.providerName(), e.getMessage());
        return oidc.logout()
                .onFailure()
                .recoverWithNull()
                .chain(() -> sessions.page(
                                "You are signed in at " + operators.providerName()
                                        + ", but your account has no Refract role: ask for refract-viewer,"
                                        + " refract-operator or refract-admin.",
                                true)
                        .createUni())
                .map(page -> Response.status(e.status())
                        .type(MediaType.TEXT_HTML_TYPE.withCharset("UTF-8"))
                        .entity(page)
                        .build());
    }
}
