package dev.refract.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.refract.support.Api;
import dev.refract.support.PostgresResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * Walks the published OpenAPI document: every operation of the merchant API that is not a GET is refused to a
 * read-only key with 403 permission_denied, before it does anything, and every GET is let through (answered by the
 * operation itself, 200 or 404). A write route added later is covered without anyone remembering it: the filter
 * decides by the HTTP method.
 */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
class ReadOnlyKeysWriteNothingTest {

    @Test
    void aReadOnlyKeyIsRefusedEveryMerchantOperationButTheGets() throws Exception {
        Api.TestMerchant m = Api.newMerchant();
        String reader = Api.admin()
                .body("{\"name\":\"reader\",\"mode\":\"read_only\"}")
                .post("/admin/v1/merchants/" + m.id() + "/api-keys")
                .then()
                .statusCode(201)
                .extract()
                .path("api_key");
        List<EveryOperationAuthenticatesTest.Operation> merchantOps =
                EveryOperationAuthenticatesTest.operations().stream()
                        .filter(o -> o.path().startsWith("/v1/"))
                        .toList();
        List<String> writes = merchantOps.stream()
                .filter(o -> !o.method().equals("get"))
                .map(o -> o.method() + " " + o.path())
                .toList();
        assertTrue(
                writes.containsAll(List.of(
                        "post /v1/refunds",
                        "post /v1/refunds/{merchant_refund_id}/sync",
                        "post /v1/refunds/{merchant_refund_id}/cancel")),
                "the writes are in the document: " + writes);
        assertTrue(merchantOps.stream().anyMatch(o -> o.method().equals("get")), "and the reads");

        for (EveryOperationAuthenticatesTest.Operation op : merchantOps) {
            String what = op.method().toUpperCase(Locale.ROOT) + " " + op.path();
            Response asReader = EveryOperationAuthenticatesTest.send(op, "Bearer " + reader);
            if (op.method().equals("get")) {
                assertTrue(
                        asReader.statusCode() == 200 || asReader.statusCode() == 404,
                        what + " is a read: " + asReader.statusCode() + " " + asReader.asString());
            } else {
                assertEquals(403, asReader.statusCode(), what + ": " + asReader.asString());
                assertEquals("permission_denied", asReader.jsonPath().getString("error.code"), what);
                // the same request with the merchant's full key gets past the check (to the operation's own answer)
                int asFull = EveryOperationAuthenticatesTest.send(op, "Bearer " + m.apiKey())
                        .statusCode();
                assertTrue(asFull != 401 && asFull != 403, what + " with a full key: " + asFull);
            }
        }
    }
}
