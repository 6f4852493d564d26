package dev.refract.api;

import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Authenticates every {@link MerchantApi} operation: its merchant, or a 401 (403 for a read-only key and a method
 * other than GET) before the operation runs. The method decides, not the route: a new write route is refused to a
 * read-only key without anyone having to remember it.
 */
public class MerchantAuthFilter {

    private final MerchantAuth auth;
    private final AuthenticatedMerchant current;

    MerchantAuthFilter(MerchantAuth auth, AuthenticatedMerchant current) {
        this.auth = auth;
        this.current = current;
    }

    @MerchantApi
    @ServerRequestFilter
    Uni<Void> authenticate(ContainerRequestContext request) {
        return auth.authenticate(request.getHeaderString(HttpHeaders.AUTHORIZATION), request.getMethod())
                .invoke(current::set)
                .replaceWithVoid();
    }
}
