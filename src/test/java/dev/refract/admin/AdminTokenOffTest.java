package dev.refract.admin;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.refract.support.Api;
import dev.refract.support.Console;
import dev.refract.support.OidcStandIn;
import dev.refract.support.PostgresResource;
import dev.refract.support.Sso;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Once operators sign in through the provider, the static admin token can be switched off
 * ({@code refract.admin.token-enabled=false}): it is then refused by the admin API and the console alike, while
 * operators' own tokens and sign-ins go on working.
 */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
@WithTestResource(OidcStandIn.class)
@TestProfile(AdminTokenOffTest.TokenOff.class)
class AdminTokenOffTest {

    public static class TokenOff implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("refract.admin.token-enabled", "false");
        }
    }

    @Test
    void theSwitchedOffTokenOpensNothing() {
        Response api =
                given().header("Authorization", "Bearer " + Api.ADMIN_TOKEN).get("/admin/v1/connectors");
        assertEquals(401, api.statusCode(), api.asString());
        assertEquals("authentication_required", api.jsonPath().getString("error.code"));

        String signIn = given().get("/console/sign-in").asString();
        assertFalse(signIn.contains("name=\"token\""), "no token form: " + signIn);
        assertTrue(signIn.contains("Sign in with SSO"), signIn);
        Response form = Console.signInWith(Api.ADMIN_TOKEN);
        assertEquals(401, form.statusCode());
        assertTrue(form.asString().contains("The admin token is switched off."), form.asString());
    }

    @Test
    void operatorsGoOnSigningInAsThemselves() {
        given().header("Authorization", "Bearer " + OidcStandIn.accessToken(OidcStandIn.ADA))
                .get("/admin/v1/connectors")
                .then()
                .statusCode(200);
        Console ada = Sso.signIn(OidcStandIn.ADA);
        assertEquals(200, ada.get("/console/merchants").statusCode());
    }
}
