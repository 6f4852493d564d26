package dev.refract.admin;

import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * The static admin token ({@code refract.admin.token}): bootstrap and automation, acting as an admin, compared in
 * constant time (digests of equal length, compared whole). {@code refract.admin.token-enabled=false} switches it off
 * once operators sign in through the provider.
 */
@ApplicationScoped
public class AdminToken {

    private static final Logger LOG = Logger.getLogger(AdminToken.class);
    static final int MAX_TOKEN_LENGTH = 4096;
    /** Shorter than this, a token could be guessed at the console's sign-in or the admin API, which do not throttle. */
    static final int STRONG_TOKEN_LENGTH = 32;

    private final byte[] tokenDigest;
    private final boolean weak;
    private final boolean configuredButOff;
    private final boolean providerEnabled;

    AdminToken(
            AdminSettings settings,
            @ConfigProperty(name = "quarkus.oidc.tenant-enabled", defaultValue = "false") boolean providerEnabled) {
        boolean set = settings.token().filter(t -> !t.isBlank()).isPresent();
        this.tokenDigest =
                set && settings.tokenEnabled() ? digest(settings.token().orElseThrow()) : null;
        this.weak =
                tokenDigest != null && settings.token().orElseThrow().strip().length() < STRONG_TOKEN_LENGTH;
        this.configuredButOff = set && !settings.tokenEnabled();
        this.providerEnabled = providerEnabled;
    }

    /** Says at start what an operator must fix: nobody can get in, or a token short enough to be guessed. */
    void onStart(@Observes StartupEvent started) {
        if (tokenDigest == null && !providerEnabled) {
            LOG.warn(
                    "no admin token (REFRACT_ADMIN_TOKEN) and no OpenID Connect provider (QUARKUS_OIDC_AUTH_SERVER_URL):"
                            + " the admin API and the console refuse everyone");
        } else if (weak) {
            LOG.warnf(
                    "the admin token (REFRACT_ADMIN_TOKEN) is shorter than %d characters: anyone who guesses it "
                            + "administers Refract; use %d or more random characters (openssl rand -hex 32)",
                    STRONG_TOKEN_LENGTH, STRONG_TOKEN_LENGTH);
        }
        if (configuredButOff) {
            LOG.info("the admin token is switched off (refract.admin.token-enabled=false): it is refused everywhere");
        }
    }

    /** Whether the token is on: set, and not switched off. */
    public boolean enabled() {
        return tokenDigest != null;
    }

    /** Whether {@code presented} is the admin token; never, when none is configured or it is switched off. */
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
