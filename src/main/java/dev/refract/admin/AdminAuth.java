package dev.refract.admin;

import dev.refract.http.ApiException;
import dev.refract.http.Bearer;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Checks the admin bearer token of every operator operation, in constant time (digests of equal length, compared
 * whole).
 */
@ApplicationScoped
public class AdminAuth {

    private static final Logger LOG = Logger.getLogger(AdminAuth.class);
    private static final int MAX_TOKEN_LENGTH = 4096;
    /** Shorter than this, a token could be guessed at the console's sign-in or the admin API, which do not throttle. */
    static final int STRONG_TOKEN_LENGTH = 32;

    private final byte[] tokenDigest;
    private final boolean weak;

    AdminAuth(AdminSettings settings) {
        this.tokenDigest = settings.token()
                .filter(t -> !t.isBlank())
                .map(AdminAuth::digest)
                .orElse(null);
        this.weak = settings.token()
                .filter(t -> !t.isBlank() && t.strip().length() < STRONG_TOKEN_LENGTH)
                .isPresent();
    }

    /** Says at start what an operator must fix: no admin token, or one short enough to be guessed (never the token). */
    void onStart(@Observes StartupEvent started) {
        if (tokenDigest == null) {
            LOG.warn("no admin token (REFRACT_ADMIN_TOKEN): the admin API and the console refuse everyone");
        } else if (weak) {
            LOG.warnf(
                    "the admin token (REFRACT_ADMIN_TOKEN) is shorter than %d characters: anyone who guesses it "
                            + "administers Refract; use %d or more random characters (openssl rand -hex 32)",
                    STRONG_TOKEN_LENGTH, STRONG_TOKEN_LENGTH);
        }
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
