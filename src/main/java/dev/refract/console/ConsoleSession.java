package dev.refract.console;

import dev.refract.admin.Caller;
import dev.refract.admin.Role;
import dev.refract.refund.Actor;
import jakarta.enterprise.context.RequestScoped;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/** The signed-in session of the request in progress, set by {@link ConsoleGate}: whose it is, and its role. */
@RequestScoped
public class ConsoleSession {

    private String idHash;
    private String csrfToken;
    private Caller caller;

    void set(String idHash, String csrfToken, Caller caller) {
        this.idHash = idHash;
        this.csrfToken = csrfToken;
        this.caller = caller;
    }

    String idHash() {
        return idHash;
    }

    /** The token the page's forms carry; null where no session was found, so that no form can be made without one. */
    String csrfToken() {
        return csrfToken;
    }

    /** Who is signed in; null where no session was found. */
    Caller caller() {
        return caller;
    }

    /** The actor of this session's actions; ConsoleGate lets no action run without a session. */
    Actor actor() {
        return caller.actor();
    }

    boolean may(Role role) {
        return caller != null && caller.may(role);
    }

    /** Whether a form's token is this session's, compared in constant time. */
    boolean acceptsCsrf(String presented) {
        return csrfToken != null
                && presented != null
                && MessageDigest.isEqual(
                        csrfToken.getBytes(StandardCharsets.US_ASCII), presented.getBytes(StandardCharsets.US_ASCII));
    }
}
