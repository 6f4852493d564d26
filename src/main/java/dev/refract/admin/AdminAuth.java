package dev.refract.admin;

import dev.refract.http.ApiException;
import dev.refract.http.Bearer;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.HttpHeaders;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * The door of every admin operation ({@link OperatorApi}): who is calling (the admin token, or an operator's access
 * token from the provider), then whether their role allows the operation ({@link RoleRequired}; admin where the
 * operation says nothing), before it runs. 401 for no or a bad credential, 403 {@code permission_denied} for too weak
 * a role; each refusal is logged with the request's method and path, never with the credential.
 */
@ApplicationScoped
public class AdminAuth {

    private static final Logger LOG = Logger.getLogger(AdminAuth.class);
    /** Room for a provider's access token with many groups; past it no token is read at all. */
    private static final int MAX_BEARER = 16_384;

    private final Operators operators;
    private final CurrentCaller current;

    AdminAuth(Operators operators, CurrentCaller current) {
        this.operators = operators;
        this.current = current;
    }

    @OperatorApi
    @ServerRequestFilter
    Uni<Void> check(ContainerRequestContext request, ResourceInfo resource) {
        String what = request.getMethod() + " " + request.getUriInfo().getPath();
        String token = Bearer.token(request.getHeaderString(HttpHeaders.AUTHORIZATION), MAX_BEARER);
        if (token == null) {
            LOG.infof("admin API: refused %s: no bearer credential", what);
            return Uni.createFrom().failure(ApiException.authenticationRequired());
        }
        Role needed = Role.neededBy(resource.getResourceMethod(), resource.getResourceClass());
        return operators
                .ofBearer(token)
                .onFailure(ApiException.class)
                .invoke(e ->
                        LOG.infof("admin API: refused %s: %s (%d)", what, e.getMessage(), ((ApiException) e).status()))
                .map(caller -> {
                    if (!caller.may(needed)) {
                        LOG.infof(
                                "admin API: refused %s to %s: role %s, needs %s",
                                what, caller.actor().display(), caller.role().word(), needed.word());
                        throw ApiException.permissionDenied("this needs the role " + needed.group() + "; "
                                + caller.actor().display() + " has "
                                + caller.role().group());
                    }
                    current.set(caller);
                    return null;
                })
                .replaceWithVoid();
    }
}
