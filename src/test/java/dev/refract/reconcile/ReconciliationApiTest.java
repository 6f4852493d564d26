package dev.refract.reconcile;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.refract.support.Api;
import dev.refract.support.Db;
import dev.refract.support.PostgresResource;
import dev.refract.support.PspStandIn;
import dev.refract.support.Reconciling;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The reconciliation endpoints refuse what they cannot run, in the API's error shape and before anything is stored:
 * an unknown merchant or connector, a connector that cannot be reconciled (or only from a report), one the merchant
 * has no account at, a window in the wrong order, longer than 31 days or not ended; and they list and read runs.
 */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(PspStandIn.class)
class ReconciliationApiTest {

    static ValidatableResponse start(String body) {
        return Api.admin().body(body).post("/admin/v1/reconciliations").then();
    }

    static String run(String merchant, String connector, Instant from, Instant to) {
        return "{\"merchant_id\":\"" + merchant + "\",\"connector\":\"" + connector + "\",\"from\":\"" + from
                + "\",\"to\":\"" + to + "\"}";
    }

    static void refused(ValidatableResponse response, int status, String code, String param) {
        response.statusCode(status)
                .body("error.code", equalTo(code))
                .body("error.type", equalTo("invalid_request_error"));
        if (param != null) {
            response.body("error.param", equalTo(param));
        }
    }

    @Test
    void whatCannotBeRunIsRefusedInTheErrorShapeAndNothingIsStored() {
        Api.TestMerchant m = Reconciling.stripeMerchant();
        Instant to = Instant.now().minusSeconds(60);
        Instant from = to.minus(Duration.ofDays(1));

        refused(start(run("m_nobody_here", "stripe", from, to)), 404, "merchant_not_found", "merchant_id");
        refused(start(run(m.id(), "paypal", from, to)), 400, "invalid_request", "connector");
        refused(start(run(m.id(), "sandbox", from, to)), 400, "connector_not_reconcilable", "connector");
        refused(start(run(m.id(), "credyt", from, to)), 400, "connector_not_reconcilable", "connector");
        start(run(m.id(), "adyen", from, to))
                .statusCode(400)
                .body("error.code", equalTo("connector_not_reconcilable"))
                .body("error.message", org.hamcrest.Matchers.containsString("adyen-settlement-report"));
        refused(start(run(m.id(), "exodus", from, to)), 400, "connector_not_enabled", "connector");
        refused(start(run(m.id(), "stripe", to, from)), 400, "invalid_request", "to");
        refused(start(run(m.id(), "stripe", to.minus(Duration.ofDays(32)), to)), 400, "invalid_request", "to");
        start(run(m.id(), "stripe", to.minus(Duration.ofDays(31)), to)).statusCode(202);
        refused(start(run(m.id(), "stripe", from, Instant.now().plusSeconds(3600))), 400, "invalid_request", "to");
        refused(
                start("{\"merchant_id\":\"" + m.id() + "\",\"connector\":\"stripe\",\"from\":\"yesterday\",\"to\":\""
                        + to + "\"}"),
                400,
                "invalid_request",
                "from");
        refused(
                start("{\"merchant_id\":\"" + m.id() + "\",\"connector\":\"stripe\",\"to\":\"" + to + "\"}"),
                400,
                "invalid_request",
                "from");
        refused(
                start("{\"merchant_id\":\"" + m.id() + "\",\"connector\":\"stripe\",\"window\":\"x\"}"),
                400,
                "invalid_request",
                "window");
        refused(
                start("{\"connector\":\"stripe\",\"from\":\"" + from + "\",\"to\":\"" + to + "\"}"),
                400,
                "invalid_request",
                "merchant_id");

        assertEquals(
                1,
                Db.count("select count(*) from reconciliation_runs where merchant_id = ?", m.id()),
                "only the 31-day window was started");
    }

    @Test
    void runsAreListedNewestFirstAndReadById() {
        Api.TestMerchant m = Reconciling.stripeMerchant();
        PspStandIn.server()
                .stubFor(Reconciling.stripeListing(null)
                        .willReturn(Reconciling.ok(Reconciling.stripePage(List.of(), false))));
        Instant to = Instant.now().minusSeconds(60);
        String first = Reconciling.start(m.id(), "stripe", to.minusSeconds(3600), to);
        String second = Reconciling.start(m.id(), "stripe", to.minusSeconds(7200), to);
        String third = Reconciling.start(m.id(), "stripe", to.minusSeconds(10800), to);
        Reconciling.workAndRead(third);
        // each run an operator starts is in the audit trail, under the run's id
        Api.admin()
                .get("/admin/v1/audit?action=reconciliation.run&target=reconciliations/" + third)
                .then()
                .statusCode(200)
                .body("data.size()", equalTo(1))
                .body("data[0].actor.kind", equalTo("admin_token"))
                .body("data[0].detail.merchant_id", equalTo(m.id()))
                .body("data[0].detail.connector", equalTo("stripe"))
                .body("data[0].detail.source", equalTo("list"))
                .body(
                        "data[0].detail.window_from",
                        equalTo(to.minusSeconds(10800).toString()))
                .body("data[0].detail.window_to", equalTo(to.toString()));

        var page = Api.admin()
                .queryParam("merchant_id", m.id())
                .queryParam("limit", 2)
                .get("/admin/v1/reconciliations")
                .then()
                .statusCode(200)
                .body("data.id", equalTo(List.of(third, second)))
                .body("has_more", equalTo(true))
                .body("data[0].status", equalTo("completed"))
                .body("data[0].counts.matched", equalTo(0))
                .extract()
                .jsonPath();
        Api.admin()
                .queryParam("merchant_id", m.id())
                .queryParam("limit", 2)
                .queryParam("cursor", page.getString("next_cursor"))
                .get("/admin/v1/reconciliations")
                .then()
                .statusCode(200)
                .body("data.id", equalTo(List.of(first)))
                .body("has_more", equalTo(false));

        Api.admin()
                .get("/admin/v1/reconciliations/" + first)
                .then()
                .statusCode(200)
                .body("id", equalTo(first))
                .body("merchant_id", equalTo(m.id()))
                .body("connector", equalTo("stripe"))
                .body("from", startsWith(to.minusSeconds(3600).toString().substring(0, 16)))
                .body("exceptions.size()", equalTo(0))
                .body("started_by", equalTo("operator"));
        refused(
                Api.admin()
                        .get("/admin/v1/reconciliations/rec_00000000000000000000000000000000")
                        .then(),
                404,
                "reconciliation_not_found",
                null);
        refused(
                Api.admin().get("/admin/v1/reconciliations/not-a-run-id").then(),
                404,
                "reconciliation_not_found",
                null);
        refused(
                Api.admin()
                        .queryParam("cursor", "nonsense")
                        .get("/admin/v1/reconciliations")
                        .then(),
                400,
                "invalid_request",
                "cursor");
        refused(
                Api.admin()
                        .queryParam("limit", 0)
                        .get("/admin/v1/reconciliations")
                        .then(),
                400,
                "invalid_request",
                "limit");
    }
}
