package dev.refract.http;

/** The token of an {@code Authorization: Bearer <token>} header, read the same way by every API. */
public final class Bearer {

    private Bearer() {}

    /** The token of a well-formed header (scheme case-insensitive), or null: absent, another scheme, empty, too long. */
    public static String token(String authorization, int maxLength) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        String token = authorization.substring(7).trim();
        return token.isEmpty() || token.length() > maxLength ? null : token;
    }
}
