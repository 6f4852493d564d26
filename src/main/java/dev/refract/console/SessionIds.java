package dev.refract.console;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** Session ids and CSRF tokens: 256 random bits each, base64url; the store keeps only an id's SHA-256. */
final class SessionIds {

    static final String COOKIE = "refract_console";

    private static final Pattern SHAPE = Pattern.compile("[A-Za-z0-9_-]{43}");

    private SessionIds() {}

    /** A fresh generator each time (a sign-in makes two): never one seeded when the class was initialized. */
    static String random() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** Whether a cookie's value could be an id this console gave out; anything else is not looked up. */
    static boolean wellFormed(String id) {
        return id != null && SHAPE.matcher(id).matches();
    }

    static String hash(String id) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(id.getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }
}
