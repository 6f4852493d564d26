package dev.refract.admin;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.refract.support.Api;
import dev.refract.support.Keycloak;
import dev.refract.support.PostgresResource;
import dev.refract.support.Workers;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The admin API with access tokens a real Keycloak issued (the realm of {@link Keycloak}: vera, otto, ada and nils,
 * who is in no group), by the password grant: each role does what it may and is refused the rest, the audit trail
 * names the person Keycloak vouched for, and tokens Keycloak issued for another audience, by another realm, or
 * that have expired are refused.
 */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
@WithTestResource(Keycloak.class)
class KeycloakOperatorsTest {

    @BeforeEach
    void keycloak() {
        Keycloak.assumeAvailable();
    }

    static RequestSpecification as(String token) {
        return given().header("Authorization", "Bearer " + token).contentType(ContentType.JSON);
    }

    @Test
    void eachRoleDoesWhatItMayAndIsRefusedTheRest() {
        String vera = Keycloak.accessToken(Keycloak.VIEWER);
        String otto = Keycloak.accessToken(Keycloak.OPERATOR);
        String ada = Keycloak.accessToken(Keycloak.ADMIN);
        String merchantId = "m_kc_" + Api.refundId().substring(3, 13);

        assertDenied(as(otto).body("{\"merchant_id\":\"" + merchantId + "\",\"name\":\"KC\"}")
                .post("/admin/v1/merchants"));
        String key = as(ada).body("{\"merchant_id\":\"" + merchantId + "\",\"name\":\"KC\"}")
                .post("/admin/v1/merchants")
                .then()
                .statusCode(201)
                .extract()
                .path("api_key");
        Api.TestMerchant m = new Api.TestMerchant(merchantId, key);
        as(vera).get("/admin/v1/merchants/" + merchantId).then().statusCode(200).body("name", equalTo("KC"));
        assertDenied(as(vera).body("{\"name\":\"renamed\"}").put("/admin/v1/merchants/" + merchantId));

        String id = Workers.refundInManualReview(m, Api.payment(10_000, "USD"));
        String resolve = "/admin/v1/merchants/" + merchantId + "/refunds/" + id + "/resolve";
        assertDenied(
                as(vera).body("{\"status\":\"FAILED\",\"reason\":\"a viewer\"}").post(resolve));
        as(otto).body("{\"status\":\"FAILED\",\"reason\":\"not at the PSP\"}")
                .post(resolve)
                .then()
                .statusCode(200)
                .body("status", equalTo("FAILED"));

        JsonPath trail = as(vera).get("/admin/v1/audit?merchant_id=" + merchantId)
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        assertEquals("refund.resolve", trail.getString("data[0].action"));
        assertEquals("Otto Operator", trail.getString("data[0].actor.name"));
        assertEquals(Keycloak.claims(otto).path("sub").asText(), trail.getString("data[0].actor.subject"));
        assertEquals("merchant.create", trail.getString("data[1].action"));
        assertEquals("Ada Admin", trail.getString("data[1].actor.name"));
    }

    @Test
    void tokensKeycloakIssuedForAnotherAudienceByAnotherRealmOrThatExpiredAreRefused() throws Exception {
        Map<String, String> unauthenticated = Map.of(
                "another audience", Keycloak.otherAudienceAccessToken(Keycloak.ADMIN),
                "another issuer", Keycloak.otherIssuerAccessToken());
        String expiring = Keycloak.expiringAccessToken(Keycloak.ADMIN);
        as(expiring).get("/admin/v1/connectors").then().statusCode(200);
        Thread.sleep(Keycloak.EXPIRING_LIFESPAN.plus(Duration.ofSeconds(2)).toMillis());
        for (Map.Entry<String, String> bad : Map.of(
                        "another audience", unauthenticated.get("another audience"),
                        "another issuer", unauthenticated.get("another issuer"),
                        "expired", expiring)
                .entrySet()) {
            Response answer = as(bad.getValue()).get("/admin/v1/connectors");
            assertEquals(401, answer.statusCode(), bad.getKey() + ": " + answer.asString());
            assertEquals("authentication_required", answer.jsonPath().getString("error.code"), bad.getKey());
        }
        Response nobody = as(Keycloak.accessToken(Keycloak.NOBODY)).get("/admin/v1/connectors");
        assertEquals(403, nobody.statusCode(), nobody.asString());
        assertEquals("permission_denied", nobody.jsonPath().getString("error.code"));
    }

    private static void assertDenied(Response answer) {
        assertEquals(403, answer.statusCode(), answer.asString());
        assertEquals("permission_denied", answer.jsonPath().getString("error.code"));
    }
}
