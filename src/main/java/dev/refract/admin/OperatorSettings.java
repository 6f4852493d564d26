package dev.refract.admin;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.OptionalLong;

/**
 * Operators who sign in through the company's OpenID Connect provider (REFRACT_OPERATORS_*). The provider itself is
 * Quarkus's default OIDC tenant: {@code quarkus.oidc.auth-server-url}, {@code quarkus.oidc.client-id} and {@code
 * quarkus.oidc.credentials.secret}; with no auth-server-url there is no provider, and only the admin token signs in.
 */
@ConfigMapping(prefix = "refract.operators")
public interface OperatorSettings {

    /** What the console's sign-in page calls the provider: "Sign in with <provider-name>". */
    @WithDefault("SSO")
    String providerName();

    /**
     * The claim of the provider's tokens that names an operator's groups or roles ({@code refract-viewer}, {@code
     * refract-operator}, {@code refract-admin}). A nested claim is a path of names separated by "/", as Keycloak's
     * realm roles: {@code realm_access/roles}.
     */
    @WithDefault("groups")
    String rolesClaim();

    /**
     * Four eyes: resolving a MANUAL_REVIEW refund of at least this amount, in the refund's minor units, takes two
     * operators (one proposes, another confirms with the same decision). Unset: off.
     */
    OptionalLong fourEyesMinorAmount();

    /** How long a proposal waits for its confirmation; after that the next resolve is a new proposal. */
    @WithDefault("24h")
    Duration fourEyesProposalTtl();
}
