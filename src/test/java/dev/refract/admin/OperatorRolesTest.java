package dev.refract.admin;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.refract.security.EveryOperationAuthenticatesTest;
import dev.refract.support.Api;
import dev.refract.support.OidcStandIn;
import dev.refract.support.PostgresResource;
import dev.refract.support.Secrets;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Operators call the admin API with their provider's access tokens, and their role decides what they may do. Walks
 * the published OpenAPI document: every admin operation is sent with a token of each role, and each role below the
 * operation's is refused with 403 {@code permission_denied} before it runs, each role from it up is let through. An
 * operation missing from {@link #ROLES} fails here (and is refused to anyone but an admin meanwhile): a new route
 * cannot be opened to a weaker role by forgetting it. Then every kind of bad token the provider's verification must
 * refuse.
 */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
@WithTestResource(OidcStandIn.class)
class OperatorRolesTest {

    /** The least role of every admin operation; what is not listed needs refract-admin, and fails this test. */
    static final Map<String, Role> ROLES = new TreeMap<>(Map.ofEntries(
            Map.entry("GET /admin/v1/merchants/{merchant_id}", Role.VIEWER),
            Map.entry("GET /admin/v1/merchants/{merchant_id}/api-keys", Role.VIEWER),
            Map.entry("GET /admin/v1/refunds/stuck", Role.VIEWER),
            Map.entry("GET /admin/v1/connectors", Role.VIEWER),
            Map.entry("GET /admin/v1/audit", Role.VIEWER),
            Map.entry("GET /admin/v1/reconciliations", Role.VIEWER),
            Map.entry("GET /admin/v1/reconciliations/{id}", Role.VIEWER),
            Map.entry("POST /admin/v1/merchants/{merchant_id}/refunds/{merchant_refund_id}/resolve", Role.OPERATOR),
            Map.entry("POST /admin/v1/reconciliations", Role.OPERATOR),
            Map.entry("POST /admin/v1/reconciliations/adyen-settlement-report", Role.OPERATOR),
            Map.entry("POST /admin/v1/merchants", Role.ADMIN),
            Map.entry("PUT /admin/v1/merchants/{merchant_id}", Role.ADMIN),
            Map.entry("PUT /admin/v1/merchants/{merchant_id}/connectors/{connector}", Role.ADMIN),
            Map.entry("POST /admin/v1/merchants/{merchant_id}/api-keys", Role.ADMIN),
            Map.entry("DELETE /admin/v1/merchants/{merchant_id}/api-keys/{id}", Role.ADMIN),
            Map.entry("POST /admin/v1/merchants/{merchant_id}/api-keys/{id}/roll", Role.ADMIN)));

    static final Map<Role, OidcStandIn.User> USERS =
            Map.of(Role.VIEWER, OidcStandIn.VERA, Role.OPERATOR, OidcStandIn.OTTO, Role.ADMIN, OidcStandIn.ADA);

    @Test
    void everyAdminOperationRefusesTheRolesBelowItsOwnAndAdmitsTheRest() throws Exception {
        List<EveryOperationAuthenticatesTest.Operation> operations =
                EveryOperationAuthenticatesTest.operations().stream()
                        .filter(o -> o.path().startsWith("/admin/"))
                        .toList();
        assertTrue(operations.size() >= ROLES.size(), operations.toString());
        List<String> unlisted = new ArrayList<>();
        for (EveryOperationAuthenticatesTest.Operation op : operations) {
            String name = op.method().toUpperCase(Locale.ROOT) + " " + op.path();
            Role needed = ROLES.get(name);
            if (needed == null) {
                unlisted.add(name);
                // closed to anyone but an admin until it is given its role on purpose
                assertPermissionDenied(op, OidcStandIn.OTTO, name);
                continue;
            }
            for (Role role : Role.values()) {
                OidcStandIn.User user = USERS.get(role);
                if (role.allows(needed)) {
                    Response answer = send(op, OidcStandIn.accessToken(user));
                    assertNotEquals(401, answer.statusCode(), name + " as " + role + ": " + answer.asString());
                    assertNotEquals(403, answer.statusCode(), name + " as " + role + ": " + answer.asString());
                } else {
                    assertPermissionDenied(op, user, name);
                }
            }
            // the admin token acts as an admin
            Response asToken = send(op, Api.ADMIN_TOKEN);
            assertNotEquals(401, asToken.statusCode(), name);
            assertNotEquals(403, asToken.statusCode(), name);
        }
        assertEquals(List.of(), unlisted, "admin operations without a role in this test's table (and in docs/api.md)");
    }

    @Test
    void aRoleNameMayCarryKeycloaksGroupPathSlash() {
        Response answer = given().header("Authorization", "Bearer " + OidcStandIn.accessToken(OidcStandIn.OLGA))
                .contentType("application/json")
                .body("{\"status\":\"SUCCEEDED\",\"reason\":\"x\"}")
                .post("/admin/v1/merchants/m_nope/refunds/rf_nope/resolve");
        assertEquals(
                404, answer.statusCode(), "an operator, past the door, finds no such merchant: " + answer.asString());
    }

    @Test
    void tokensThatAreNotTheProvidersOrGiveNoRoleAreRefusedInTheErrorShape() throws Exception {
        Map<String, String> unauthenticated = new TreeMap<>();
        unauthenticated.put(
                "another issuer",
                OidcStandIn.sign(OidcStandIn.claims(OidcStandIn.ADA).issuer("https://evil.example.com/realms/x")));
        unauthenticated.put(
                "another audience",
                OidcStandIn.sign(OidcStandIn.claims(OidcStandIn.ADA).audience("another-client")));
        unauthenticated.put(
                "expired",
                OidcStandIn.sign(OidcStandIn.claims(OidcStandIn.ADA)
                        .issuedAt(java.time.Instant.now().minusSeconds(3600))
                        .expiresAt(java.time.Instant.now().minusSeconds(600))));
        unauthenticated.put(
                "signed by another key", OidcStandIn.signWithAnotherKey(OidcStandIn.claims(OidcStandIn.ADA)));
        unauthenticated.put("not a token at all", "not-a-jwt-and-not-the-admin-token");
        unauthenticated.put("three parts of rubbish", "aaaa.bbbb.cccc");
        for (Map.Entry<String, String> bad : unauthenticated.entrySet()) {
            Response answer =
                    given().header("Authorization", "Bearer " + bad.getValue()).get("/admin/v1/connectors");
            assertEquals(401, answer.statusCode(), bad.getKey() + ": " + answer.asString());
            assertEquals("authentication_error", answer.jsonPath().getString("error.type"), bad.getKey());
            assertEquals("authentication_required", answer.jsonPath().getString("error.code"), bad.getKey());
            assertEquals("Bearer realm=\"refract\"", answer.header("WWW-Authenticate"), bad.getKey());
        }

        Map<String, String> noRole = new TreeMap<>();
        noRole.put(
                "no groups claim",
                OidcStandIn.accessToken(new OidcStandIn.User("7a1b-claimless", "Claire Claimless", null)));
        noRole.put("groups that are no Refract role", OidcStandIn.accessToken(OidcStandIn.NOBODY));
        for (Map.Entry<String, String> bad : noRole.entrySet()) {
            Response answer =
                    given().header("Authorization", "Bearer " + bad.getValue()).get("/admin/v1/connectors");
            assertEquals(403, answer.statusCode(), bad.getKey() + ": " + answer.asString());
            assertEquals("permission_denied", answer.jsonPath().getString("error.code"), bad.getKey());
            assertTrue(answer.jsonPath().getString("error.message").contains("groups"), answer.asString());
        }

        // every refusal is logged, and no token with it
        String log = Files.readString(Path.of("target", "refract-test.log"));
        assertTrue(log.contains("admin API: refused GET /admin/v1/connectors"), "refusals are logged");
        List<String> tokens = new ArrayList<>(unauthenticated.values());
        tokens.addAll(noRole.values());
        Secrets.assertNoneIn(log, "the test log", tokens);
    }

    private static void assertPermissionDenied(
            EveryOperationAuthenticatesTest.Operation op, OidcStandIn.User user, String name) {
        Response answer = send(op, OidcStandIn.accessToken(user));
        assertEquals(403, answer.statusCode(), name + " as " + user.name() + ": " + answer.asString());
        assertEquals("permission_denied", answer.jsonPath().getString("error.code"), name);
        assertEquals("invalid_request_error", answer.jsonPath().getString("error.type"), name);
        assertFalse(answer.asString().contains("eyJ"), "the refusal does not echo the token");
    }

    private static Response send(EveryOperationAuthenticatesTest.Operation op, String token) {
        return EveryOperationAuthenticatesTest.send(op, "Bearer " + token);
    }
}
