package dev.refract.admin;

import dev.refract.http.ApiException;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** Checks the admin bearer token in constant time (digests of equal length, compared whole). */
@ApplicationScoped
public class AdminAuth {

    private final byte[] tokenDigest;

    AdminAuth(AdminSettings settings) {
        this.tokenDigest = settings.token().filter(t -> !t.isBlank()).map(AdminAuth::digest).orElse(null);
    }

    public void check(String authorization) {
        String presented = authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)
                ? authorization.substring(7).trim() : null;
        if (tokenDigest == null || presented == null || !MessageDigest.isEqual(tokenDigest, digest(presented))) {
            throw ApiException.authenticationRequired();
        }
    }

    private static byte[] digest(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
