package dev.refract.admin;

import dev.refract.http.ApiException;
import dev.refract.http.Bearer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Checks the admin bearer token of every operator operation, in constant time (digests of equal length, compared
 * whole).
 */
@ApplicationScoped
public class AdminAuth {

    private static final int MAX_TOKEN_LENGTH = 4096;

    private final byte[] tokenDigest;

    AdminAuth(AdminSettings settings) {
        this.tokenDigest = settings.token()
                .filter(t -> !t.isBlank())
                .map(AdminAuth::digest)
                .orElse(null);
    }

    /** Every {@link OperatorApi} operation: the admin token, or a 401 before the operation runs. */
    @OperatorApi
    @ServerRequestFilter
    void check(ContainerRequestContext request) {
        check(request.getHeaderString(HttpHeaders.AUTHORIZATION));
    }

    private void check(String authorization) {
        if (!accepts(Bearer.token(authorization, MAX_TOKEN_LENGTH))) {
            throw ApiException.authenticationRequired();
        }
    }

    /** Whether {@code presented} is the admin token; never, when none is configured. */
    public boolean accepts(String presented) {
        return tokenDigest != null
                && presented != null
                && presented.length() <= MAX_TOKEN_LENGTH
                && MessageDigest.isEqual(tokenDigest, digest(presented));
    }

    private static byte[] digest(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
