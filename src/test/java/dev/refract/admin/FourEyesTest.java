package dev.refract.admin;

import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.refract.support.Api;
import dev.refract.support.Db;
import dev.refract.support.OidcStandIn;
import dev.refract.support.PostgresResource;
import dev.refract.support.Workers;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Four eyes, from 500.00 here ({@code refract.operators.four-eyes-minor-amount=50000}): one operator proposes, a
 * second confirms with the same decision; the first again, another decision, the admin token and a viewer are
 * refused, and nothing is resolved until the confirmation. Every step is in the audit trail.
 */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
@WithTestResource(OidcStandIn.class)
class FourEyesTest {

    static final String DECISION = "{\"status\":\"SUCCEEDED\",\"reason\":\"settled at the PSP, see OPS-77\"}";

    static Response resolve(OidcStandIn.User user, Api.TestMerchant m, String id, String body) {
        return AuditTrailTest.as(user).body(body).post(path(m, id));
    }

    static String path(Api.TestMerchant m, String id) {
        return "/admin/v1/merchants/" + m.id() + "/refunds/" + id + "/resolve";
    }

    @Test
    void aLargeResolutionTakesASecondOperatorWithTheSameDecision() {
        Api.TestMerchant m = Api.newMerchant();
        String payment = Api.payment(100_000, "USD");
        String id = Workers.refundInManualReview(m, payment, 60_000L);

        Response proposed = resolve(OidcStandIn.OTTO, m, id, DECISION);
        assertEquals(202, proposed.statusCode(), proposed.asString());
        JsonPath p = proposed.jsonPath();
        assertEquals("resolution_proposal", p.getString("object"));
        assertEquals(m.id(), p.getString("merchant_id"));
        assertEquals(id, p.getString("merchant_refund_id"));
        assertEquals("SUCCEEDED", p.getString("status"));
        assertEquals("settled at the PSP, see OPS-77", p.getString("reason"));
        assertEquals(
                Map.of("kind", "operator", "subject", OidcStandIn.OTTO.subject(), "name", "Otto Operator"),
                p.getMap("proposed_by"));
        assertNotNull(p.getString("proposed_at"));
        assertNotNull(p.getString("expires_at"));
        m.get(id).then().body("status", equalTo("MANUAL_REVIEW"));

        // the same operator cannot be the second pair of eyes, whatever they send
        Response again = resolve(OidcStandIn.OTTO, m, id, DECISION);
        assertEquals(403, again.statusCode(), again.asString());
        assertEquals("four_eyes_required", again.jsonPath().getString("error.code"));
        // the admin token names nobody, so it can be neither of the two
        Response token = Api.admin().body(DECISION).post(path(m, id));
        assertEquals(403, token.statusCode(), token.asString());
        assertEquals("four_eyes_required", token.jsonPath().getString("error.code"));
        // a viewer may not resolve at all
        Response viewer = resolve(OidcStandIn.VERA, m, id, DECISION);
        assertEquals(403, viewer.statusCode());
        assertEquals("permission_denied", viewer.jsonPath().getString("error.code"));
        // a second operator with another decision: a conflict, and the proposal stands
        Response other = resolve(
                OidcStandIn.OLGA, m, id, "{\"status\":\"FAILED\",\"reason\":\"settled at the PSP, see OPS-77\"}");
        assertEquals(409, other.statusCode(), other.asString());
        assertEquals("four_eyes_mismatch", other.jsonPath().getString("error.code"));
        assertTrue(other.jsonPath().getString("error.message").contains("Otto Operator proposed SUCCEEDED"));
        Response otherReason =
                resolve(OidcStandIn.OLGA, m, id, "{\"status\":\"SUCCEEDED\",\"reason\":\"looks fine to me\"}");
        assertEquals(409, otherReason.statusCode(), otherReason.asString());
        m.get(id).then().body("status", equalTo("MANUAL_REVIEW"));
        Db.assertLedgerConsistent(m.id(), payment);

        // a second operator, the same decision: resolved
        resolve(OidcStandIn.OLGA, m, id, DECISION).then().statusCode(200).body("status", equalTo("SUCCEEDED"));
        m.get(id).then().body("status", equalTo("SUCCEEDED"));
        Db.assertLedgerConsistent(m.id(), payment);
        assertEquals(
                "{\"kind\": \"operator\", \"name\": \"Olga Operator\", \"subject\": \"" + OidcStandIn.OLGA.subject()
                        + "\"}",
                Db.one(
                                "select e.actor::text as actor from refund_events e join refunds r on r.id = e.refund_id"
                                        + " where r.merchant_id = ? and e.cause = 'OPERATOR'",
                                m.id())
                        .get("actor"));
        assertEquals(0, Db.count("select count(*) from resolution_proposals where merchant_id = ?", m.id()));

        JsonPath trail = AuditTrailTest.audit("action=refund.resolve&merchant_id=" + m.id());
        assertEquals(2, trail.getList("data").size(), trail.prettify());
        assertEquals("confirmed", trail.getString("data[0].detail.four_eyes"));
        assertEquals(OidcStandIn.OLGA.subject(), trail.getString("data[0].actor.subject"));
        assertEquals(OidcStandIn.OTTO.subject(), trail.getString("data[0].detail.proposed_by.subject"));
        assertEquals("proposed", trail.getString("data[1].detail.four_eyes"));
        assertEquals(OidcStandIn.OTTO.subject(), trail.getString("data[1].actor.subject"));
        // and now it is resolved, nobody resolves it again
        assertEquals(409, resolve(OidcStandIn.OTTO, m, id, DECISION).statusCode());
    }

    @Test
    void belowTheAmountOneOperatorResolvesAtOnce() {
        Api.TestMerchant m = Api.newMerchant();
        String id = Workers.refundInManualReview(m, Api.payment(100_000, "USD"), 49_999L);
        resolve(OidcStandIn.OTTO, m, id, DECISION).then().statusCode(200).body("status", equalTo("SUCCEEDED"));
    }

    @Test
    void anExpiredProposalGivesWayToTheNextOne() {
        Api.TestMerchant m = Api.newMerchant();
        String id = Workers.refundInManualReview(m, Api.payment(100_000, "USD"), 50_000L);
        assertEquals(202, resolve(OidcStandIn.OTTO, m, id, DECISION).statusCode());
        Db.execute(
                "update resolution_proposals set proposed_at = now() - interval '25 hours' where merchant_id = ?",
                m.id());
        Response fresh =
                resolve(OidcStandIn.OLGA, m, id, "{\"status\":\"FAILED\",\"reason\":\"not at the PSP after all\"}");
        assertEquals(202, fresh.statusCode(), fresh.asString());
        assertEquals(OidcStandIn.OLGA.subject(), fresh.jsonPath().getString("proposed_by.subject"));
        // Otto may now confirm Olga's
        resolve(OidcStandIn.OTTO, m, id, "{\"status\":\"FAILED\",\"reason\":\"not at the PSP after all\"}")
                .then()
                .statusCode(200)
                .body("status", equalTo("FAILED"));
    }

    @Test
    void aProposalIsRefusedWhenTheResolutionWouldBe() {
        Api.TestMerchant m = Api.newMerchant();
        String id = Api.refundId();
        m.create(Api.body(id, Api.payment(100_000, "USD"), 60_000L, "USD", null))
                .then()
                .statusCode(200);
        // SUCCEEDED at once: nothing to resolve, so nothing is proposed
        Response answer = resolve(OidcStandIn.OTTO, m, id, DECISION);
        assertEquals(409, answer.statusCode(), answer.asString());
        assertEquals("not_resolvable", answer.jsonPath().getString("error.code"));
        assertEquals(0, Db.count("select count(*) from resolution_proposals where merchant_id = ?", m.id()));
        assertEquals(
                List.of(),
                AuditTrailTest.audit("action=refund.resolve&merchant_id=" + m.id())
                        .getList("data"));
    }
}
