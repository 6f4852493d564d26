package dev.refract.console;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.container.ContainerRequestContext;
import java.time.Duration;
import java.util.Locale;

/** The session cookie: HttpOnly, SameSite=Strict, scoped to the console's paths, Secure where TLS is used. */
@ApplicationScoped
class SessionCookies {

    private final ConsoleSettings settings;

    SessionCookies(ConsoleSettings settings) {
        this.settings = settings;
    }

    String session(ContainerRequestContext request, String id, Duration maxAge) {
        return cookie(request, id, maxAge);
    }

    /** Tells the browser to forget the cookie. */
    String cleared(ContainerRequestContext request) {
        return cookie(request, "", Duration.ZERO);
    }

    private String cookie(ContainerRequestContext request, String value, Duration maxAge) {
        StringBuilder cookie = new StringBuilder(SessionIds.COOKIE)
                .append('=')
                .append(value)
                .append("; Path=/console; Max-Age=")
                .append(maxAge.toSeconds())
                .append("; HttpOnly; SameSite=Strict");
        if (settings.secureCookie().orElseGet(() -> overTls(request))) {
            cookie.append("; Secure");
        }
        return cookie.toString();
    }

    private static boolean overTls(ContainerRequestContext request) {
        String forwarded = request.getHeaderString("X-Forwarded-Proto");
        return "https".equalsIgnoreCase(request.getUriInfo().getRequestUri().getScheme())
                || (forwarded != null && forwarded.toLowerCase(Locale.ROOT).startsWith("https"));
    }
}
