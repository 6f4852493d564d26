package dev.refract.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.opentest4j.TestAbortedException;

/**
 * A real OpenID provider for the tests: Keycloak's server distribution (unpacked from Maven Central by the build),
 * started once per test JVM on a free port with the realm {@code src/test/resources/keycloak/refract-realm.json},
 * and stopped with the JVM. Use it as a Quarkus test resource ({@code @QuarkusTestResource(Keycloak.class)} sets
 * {@code quarkus.oidc.*}) and through the static methods, which start it on first use.
 *
 * <p>Keycloak needs Java 21 or newer: {@code REFRACT_KEYCLOAK_JAVA} (a JDK home or a java launcher), else the test
 * JVM when it is new enough, else the newest such JDK under /usr/lib/jvm. Where there is none, or no distribution,
 * a test that uses Keycloak is skipped, unless {@code REFRACT_KEYCLOAK=required} (or
 * {@code -Drefract.keycloak=required}; CI sets it), where it fails. {@code REFRACT_KEYCLOAK_URL} (or
 * {@code -Drefract.keycloak.url}) points the tests at a Keycloak already running with that realm imported instead
 * (and the master realm's {@link #ADMIN_USER}, for {@link #otherIssuerAccessToken()}).
 *
 * <p>The realm hashes passwords cheaply (PBKDF2, 1,000 rounds, where Keycloak's default is Argon2): test users'
 * passwords guard nothing, and a password grant costs a third of the CPU.
 */
public class Keycloak implements QuarkusTestResourceLifecycleManager {

    public static final String REALM = "refract";
    /** The console's and admin API's client: confidential, authorization code flow and direct access grants. */
    public static final String CLIENT_ID = "refract-console";

    public static final String CLIENT_SECRET = "refract-console-test-secret";
    /** The claim that holds the user's group names, {@code refract-viewer} and so on, without a leading slash. */
    public static final String ROLES_CLAIM = "groups";
    /** A client whose access tokens are Refract's in every way but their lifetime: {@link #EXPIRING_LIFESPAN}. */
    public static final String EXPIRING_CLIENT_ID = "refract-expiring";

    public static final String EXPIRING_CLIENT_SECRET = "refract-expiring-test-secret";
    public static final Duration EXPIRING_LIFESPAN = Duration.ofSeconds(2);
    /** Another application of the same provider: its access tokens carry its own audience, not Refract's. */
    public static final String OTHER_CLIENT_ID = "other-app";

    public static final String OTHER_CLIENT_SECRET = "other-app-test-secret";
    /** The master realm's administrator, created at start: a token from another issuer, and the admin REST API. */
    public static final String ADMIN_USER = "admin";

    public static final String ADMIN_PASSWORD = "admin-test-password";
    /** The access tokens' lifetime in the realm (Keycloak's default); the ID tokens' too. */
    public static final Duration ACCESS_TOKEN_LIFESPAN = Duration.ofMinutes(5);

    /** A user of the realm; {@code group} is null for the user in no group. */
    public record User(String username, String password, String name, String email, String group) {
        public List<String> groups() {
            return group == null ? List.of() : List.of(group);
        }
    }

    public static final User VIEWER =
            new User("vera", "vera-password", "Vera Viewer", "vera@refract.test", "refract-viewer");
    public static final User OPERATOR =
            new User("otto", "otto-password", "Otto Operator", "otto@refract.test", "refract-operator");
    public static final User ADMIN = new User("ada", "ada-password", "Ada Admin", "ada@refract.test", "refract-admin");
    /** Signs in, but is in no group: tokens without the roles claim. */
    public static final User NOBODY = new User("nils", "nils-password", "Nils Nobody", "nils@refract.test", null);

    public static final List<User> USERS = List.of(VIEWER, OPERATOR, ADMIN, NOBODY);

    /** The tokens of a password grant. */
    public record Tokens(String accessToken, String idToken, String refreshToken) {}

    // the base URL of this JVM's Keycloak, as a system property: every class loader's copy of this class shares it
    private static final String STARTED = "refract.keycloak.started";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static KeycloakServer.Unavailable unavailable;
    private static RuntimeException failed;

    /** The settings of Quarkus's default OIDC tenant for this Keycloak; none where it is skipped. */
    @Override
    public Map<String, String> start() {
        try {
            return oidcConfig();
        } catch (TestAbortedException skipped) {
            // the application starts without OIDC, and the test skips at its first call of a method here
            return Map.of();
        }
    }

    @Override
    public void stop() {
        // kept for the whole JVM: every test class shares it, and a shutdown hook stops it at exit
    }

    /** {@code quarkus.oidc.auth-server-url}, {@code .client-id} and {@code .credentials.secret}. */
    public static Map<String, String> oidcConfig() {
        return Map.of(
                "quarkus.oidc.auth-server-url", issuer(),
                "quarkus.oidc.client-id", CLIENT_ID,
                "quarkus.oidc.credentials.secret", CLIENT_SECRET);
    }

    /** Where Keycloak answers, e.g. {@code http://localhost:41234}; starts it on first use. */
    public static URI baseUri() {
        return URI.create(running());
    }

    /** The realm's issuer: the {@code iss} of its tokens, and {@code quarkus.oidc.auth-server-url}. */
    public static String issuer() {
        return running() + "/realms/" + REALM;
    }

    /** Skips the calling test where Keycloak cannot run here (unless required), and starts it otherwise. */
    public static void assumeAvailable() {
        running();
    }

    /** The realm's access token for a user through {@link #CLIENT_ID}, by the password grant. */
    public static String accessToken(User user) {
        return accessToken(user.username(), user.password());
    }

    public static String accessToken(String username, String password) {
        return tokens(REALM, CLIENT_ID, CLIENT_SECRET, username, password).accessToken();
    }

    /** Access, ID and refresh token of a user through {@link #CLIENT_ID}. */
    public static Tokens tokens(User user) {
        return tokens(REALM, CLIENT_ID, CLIENT_SECRET, user.username(), user.password());
    }

    /** A valid access token for Refract that expires {@link #EXPIRING_LIFESPAN} after it is issued. */
    public static String expiringAccessToken(User user) {
        return tokens(REALM, EXPIRING_CLIENT_ID, EXPIRING_CLIENT_SECRET, user.username(), user.password())
                .accessToken();
    }

    /** An access token of the same realm, groups included, issued to another application ({@code aud} its own). */
    public static String otherAudienceAccessToken(User user) {
        return tokens(REALM, OTHER_CLIENT_ID, OTHER_CLIENT_SECRET, user.username(), user.password())
                .accessToken();
    }

    /** An access token of the same server but another realm (the master realm): another issuer and other keys. */
    public static String otherIssuerAccessToken() {
        return tokens("master", "admin-cli", null, ADMIN_USER, ADMIN_PASSWORD).accessToken();
    }

    /** The tokens of a password grant, failing with Keycloak's error (never the password) when it refuses. */
    public static Tokens tokens(String realm, String clientId, String clientSecret, String username, String password) {
        HttpResponse<String> answer = passwordGrant(realm, clientId, clientSecret, username, password);
        JsonNode body = json(answer.body());
        if (answer.statusCode() != 200) {
            throw new AssertionError("Keycloak refused a password grant for " + username + " through " + clientId
                    + ": " + answer.statusCode() + " " + body.path("error").asText() + " "
                    + body.path("error_description").asText());
        }
        return new Tokens(
                body.path("access_token").asText(null),
                body.path("id_token").asText(null),
                body.path("refresh_token").asText(null));
    }

    /** The token endpoint's answer to a password grant (OpenID scope), whatever it is. */
    public static HttpResponse<String> passwordGrant(
            String realm, String clientId, String clientSecret, String username, String password) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "password");
        form.put("client_id", clientId);
        if (clientSecret != null) {
            form.put("client_secret", clientSecret);
        }
        form.put("username", username);
        form.put("password", password);
        form.put("scope", "openid");
        String body = form.entrySet().stream()
                .map(field -> field.getKey() + "=" + URLEncoder.encode(field.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        HttpRequest request = HttpRequest.newBuilder(
                        URI.create(running() + "/realms/" + realm + "/protocol/openid-connect/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException("Keycloak's token endpoint did not answer", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The claims of a JWT: its payload, decoded (the signature is not checked). */
    public static JsonNode claims(String jwt) {
        String[] parts = jwt.split("\\.");
        if (parts.length != 3) {
            throw new IllegalArgumentException("not a signed JWT: " + parts.length + " parts");
        }
        return json(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8));
    }

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException("not JSON: " + text, e);
        }
    }

    private static synchronized String running() {
        String started = System.getProperty(STARTED);
        if (started != null) {
            return started;
        }
        if (unavailable != null) {
            throw skipOrFail(unavailable);
        }
        if (failed != null) {
            throw new IllegalStateException("Keycloak did not start earlier in this JVM", failed);
        }
        String external = setting("refract.keycloak.url", "REFRACT_KEYCLOAK_URL");
        try {
            String base = external != null ? external.replaceAll("/+$", "") : startHere();
            System.setProperty(STARTED, base);
            return base;
        } catch (KeycloakServer.Unavailable e) {
            unavailable = e;
            throw skipOrFail(e);
        } catch (IOException e) {
            failed = new UncheckedIOException(e);
            throw failed;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failed = new IllegalStateException("interrupted while Keycloak started", e);
            throw failed;
        } catch (RuntimeException e) {
            failed = e;
            throw e;
        }
    }

    private static String startHere() throws IOException, InterruptedException {
        var home = KeycloakServer.distribution();
        var java = KeycloakServer.findJava();
        Duration timeout = Duration.parse("PT" + System.getProperty("refract.keycloak.start-timeout", "600") + "S");
        long began = System.nanoTime();
        KeycloakServer.Started started = KeycloakServer.start(
                home,
                java,
                "/keycloak/refract-realm.json",
                "/realms/" + REALM + "/.well-known/openid-configuration",
                Map.of("KC_BOOTSTRAP_ADMIN_USERNAME", ADMIN_USER, "KC_BOOTSTRAP_ADMIN_PASSWORD", ADMIN_PASSWORD),
                timeout);
        System.getLogger(Keycloak.class.getName())
                .log(
                        System.Logger.Level.INFO,
                        "{0} started at {1} in {2} s ({3} s of CPU) on {4}",
                        home.getFileName(),
                        started.base(),
                        String.format("%.1f", (System.nanoTime() - began) / 1e9),
                        started.cpu().toSeconds(),
                        java.origin());
        return started.base().toString();
    }

    private static RuntimeException skipOrFail(KeycloakServer.Unavailable why) {
        if ("required".equals(setting("refract.keycloak", "REFRACT_KEYCLOAK"))) {
            return new IllegalStateException(
                    "Keycloak is required here (REFRACT_KEYCLOAK=required): " + why.getMessage(), why);
        }
        return new TestAbortedException("Keycloak tests skipped: " + why.getMessage());
    }

    /** A system property, else the environment variable. */
    static String setting(String property, String variable) {
        String value = System.getProperty(property, System.getenv(variable));
        return value == null || value.isBlank() ? null : value;
    }
}
