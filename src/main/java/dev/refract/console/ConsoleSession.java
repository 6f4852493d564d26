package dev.refract.console;

import jakarta.enterprise.context.RequestScoped;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/** The signed-in session of the request in progress, set by {@link ConsoleGate}. */
@RequestScoped
public class ConsoleSession {

    private String idHash;
    private String csrfToken;

    void set(String idHash, String csrfToken) {
        this.idHash = idHash;
        this.csrfToken = csrfToken;
    }

    String idHash() {
        return idHash;
    }

    /** The token the page's forms carry; null where no session was found, so that no form can be made without one. */
    String csrfToken() {
        return csrfToken;
    }

    /** Whether a form's token is this session's, compared in constant time. */
    boolean acceptsCsrf(String presented) {
        return csrfToken != null
                && presented != null
                && MessageDigest.isEqual(
                        csrfToken.getBytes(StandardCharsets.US_ASCII), presented.getBytes(StandardCharsets.US_ASCII));
    }
}
