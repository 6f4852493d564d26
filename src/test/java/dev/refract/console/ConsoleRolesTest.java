package dev.refract.console;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.refract.support.Api;
import dev.refract.support.Console;
import dev.refract.support.Db;
import dev.refract.support.OidcStandIn;
import dev.refract.support.PostgresResource;
import dev.refract.support.Sso;
import dev.refract.support.Workers;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Operators sign in to the console as themselves ("Sign in with SSO", the authorization code flow against a
 * stand-in provider) and see and do what their role allows: a viewer sees no action and is refused when posting one
 * anyway; an operator's resolution names them in the timeline and on the Audit page; an account without a Refract
 * role gets no session.
 */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
@WithTestResource(OidcStandIn.class)
class ConsoleRolesTest {

    @Test
    void theSignInPageOffersTheProviderBesideTheToken() {
        String page =
                given().get("/console/sign-in").then().statusCode(200).extract().asString();
        assertTrue(page.contains("href=\"/console/sso\""), page);
        assertTrue(page.contains("Sign in with SSO"), page);
        assertTrue(page.contains("name=\"token\""), "the admin token's form is still there: " + page);
    }

    @Test
    void aSignInThroughTheProviderOpensAConsoleSessionOfThatOperatorAndDropsTheProvidersOwn() {
        Sso.Flow flow = Sso.flow(OidcStandIn.VERA);
        assertEquals(200, flow.last().statusCode(), flow.last().asString());
        assertTrue(
                flow.last().asString().contains("Signed in as Vera Viewer (viewer)"),
                flow.last().asString());
        assertTrue(flow.last().asString().contains("url=/console/refunds"));
        String cookie = flow.last().headers().getValues("Set-Cookie").stream()
                .filter(c -> c.startsWith("refract_console="))
                .findFirst()
                .orElseThrow();
        assertTrue(cookie.endsWith("; Path=/console; Max-Age=28800; HttpOnly; SameSite=Strict"), cookie);
        assertNull(flow.cookies().get("q_session"), "the provider's session is not kept: " + flow.cookies());
        Map<String, Object> session = Db.one(
                "select actor_kind, actor_subject, actor_name, role from console_sessions "
                        + "where id_hash = encode(sha256(?::bytea), 'hex')",
                flow.session());
        assertEquals(
                Map.of(
                        "actor_kind", "operator",
                        "actor_subject", OidcStandIn.VERA.subject(),
                        "actor_name", "Vera Viewer",
                        "role", "viewer"),
                session);
        String refunds = Console.withSession(flow.session())
                .get("/console/refunds")
                .then()
                .statusCode(200)
                .extract()
                .asString();
        assertTrue(refunds.contains("Vera Viewer <span class=\"muted\">viewer</span>"), "the header names them");
    }

    @Test
    void aViewerSeesNoActionAndIsRefusedWhenPostingOneAnyway() {
        Api.TestMerchant m = Api.newMerchant();
        String id = Workers.refundInManualReview(m, Api.payment(10_000, "USD"));
        Console vera = Sso.signIn(OidcStandIn.VERA);
        String refund = vera.get("/console/refunds/" + m.id() + "/" + id)
                .then()
                .statusCode(200)
                .extract()
                .asString();
        assertTrue(refund.contains("MANUAL_REVIEW"));
        for (String action : new String[] {"/sync\"", "/cancel\"", "/resolve\"", "id=\"resolve-form\""}) {
            assertFalse(refund.contains(action), "a viewer sees no " + action);
        }
        assertFalse(vera.get("/console/merchants").asString().contains("id=\"create-merchant\""));
        assertFalse(vera.get("/console/merchants/" + m.id()).asString().contains("id=\"merchant-settings\""));
        long audited = Db.count("select count(*) from audit_log");

        String base = "/console/refunds/" + m.id() + "/" + id;
        for (Response refused : new Response[] {
            vera.post(base + "/resolve", "status", "SUCCEEDED", "reason", "a viewer tries"),
            vera.post(base + "/sync"),
            vera.post(base + "/cancel"),
            vera.post("/console/merchants", "merchant_id", "m_by_a_viewer", "name", "No"),
            vera.post("/console/merchants/" + m.id(), "name", "Renamed by a viewer"),
            vera.post("/console/outbox/1/retry")
        }) {
            assertEquals(403, refused.statusCode(), refused.asString());
            assertTrue(refused.asString().contains("Your role (viewer) cannot do this"), refused.asString());
        }
        m.get(id).then().body("status", equalTo("MANUAL_REVIEW"));
        assertEquals(0, Db.count("select count(*) from merchants where id = 'm_by_a_viewer'"));
        assertEquals(audited, Db.count("select count(*) from audit_log"), "nothing was done, nothing is audited");
    }

    @Test
    void anOperatorsResolutionNamesThemInTheTimelineAndOnTheAuditPage() {
        Api.TestMerchant m = Api.newMerchant();
        String id = Workers.refundInManualReview(m, Api.payment(10_000, "USD"));
        Console otto = Sso.signIn(OidcStandIn.OTTO);
        String base = "/console/refunds/" + m.id() + "/" + id;
        assertTrue(otto.get(base).asString().contains("id=\"resolve-form\""));
        Response resolved = otto.post(base + "/resolve", "status", "FAILED", "reason", "no trace at the PSP");
        assertEquals(303, resolved.statusCode(), resolved.asString());
        String page = otto.get(base).asString();
        assertTrue(page.contains("<td data-label=\"By\">Otto Operator</td>"), page);
        assertTrue(page.contains("operator: no trace at the PSP"), page);

        String audit = otto.get("/console/audit?merchant=" + m.id())
                .then()
                .statusCode(200)
                .extract()
                .asString();
        assertTrue(audit.contains("Otto Operator"), audit);
        assertTrue(audit.contains(OidcStandIn.OTTO.subject()), audit);
        assertTrue(audit.contains("refund.resolve"), audit);
        assertTrue(audit.contains("merchants/" + m.id() + "/refunds/" + id), audit);
        String byAction = otto.get("/console/audit?action=refund.resolve&actor=" + OidcStandIn.OTTO.subject())
                .asString();
        assertTrue(byAction.contains(id), byAction);
        assertEquals(400, otto.get("/console/audit?action=nonsense").statusCode());

        // an operator is no admin
        assertEquals(
                403,
                otto.post("/console/merchants", "merchant_id", "m_by_an_operator", "name", "No")
                        .statusCode());
    }

    @Test
    void fourEyesInTheConsoleShowTheProposalAndLetOnlyAnotherOperatorConfirmIt() {
        Api.TestMerchant m = Api.newMerchant();
        String id = Workers.refundInManualReview(m, Api.payment(100_000, "USD"), 75_000L);
        String base = "/console/refunds/" + m.id() + "/" + id;
        Console otto = Sso.signIn(OidcStandIn.OTTO);
        assertTrue(otto.get(base).asString().contains(">Propose</button>"));
        Response proposed = otto.post(base + "/resolve", "status", "SUCCEEDED", "reason", "refunded at the PSP");
        assertEquals(303, proposed.statusCode());
        assertTrue(proposed.header("Location").endsWith("?done=proposed"));
        String mine = otto.get(base + "?done=proposed").asString();
        assertTrue(mine.contains("Your resolution is proposed."), mine);
        assertTrue(mine.contains("id=\"proposal-waits\""), mine);
        assertFalse(mine.contains("id=\"confirm\""), mine);
        m.get(id).then().body("status", equalTo("MANUAL_REVIEW"));

        Console olga = Sso.signIn(OidcStandIn.OLGA);
        String theirs = olga.get(base).asString();
        assertTrue(
                theirs.contains("Otto Operator proposed to resolve this refund as <strong>SUCCEEDED</strong>"), theirs);
        assertTrue(theirs.contains("id=\"confirm\""), theirs);
        Response confirmed = olga.post(
                base + "/resolve", "status", "SUCCEEDED", "reason", "refunded at the PSP", "refunded_minor_amount", "");
        assertEquals(303, confirmed.statusCode(), confirmed.asString());
        m.get(id).then().body("status", equalTo("SUCCEEDED"));
        assertTrue(olga.get(base).asString().contains("<td data-label=\"By\">Olga Operator</td>"));
    }

    @Test
    void anAccountWithoutARefractRoleGetsNoSession() {
        Sso.Flow flow = Sso.flow(OidcStandIn.NOBODY);
        assertEquals(403, flow.last().statusCode(), flow.last().asString());
        assertTrue(
                flow.last().asString().contains("your account has no Refract role"),
                flow.last().asString());
        assertNull(flow.session());
        assertEquals(
                0,
                Db.count(
                        "select count(*) from console_sessions where actor_subject = ?", OidcStandIn.NOBODY.subject()));
    }
}
