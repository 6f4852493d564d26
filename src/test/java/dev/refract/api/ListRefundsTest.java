package dev.refract.api;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.refract.support.Api;
import dev.refract.support.PostgresResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
class ListRefundsTest {

    @Test
    void pagesNewestFirstWithoutDuplicatesOrGapsWhileRefundsAreInserted() {
        Api.TestMerchant merchant = Api.newMerchant();
        List<String> created = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            String id = "r_" + i;
            merchant.create(Api.body(id, Api.payment(1_000, "USD"), 100L, "USD", null))
                    .then()
                    .statusCode(200);
            created.add(0, id); // newest first
        }

        List<String> seen = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        int inserted = 0;
        do {
            var request = merchant.request().queryParam("limit", 5);
            if (cursor != null) {
                request.queryParam("cursor", cursor);
            }
            JsonPath page =
                    request.get("/v1/refunds").then().statusCode(200).extract().jsonPath();
            seen.addAll(page.getList("data.merchant_refund_id"));
            cursor = page.getString("next_cursor");
            assertEquals(cursor != null, page.getBoolean("has_more"));
            pages++;
            // new refunds arrive between pages: they are newer than every cursor, so they do not disturb paging
            merchant.create(Api.body("late_" + inserted++, Api.payment(1_000, "USD"), 100L, "USD", null))
                    .then()
                    .statusCode(200);
        } while (cursor != null);

        assertEquals(created, seen, "every refund that existed when paging began, once, newest first");
        assertEquals(3, pages);
    }

    @Test
    void filtersByStatusConnectorPaymentAndTime() {
        Api.TestMerchant merchant = Api.newMerchant();
        String payment = Api.payment(10_000, "USD");
        merchant.create(Api.body("ok_1", payment, 100L, "USD", null)).then().statusCode(200);
        merchant.create(Api.body(
                        "declined_1", payment, 100L, "USD", "\"connector_options\":{\"sandbox_outcome\":\"declined\"}"))
                .then()
                .statusCode(402);
        merchant.create(Api.body(
                        "pending_1",
                        Api.payment(500, "USD"),
                        100L,
                        "USD",
                        "\"connector_options\":{\"sandbox_outcome\":\"pending\",\"sandbox_settle_ms\":600000}"))
                .then()
                .statusCode(200);

        assertEquals(
                Set.of("declined_1"),
                ids(merchant.request()
                        .queryParam("status", "FAILED")
                        .get("/v1/refunds")
                        .jsonPath()));
        assertEquals(
                Set.of("declined_1", "pending_1"),
                ids(merchant.request()
                        .queryParam("status", "FAILED")
                        .queryParam("status", "PENDING")
                        .get("/v1/refunds")
                        .jsonPath()));
        assertEquals(
                Set.of("ok_1", "declined_1"),
                ids(merchant.request()
                        .queryParam("connector_transaction_id", payment)
                        .get("/v1/refunds")
                        .jsonPath()));
        assertEquals(
                3,
                ids(merchant.request()
                                .queryParam("connector", "sandbox")
                                .get("/v1/refunds")
                                .jsonPath())
                        .size());
        assertTrue(ids(merchant.request()
                        .queryParam("connector", "stripe")
                        .get("/v1/refunds")
                        .jsonPath())
                .isEmpty());

        String future = Instant.now().plusSeconds(3600).toString();
        String past = Instant.now().minusSeconds(3600).toString();
        assertEquals(
                3,
                ids(merchant.request()
                                .queryParam("created_from", past)
                                .queryParam("created_to", future)
                                .get("/v1/refunds")
                                .jsonPath())
                        .size());
        assertTrue(ids(merchant.request()
                        .queryParam("created_from", future)
                        .get("/v1/refunds")
                        .jsonPath())
                .isEmpty());
        assertTrue(ids(merchant.request()
                        .queryParam("created_to", past)
                        .get("/v1/refunds")
                        .jsonPath())
                .isEmpty());
    }

    @Test
    void emptyListHasNoCursor() {
        JsonPath page = Api.newMerchant()
                .request()
                .get("/v1/refunds")
                .then()
                .statusCode(200)
                .body("data", hasSize(0))
                .extract()
                .jsonPath();
        assertFalse(page.getBoolean("has_more"));
        assertNull(page.getString("next_cursor"));
    }

    @ParameterizedTest(name = "{0}={1} is refused")
    @CsvSource({
        "limit,0",
        "limit,101",
        "limit,ten",
        "status,DONE",
        "created_from,yesterday",
        "created_to,2026-13-01T00:00:00Z",
        "cursor,not-a-cursor",
        "cursor,djEueC55"
    })
    void badParametersAre400WithTheParamNamed(String param, String value) {
        Api.newMerchant()
                .request()
                .queryParam(param, value)
                .get("/v1/refunds")
                .then()
                .statusCode(400)
                .body("error.code", equalTo("invalid_request"))
                .body("error.param", equalTo(param));
    }

    private static Set<String> ids(JsonPath page) {
        return new HashSet<>(page.getList("data.merchant_refund_id"));
    }
}
