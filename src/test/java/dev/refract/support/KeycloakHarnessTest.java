package dev.refract.support;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Keycloak the operator sign-in tests run against: started from its Maven distribution with the realm file, it
 * issues each user's groups, Refract's audience and the realm's issuer, and accepts the console's redirects on any
 * local port.
 */
class KeycloakHarnessTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeEach
    void startKeycloak() {
        // once per JVM; each test rather than the class skips where Keycloak cannot run, so that the skips show
        Keycloak.assumeAvailable();
    }

    @Test
    void eachUsersAccessAndIdTokenCarryTheirGroupsAudienceIssuerAndName() {
        for (Keycloak.User user : List.of(Keycloak.VIEWER, Keycloak.OPERATOR, Keycloak.ADMIN)) {
            Keycloak.Tokens tokens = Keycloak.tokens(user);
            JsonNode access = Keycloak.claims(tokens.accessToken());
            JsonNode id = Keycloak.claims(tokens.idToken());
            assertAll(
                    user.username(),
                    () -> assertEquals(user.groups(), strings(access.path(Keycloak.ROLES_CLAIM))),
                    () -> assertEquals(List.of(Keycloak.CLIENT_ID), strings(access.path("aud"))),
                    () -> assertEquals(Keycloak.issuer(), access.path("iss").asText()),
                    () -> assertEquals(
                            user.username(), access.path("preferred_username").asText()),
                    () -> assertEquals(user.name(), access.path("name").asText()),
                    () -> assertEquals(user.email(), access.path("email").asText()),
                    () -> assertEquals(Keycloak.CLIENT_ID, access.path("azp").asText()),
                    () -> assertEquals(
                            Keycloak.ACCESS_TOKEN_LIFESPAN.toSeconds(),
                            access.path("exp").asLong() - access.path("iat").asLong()),
                    () -> assertEquals(user.groups(), strings(id.path(Keycloak.ROLES_CLAIM))),
                    () -> assertEquals(Keycloak.issuer(), id.path("iss").asText()),
                    () -> assertEquals(
                            user.username(), id.path("preferred_username").asText()));
        }
    }

    @Test
    void aUserInNoGroupGetsATokenWithoutTheRolesClaim() {
        JsonNode access = Keycloak.claims(Keycloak.accessToken(Keycloak.NOBODY));
        assertEquals(
                Keycloak.NOBODY.username(), access.path("preferred_username").asText());
        assertEquals(List.of(Keycloak.CLIENT_ID), strings(access.path("aud")));
        assertFalse(access.has(Keycloak.ROLES_CLAIM), access.toString());
    }

    @Test
    void aWrongPasswordIsRefused() {
        HttpResponse<String> answer = Keycloak.passwordGrant(
                Keycloak.REALM, Keycloak.CLIENT_ID, Keycloak.CLIENT_SECRET, Keycloak.ADMIN.username(), "not-it");
        assertEquals(400, answer.statusCode(), answer.body());
        assertTrue(answer.body().contains("\"invalid_grant\""), answer.body());
    }

    @Test
    void theTokensMadeToFailDifferOnlyWhereTheyShould() {
        JsonNode expiring = Keycloak.claims(Keycloak.expiringAccessToken(Keycloak.ADMIN));
        assertEquals(
                Keycloak.EXPIRING_LIFESPAN.toSeconds(),
                expiring.path("exp").asLong() - expiring.path("iat").asLong());
        assertEquals(List.of(Keycloak.CLIENT_ID), strings(expiring.path("aud")));
        assertEquals(Keycloak.issuer(), expiring.path("iss").asText());
        assertEquals(List.of("refract-admin"), strings(expiring.path(Keycloak.ROLES_CLAIM)));

        JsonNode otherAudience = Keycloak.claims(Keycloak.otherAudienceAccessToken(Keycloak.ADMIN));
        assertEquals(List.of(Keycloak.OTHER_CLIENT_ID), strings(otherAudience.path("aud")));
        assertEquals(Keycloak.issuer(), otherAudience.path("iss").asText());
        assertEquals(List.of("refract-admin"), strings(otherAudience.path(Keycloak.ROLES_CLAIM)));

        JsonNode otherIssuer = Keycloak.claims(Keycloak.otherIssuerAccessToken());
        assertEquals(
                Keycloak.baseUri() + "/realms/master", otherIssuer.path("iss").asText());
        assertNotEquals(Keycloak.issuer(), otherIssuer.path("iss").asText());
    }

    @Test
    void theIssuerIsTheOneTheProviderPublishesAndTheTestResourceConfigures() throws Exception {
        JsonNode discovery = get(Keycloak.issuer() + "/.well-known/openid-configuration");
        assertEquals(Keycloak.issuer(), discovery.path("issuer").asText());
        assertEquals(
                Map.of(
                        "quarkus.oidc.auth-server-url",
                        Keycloak.issuer(),
                        "quarkus.oidc.client-id",
                        "refract-console",
                        "quarkus.oidc.credentials.secret",
                        Keycloak.CLIENT_SECRET),
                new Keycloak().start());
    }

    @Test
    void theLoginPageAcceptsRedirectsToTheConsoleOnAnyLocalPortAndNothingElse() throws Exception {
        for (String console : List.of(
                "http://localhost:8081/console/refunds",
                "http://localhost:41999/console",
                "http://127.0.0.1:5/console/x")) {
            HttpResponse<String> page = authorize(console);
            assertEquals(200, page.statusCode(), console);
            assertTrue(page.body().contains("id=\"kc-form-login\""), console);
        }
        for (String elsewhere : List.of("http://localhost:8081/admin/v1/merchants", "http://example.test/console/")) {
            HttpResponse<String> page = authorize(elsewhere);
            assertEquals(400, page.statusCode(), elsewhere);
            assertTrue(page.body().contains("Invalid parameter: redirect_uri"), elsewhere);
        }
    }

    private static HttpResponse<String> authorize(String redirectUri) throws IOException, InterruptedException {
        String query = "client_id=" + Keycloak.CLIENT_ID + "&response_type=code&scope=openid&state=s&redirect_uri="
                + URLEncoder.encode(redirectUri, StandardCharsets.UTF_8);
        return HTTP.send(
                HttpRequest.newBuilder(URI.create(Keycloak.issuer() + "/protocol/openid-connect/auth?" + query))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode get(String url) throws IOException, InterruptedException {
        HttpResponse<String> answer =
                HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, answer.statusCode(), url);
        return new com.fasterxml.jackson.databind.ObjectMapper().readTree(answer.body());
    }

    /** A claim that may be one string or an array of them, as a list. */
    private static List<String> strings(JsonNode claim) {
        List<String> values = new ArrayList<>();
        if (claim.isArray()) {
            claim.forEach(value -> values.add(value.asText()));
        } else if (claim.isTextual()) {
            values.add(claim.asText());
        }
        return values;
    }
}
