package dev.refract.support;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.smallrye.jwt.build.Jwt;
import io.smallrye.jwt.build.JwtClaimsBuilder;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import java.util.Set;

/**
 * A stand-in OpenID Connect provider over real HTTP for the in-process tests: its discovery document, its signing
 * key (JWKS) and a token endpoint, on WireMock. Its tokens are signed with its own RSA key, so that the tests can
 * make exactly the token a case needs (another issuer, another audience, expired, signed by another key, without the
 * roles claim) and quarkus-oidc verifies them as it would a real provider's. The Keycloak harness is the real
 * provider of the browser test; this one is for the many cases a real provider will not issue on demand.
 *
 * <p>Users are named after the harness's: vera (refract-viewer), otto (refract-operator), ada (refract-admin).
 */
public class OidcStandIn implements QuarkusTestResourceLifecycleManager {

    public static final String CLIENT_ID = "refract-console";
    /** Long enough to be quarkus-oidc's session encryption key; searched for in the test log, where it must not be. */
    public static final String CLIENT_SECRET = "oidc-standin-client-secret-4d9f1c7b2e8a6051";

    static final String KID = "standin-key-1";

    /** A person at the provider: subject, name, and the groups of the roles claim (null: no such claim). */
    public record User(String subject, String name, Set<String> groups) {}

    public static final User VERA = new User("0b7f3c1e-vera", "Vera Viewer", Set.of("refract-viewer"));
    public static final User OTTO = new User("5d2a9e4f-otto", "Otto Operator", Set.of("refract-operator"));
    public static final User OLGA = new User("8c1e6b2d-olga", "Olga Operator", Set.of("/refract-operator"));
    public static final User ADA = new User("9e4b1a7c-ada", "Ada Admin", Set.of("refract-admin", "refract-viewer"));
    public static final User NOBODY = new User("3f8d2c6a-nobody", "Nora Nobody", Set.of("sales"));

    private static WireMockServer server;
    private static KeyPair key;
    private static KeyPair otherKey;

    @Override
    public synchronized Map<String, String> start() {
        if (server == null) {
            key = rsa();
            otherKey = rsa();
            server = new WireMockServer(WireMockConfiguration.options().dynamicPort());
            server.start();
            String issuer = issuer();
            server.stubFor(get(urlPathEqualTo("/.well-known/openid-configuration"))
                    .willReturn(json("""
                            {"issuer": "%s", "authorization_endpoint": "%s/auth", "token_endpoint": "%s/token",
                             "jwks_uri": "%s/jwks", "response_types_supported": ["code"],
                             "subject_types_supported": ["public"],
                             "id_token_signing_alg_values_supported": ["RS256"]}""".formatted(issuer, issuer, issuer, issuer))));
            RSAPublicKey pub = (RSAPublicKey) key.getPublic();
            server.stubFor(get(urlPathEqualTo("/jwks"))
                    .willReturn(json("""
                            {"keys": [{"kty": "RSA", "kid": "%s", "use": "sig", "alg": "RS256", "n": "%s", "e": "%s"}]}""".formatted(KID, b64(pub.getModulus()), b64(pub.getPublicExponent())))));
        }
        return Map.of(
                "quarkus.oidc.auth-server-url",
                issuer(),
                "quarkus.oidc.client-id",
                CLIENT_ID,
                "quarkus.oidc.credentials.secret",
                CLIENT_SECRET,
                // four eyes from 500.00 in these tests' refunds; the smaller ones are resolved at once
                "refract.operators.four-eyes-minor-amount",
                "50000");
    }

    @Override
    public void stop() {
        // shared by every test class of the JVM that uses it
    }

    public static String issuer() {
        return "http://localhost:" + server.port();
    }

    /** An access token of the admin API for the user, as the provider issues them. */
    public static String accessToken(User user) {
        return sign(claims(user));
    }

    /** The claims of a good token of the user, to be changed by a test before it signs them. */
    public static JwtClaimsBuilder claims(User user) {
        Instant now = Instant.now();
        JwtClaimsBuilder claims = Jwt.issuer(issuer())
                .subject(user.subject())
                .audience(CLIENT_ID)
                .claim("name", user.name())
                .claim("preferred_username", user.name().toLowerCase().split(" ")[0])
                .issuedAt(now)
                .expiresAt(now.plusSeconds(300));
        if (user.groups() != null) {
            claims.claim("groups", user.groups());
        }
        return claims;
    }

    /** Signs the claims with the provider's key, as its tokens are. */
    public static String sign(JwtClaimsBuilder claims) {
        return claims.jws().keyId(KID).sign(key.getPrivate());
    }

    /** Signs them with a key that is not the provider's, under the provider's key id. */
    public static String signWithAnotherKey(JwtClaimsBuilder claims) {
        PrivateKey other = otherKey.getPrivate();
        return claims.jws().keyId(KID).sign(other);
    }

    /** The provider's token endpoint answers the next code exchange with an ID token of this user. */
    public static void nextSignInIs(User user) {
        String idToken = sign(claims(user));
        server.stubFor(post(urlPathEqualTo("/token")).willReturn(json("""
                        {"access_token": "%s", "id_token": "%s", "token_type": "Bearer", "expires_in": 300}""".formatted(accessToken(user), idToken))));
    }

    private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder json(String body) {
        return aResponse().withHeader("Content-Type", "application/json").withBody(body);
    }

    private static String b64(BigInteger value) {
        byte[] bytes = value.toByteArray();
        if (bytes.length > 1 && bytes[0] == 0) {
            bytes = Arrays.copyOfRange(bytes, 1, bytes.length);
        }
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static KeyPair rsa() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
