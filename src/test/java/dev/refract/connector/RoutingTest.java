package dev.refract.connector;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import dev.refract.support.Api;
import dev.refract.support.PostgresResource;
import dev.refract.support.PspStandIn;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import java.util.Locale;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Routing by id shape among the merchant's enabled connectors (CONNECTORS.md, "Routing"). */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(PspStandIn.class)
class RoutingTest {

    Api.TestMerchant merchant;

    @BeforeEach
    void merchantWithThreePsps() {
        merchant = Api.newMerchant();
        enable("stripe", "{\"credentials\":{\"api_key\":\"sk_test_route\"}}");
        enable("adyen", "{\"credentials\":{\"api_key\":\"k\"},\"settings\":{\"merchant_account\":\"AcmeECOM\"}}");
        enable("exodus", "{\"credentials\":{\"api_key\":\"k\"}}");
    }

    void enable(String connector, String body) {
        Api.admin()
                .body(body)
                .put("/admin/v1/merchants/" + merchant.id() + "/connectors/" + connector)
                .then()
                .statusCode(200);
    }

    static String suffix() {
        return UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    }

    @Test
    void eachIdShapeGoesToTheOneEnabledConnectorThatClaimsIt() {
        String pi = "pi_" + suffix();
        PspStandIn.server()
                .stubFor(
                        post(urlEqualTo("/stripe/v1/refunds"))
                                .withRequestBody(containing(pi))
                                .willReturn(
                                        okJson(
                                                "{\"id\":\"re_r1\",\"object\":\"refund\",\"amount\":100,\"currency\":\"usd\",\"status\":\"succeeded\"}")));
        String psp = suffix().toUpperCase(Locale.ROOT);
        PspStandIn.server()
                .stubFor(post(urlEqualTo("/adyen/payments/" + psp + "/refunds"))
                        .willReturn(aResponse()
                                .withStatus(201)
                                .withHeader("Content-Type", "application/json")
                                .withBody("{\"pspReference\":\"RPSP000000000001\",\"status\":\"received\"}")));
        String pay = "pay_" + suffix();
        PspStandIn.server()
                .stubFor(post(urlEqualTo("/exodus/refunds"))
                        .withRequestBody(containing(pay))
                        .willReturn(okJson("{\"id\":\"ref_1\",\"status\":\"pending\"}")));

        createFor(pi).then().statusCode(200).body("connector", equalTo("stripe"));
        createFor(psp).then().statusCode(200).body("connector", equalTo("adyen"));
        createFor(pay).then().statusCode(200).body("connector", equalTo("exodus"));
        createFor("sbx_1000_USD_" + suffix()).then().statusCode(200).body("connector", equalTo("sandbox"));
        // a later refund of a payment goes where the first went, even without a connector
        createFor(pi).then().statusCode(200).body("connector", equalTo("stripe"));
    }

    @Test
    void twoEnabledConnectorsClaimingTheIdNeedTheConnectorNamed() {
        enable("charges", "{\"credentials\":{\"api_key\":\"k\"}}");
        createFor("ch_" + suffix())
                .then()
                .statusCode(400)
                .body("error.code", equalTo("connector_required"))
                .body("error.message", containsString("charges"));
    }

    @Test
    void anIdOfAConnectorTheMerchantHasNotEnabledIsRefused() {
        Api.TestMerchant other = Api.newMerchant();
        other.create(Api.body(
                        Api.refundId(),
                        "pay_" + suffix(),
                        100L,
                        "USD",
                        "\"payment_amount\":{\"minor_amount\":1000,\"currency\":\"USD\"}"))
                .then()
                .statusCode(400)
                .body("error.code", equalTo("connector_not_enabled"));
        other.create(Api.body(
                        Api.refundId(),
                        "pi_" + suffix(),
                        100L,
                        "USD",
                        "\"connector\":\"stripe\","
                                + "\"payment_amount\":{\"minor_amount\":1000,\"currency\":\"USD\"}"))
                .then()
                .statusCode(400)
                .body("error.code", equalTo("connector_not_enabled"));
    }

    @Test
    void breakerStatesAreInReadinessAndMetrics() {
        RestAssured.get("/q/health/ready").then().statusCode(200).body(containsString("PSP circuit breakers"));
        RestAssured.get("/q/metrics")
                .then()
                .statusCode(200)
                .body(containsString("refract_psp_circuit_breaker_state{connector=\"stripe\",state=\"CLOSED\"} 1.0"));
    }

    private Response createFor(String payment) {
        return merchant.create(Api.body(
                Api.refundId(),
                payment,
                100L,
                "USD",
                "\"payment_amount\":{\"minor_amount\":1000,\"currency\":\"USD\"}"));
    }
}
