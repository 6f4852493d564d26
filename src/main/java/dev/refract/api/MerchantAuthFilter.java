package dev.refract.api;

import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/** Authenticates every {@link MerchantApi} operation: its merchant, or a 401 before the operation runs. */
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
        return auth.authenticate(request.getHeaderString(HttpHeaders.AUTHORIZATION))
                .invoke(current::set)
                .replaceWithVoid();
    }
}
