package dev.refract.console;

import dev.refract.admin.AdminToken;
import dev.refract.admin.Caller;
import dev.refract.admin.Operators;
import dev.refract.store.ConsoleSessionStore;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateData;
import io.quarkus.qute.TemplateInstance;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.container.ContainerRequestContext;
import java.time.Duration;
import java.time.Instant;

/**
 * Console sessions and the page that opens them: a session is made at a sign-in of either kind (the admin token,
 * or the provider's code flow), carrying whose it is and its role, and ended at sign-out.
 */
@ApplicationScoped
class SignIns {

    /** What the sign-in page offers: the provider's button, the token's form, or both. */
    @TemplateData
    record Offer(String message, boolean failed, boolean tokenEnabled, boolean providerEnabled, String providerName) {}

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance signIn(Offer offer);
    }

    private final ConsoleSessionStore store;
    private final ConsoleSettings settings;
    private final SessionCookies cookies;
    private final AdminToken adminToken;
    private final Operators operators;

    SignIns(
            ConsoleSessionStore store,
            ConsoleSettings settings,
            SessionCookies cookies,
            AdminToken adminToken,
            Operators operators) {
        this.store = store;
        this.settings = settings;
        this.cookies = cookies;
        this.adminToken = adminToken;
        this.operators = operators;
    }

    /** The sign-in page, with a message (an error where {@code failed}). */
    TemplateInstance page(String message, boolean failed) {
        return Templates.signIn(new Offer(
                message, failed, adminToken.enabled(), operators.providerEnabled(), operators.providerName()));
    }

    /** A new session of the caller, with its role; answers the Set-Cookie header that carries it. */
    Uni<String> open(ContainerRequestContext request, Caller caller) {
        String id = SessionIds.random();
        Duration ttl = settings.sessionTtl();
        return store.create(
                        SessionIds.hash(id),
                        SessionIds.random(),
                        Instant.now().plus(ttl),
                        caller.actor(),
                        caller.role().word())
                .map(created -> cookies.session(request, id, ttl));
    }

    Uni<Void> close(String idHash) {
        return store.delete(idHash);
    }

    String cleared(ContainerRequestContext request) {
        return cookies.cleared(request);
    }
}
