package dev.refract.admin;

import dev.refract.http.ApiException;
import dev.refract.refund.Actor;
import io.quarkus.security.identity.CurrentIdentityAssociation;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Supplier;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jboss.logging.Logger;

/**
 * Who an operator is, and their role: from the static admin token, or from a token the OpenID Connect provider
 * issued (verified by quarkus-oidc: signature, issuer, audience, expiry) and the roles claim it carries. A token
 * is never logged, nor written anywhere; a refusal says why in words.
 */
@ApplicationScoped
public class Operators {

    private static final Logger LOG = Logger.getLogger(Operators.class);

    private final AdminToken adminToken;
    private final OperatorSettings settings;
    private final CurrentIdentityAssociation identities;
    private final boolean providerEnabled;

    Operators(
            AdminToken adminToken,
            OperatorSettings settings,
            CurrentIdentityAssociation identities,
            @ConfigProperty(name = "quarkus.oidc.tenant-enabled", defaultValue = "false") boolean providerEnabled) {
        this.adminToken = adminToken;
        this.settings = settings;
        this.identities = identities;
        this.providerEnabled = providerEnabled;
    }

    /** Whether an OpenID Connect provider is configured ({@code quarkus.oidc.auth-server-url}). */
    public boolean providerEnabled() {
        return providerEnabled;
    }

    public String providerName() {
        return settings.providerName();
    }

    /**
     * The caller of a request whose bearer token is {@code token} (already read from its Authorization header): the
     * admin token, or an access token of the provider, verified by quarkus-oidc for this request. 401 for a token
     * that is neither, 403 {@code permission_denied} for a provider's token that gives no Refract role.
     */
    public Uni<Caller> ofBearer(String token) {
        return ofBearer(token, identities::getDeferredIdentity);
    }

    /**
     * The same, with the provider's verification of this request given: a route of the HTTP layer, outside REST's
     * request context, asks Quarkus' authenticator for its routing context.
     */
    public Uni<Caller> ofBearer(String token, Supplier<Uni<SecurityIdentity>> verified) {
        if (adminToken.accepts(token)) {
            return Uni.createFrom().item(Caller.ADMIN_TOKEN);
        }
        if (!providerEnabled || !looksLikeJwt(token)) {
            return Uni.createFrom().failure(ApiException.authenticationRequired());
        }
        return verified.get()
                .onFailure()
                .transform(e -> {
                    // the exception may carry the token among its attributes: only its kind is logged
                    LOG.infof(
                            "admin API: the provider's verification refused a bearer token (%s)",
                            e.getClass().getSimpleName());
                    return ApiException.authenticationRequired();
                })
                .map(identity -> {
                    if (identity == null || identity.isAnonymous()) {
                        throw ApiException.authenticationRequired();
                    }
                    return of(identity);
                });
    }

    /**
     * The operator a verified identity of the provider names (an access token of the API, or the ID token of a
     * console sign-in): its subject ({@code sub}), its name, and the highest Refract role of its roles claim.
     */
    public Caller of(SecurityIdentity identity) {
        if (!(identity.getPrincipal() instanceof JsonWebToken jwt)) {
            throw ApiException.authenticationRequired();
        }
        String subject = jwt.getSubject();
        if (subject == null || subject.isBlank()) {
            throw denied("the provider's token names no subject (sub)");
        }
        Object claim = claim(jwt, settings.rolesClaim());
        if (claim == null) {
            throw denied("the provider's token has no " + settings.rolesClaim() + " claim naming a Refract role");
        }
        Role role = Role.highestOf(strings(claim));
        if (role == null) {
            throw denied("the provider's " + settings.rolesClaim() + " claim names none of refract-viewer, "
                    + "refract-operator, refract-admin");
        }
        return new Caller(new Actor.Operator(subject, name(jwt)), role);
    }

    private static ApiException denied(String message) {
        return ApiException.permissionDenied(message);
    }

    /** A JWT is three base64url parts; anything else is not sent to the provider's verification at all. */
    private static boolean looksLikeJwt(String token) {
        return token != null && token.chars().filter(c -> c == '.').count() == 2 && token.length() < 16_384;
    }

    private static String name(JsonWebToken jwt) {
        for (String claim : List.of("name", "preferred_username", "email")) {
            Object value = jwt.getClaim(claim);
            String text = value instanceof JsonString s ? s.getString() : value == null ? null : value.toString();
            if (text != null && !text.isBlank()) {
                return text;
            }
        }
        return null;
    }

    /** The claim at a path of names separated by "/" ({@code groups}, {@code realm_access/roles}), or null. */
    static Object claim(JsonWebToken jwt, String path) {
        String[] names = path.split("/");
        Object value = jwt.getClaim(names[0]);
        for (int i = 1; i < names.length && value != null; i++) {
            value = value instanceof JsonObject o ? o.get(names[i]) : null;
        }
        return value == JsonValue.NULL ? null : value;
    }

    /** The names a claim holds: a list of strings, or one string. */
    static List<String> strings(Object claim) {
        List<String> names = new ArrayList<>();
        if (claim instanceof JsonArray array) {
            for (JsonValue v : array) {
                if (v instanceof JsonString s) {
                    names.add(s.getString());
                }
            }
        } else if (claim instanceof Collection<?> collection) {
            collection.forEach(v -> names.add(v instanceof JsonString s ? s.getString() : String.valueOf(v)));
        } else if (claim instanceof JsonString s) {
            names.add(s.getString());
        } else if (claim instanceof String s) {
            names.add(s);
        }
        return names;
    }
}
