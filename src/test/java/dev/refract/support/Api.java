package dev.refract.support;

import static io.restassured.RestAssured.given;

import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.util.UUID;
import java.util.function.Supplier;

/** Test helpers that speak the public HTTP API, as a merchant's app or an operator would. */
public final class Api {

    public static final String ADMIN_TOKEN = "test-admin-token";

    private Api() {}

    /** A merchant created through the admin API, with its API key. */
    public record TestMerchant(String id, String apiKey) {
        public RequestSpecification request() {
            return given().header("Authorization", "Bearer " + apiKey).contentType(ContentType.JSON);
        }

        public Response create(String body) {
            return request().body(body).post("/v1/refunds");
        }

        public Response get(String merchantRefundId) {
            return request().get("/v1/refunds/" + merchantRefundId);
        }

        public Response sync(String merchantRefundId) {
            return request().post("/v1/refunds/" + merchantRefundId + "/sync");
        }

        /** Gives the merchant an account at the connector, through the admin API (the body of its PUT). */
        public void useConnector(String connector, String account) {
            admin().body(account)
                    .put("/admin/v1/merchants/" + id + "/connectors/" + connector)
                    .then()
                    .statusCode(200);
        }
    }

    public static RequestSpecification admin() {
        return given().header("Authorization", "Bearer " + ADMIN_TOKEN).contentType(ContentType.JSON);
    }

    public static TestMerchant newMerchant() {
        return newMerchant(Api::admin);
    }

    /** The same through the admin API of another instance ({@code admin} gives its admin requests). */
    public static TestMerchant newMerchant(Supplier<RequestSpecification> admin) {
        String id = "m_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        String key = admin.get()
                .body("{\"merchant_id\":\"" + id + "\",\"name\":\"Test " + id + "\"}")
                .post("/admin/v1/merchants")
                .then()
                .statusCode(201)
                .extract()
                .path("api_key");
        return new TestMerchant(id, key);
    }

    /** A fresh merchant_refund_id. */
    public static String refundId() {
        return "r_" + UUID.randomUUID();
    }

    /** A fresh sandbox payment id for a captured amount. */
    public static String payment(long minor, String currency) {
        return "sbx_" + minor + "_" + currency + "_"
                + UUID.randomUUID().toString().substring(0, 8);
    }

    /** A create body; {@code amount} null omits it, {@code extra} is spliced in verbatim (e.g. connector_options). */
    public static String body(String merchantRefundId, String payment, Long amount, String currency, String extra) {
        StringBuilder b = new StringBuilder("{\"merchant_refund_id\":\"")
                .append(merchantRefundId)
                .append("\",\"connector_transaction_id\":\"")
                .append(payment)
                .append('"');
        if (amount != null) {
            b.append(",\"amount\":{\"minor_amount\":")
                    .append(amount)
                    .append(",\"currency\":\"")
                    .append(currency)
                    .append("\"}");
        }
        if (extra != null) {
            b.append(',').append(extra);
        }
        return b.append('}').toString();
    }
}
