package dev.refract.console;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import dev.refract.support.Api;
import dev.refract.support.Console;
import dev.refract.support.Db;
import dev.refract.support.PostgresResource;
import dev.refract.support.Workers;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;
import org.junit.jupiter.api.Test;

/**
 * The console's door: the admin token is exchanged for a session cookie with the right attributes, every page
 * needs that session, every form that changes something needs its CSRF token and a same-site origin, sign-out and
 * expiry end the session, and the token is never written back.
 */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
class ConsoleAccessTest {

    @Test
    void theAdminTokenBuysAnHttpOnlyStrictSessionCookieScopedToTheConsole() {
        Response signedIn = Console.signInWith(Api.ADMIN_TOKEN);
        assertEquals(303, signedIn.statusCode());
        assertTrue(signedIn.header("Location").endsWith("/console/refunds"), signedIn.header("Location"));
        String cookie = signedIn.header("Set-Cookie");
        assertTrue(
                cookie.matches("refract_console=[A-Za-z0-9_-]{43}; Path=/console; Max-Age=28800; HttpOnly; "
                        + "SameSite=Strict"),
                cookie);
        // only the id's hash is stored
        String id = signedIn.getCookie("refract_console");
        assertEquals(0, Db.count("select count(*) from console_sessions where id_hash = ?", id));
        assertEquals(
                1,
                Db.count("select count(*) from console_sessions where id_hash = encode(sha256(?::bytea), 'hex')", id));
    }

    @Test
    void behindTlsTheCookieIsSecure() {
        Response signedIn = given().redirects()
                .follow(false)
                .header("X-Forwarded-Proto", "https")
                .contentType(ContentType.URLENC)
                .formParam("token", Api.ADMIN_TOKEN)
                .post("/console/sign-in");
        assertEquals(303, signedIn.statusCode());
        assertTrue(
                signedIn.header("Set-Cookie").endsWith("; HttpOnly; SameSite=Strict; Secure"),
                signedIn.header("Set-Cookie"));
    }

    @Test
    void aWrongTokenGetsNoSessionAndIsNotEchoed() {
        String wrong = "not-the-admin-token-" + System.nanoTime();
        Response refused = Console.signInWith(wrong);
        assertEquals(401, refused.statusCode());
        assertNull(refused.header("Set-Cookie"));
        assertTrue(refused.asString().contains("That is not the admin token."), refused.asString());
        assertFalse(refused.asString().contains(wrong));
        assertEquals(401, Console.signInWith("").statusCode());
        assertEquals(401, Console.signInWith("x".repeat(10_000)).statusCode());
        assertEquals(413, Console.signInWith("x".repeat(40_000)).statusCode());
    }

    /** A sign-in form posted from another site gets no session, even with the right token (login CSRF). */
    @Test
    void aSignInFromAnotherSiteGetsNoSession() {
        for (String[] header : List.of(
                new String[] {"Sec-Fetch-Site", "cross-site"},
                new String[] {"Sec-Fetch-Site", "same-site"},
                new String[] {"Origin", "https://evil.example"},
                new String[] {"Origin", "null"})) {
            Response refused = given().redirects()
                    .follow(false)
                    .header(header[0], header[1])
                    .contentType(ContentType.URLENC)
                    .formParam("token", Api.ADMIN_TOKEN)
                    .post("/console/sign-in");
            assertEquals(403, refused.statusCode(), header[0] + ": " + header[1]);
            assertNull(refused.header("Set-Cookie"), header[0] + ": " + header[1]);
        }
        // what a browser sends from the console's own form
        Response own = given().redirects()
                .follow(false)
                .header("Sec-Fetch-Site", "same-origin")
                .header("Origin", "null")
                .contentType(ContentType.URLENC)
                .formParam("token", Api.ADMIN_TOKEN)
                .post("/console/sign-in");
        assertEquals(303, own.statusCode());
        assertNotNull(own.getCookie("refract_console"));
    }

    @Test
    void theTokenIsNeverInAPageOrALogLine() throws Exception {
        Console console = Console.signIn();
        for (String page : List.of(
                "/console/refunds", "/console/attention", "/console/psps", "/console/merchants", "/console/outbox")) {
            String html = console.get(page).then().statusCode(200).extract().asString();
            assertFalse(html.contains(Api.ADMIN_TOKEN), page);
        }
        String signInPage = given().get("/console/sign-in").asString();
        assertFalse(signInPage.contains(Api.ADMIN_TOKEN));
        String log = Files.readString(java.nio.file.Path.of("target", "refract-test.log"));
        assertTrue(log.contains("console sign-in"), "sign-ins are logged");
        assertFalse(log.contains(Api.ADMIN_TOKEN), "the admin token is in the log");
        assertFalse(log.contains(console.session()), "a session id is in the log");
    }

    @Test
    void everyPageWithoutALiveSessionSendsTheBrowserToSignIn() {
        for (String page : List.of(
                "/console",
                "/console/refunds",
                "/console/attention",
                "/console/psps",
                "/console/merchants",
                "/console/outbox",
                "/console/refunds/m_x/r_x",
                "/console/merchants/m_x")) {
            Response none = given().redirects().follow(false).get(page);
            assertEquals(303, none.statusCode(), page);
            assertTrue(none.header("Location").endsWith("/console/sign-in"), page + " " + none.header("Location"));
            Response forged = given().redirects()
                    .follow(false)
                    .cookie("refract_console", "A".repeat(43))
                    .get(page);
            assertEquals(303, forged.statusCode(), page);
            assertTrue(forged.header("Location").endsWith("/console/sign-in?session=expired"), page);
        }
        // nor does the admin API's bearer token open a page
        Response bearer = given().redirects()
                .follow(false)
                .header("Authorization", "Bearer " + Api.ADMIN_TOKEN)
                .get("/console/refunds");
        assertEquals(303, bearer.statusCode());
    }

    @Test
    void everyFormThatChangesSomethingNeedsTheSessionsCsrfToken() {
        Api.TestMerchant m = Api.newMerchant();
        String id = Workers.refundInManualReview(m, Api.payment(10_000, "USD"));
        Console console = Console.signIn();
        String resolve = "/console/refunds/" + m.id() + "/" + id + "/resolve";

        Response missing = console.postWithoutCsrf(resolve, "status", "SUCCEEDED", "reason", "checked");
        assertEquals(403, missing.statusCode());
        Response wrong = console.request()
                .contentType(ContentType.URLENC)
                .formParam("csrf", Console.signIn().csrf()) // another session's token
                .formParam("status", "SUCCEEDED")
                .formParam("reason", "checked")
                .post(resolve);
        assertEquals(403, wrong.statusCode());
        Response crossSite = console.request()
                .header("Origin", "https://evil.example")
                .contentType(ContentType.URLENC)
                .formParam("csrf", console.csrf())
                .formParam("status", "SUCCEEDED")
                .formParam("reason", "checked")
                .post(resolve);
        assertEquals(403, crossSite.statusCode());
        Response fetchSite = console.request()
                .header("Sec-Fetch-Site", "cross-site")
                .contentType(ContentType.URLENC)
                .formParam("csrf", console.csrf())
                .formParam("status", "SUCCEEDED")
                .formParam("reason", "checked")
                .post(resolve);
        assertEquals(403, fetchSite.statusCode());
        assertEquals("MANUAL_REVIEW", m.get(id).path("status"));
        assertEquals(
                0,
                Db.count(
                        "select count(*) from refund_events e join refunds r on r.id = e.refund_id "
                                + "where r.merchant_id = ? and e.cause = 'OPERATOR'",
                        m.id()));
        for (String path : List.of(
                "/console/sign-out",
                "/console/merchants",
                "/console/merchants/" + m.id(),
                "/console/merchants/" + m.id() + "/connectors",
                "/console/outbox/1/retry",
                "/console/refunds/" + m.id() + "/" + id + "/sync",
                "/console/refunds/" + m.id() + "/" + id + "/cancel")) {
            assertEquals(403, console.postWithoutCsrf(path, "name", "x").statusCode(), path);
        }
        // the session survived all of that
        assertEquals(200, console.get("/console/refunds").statusCode());
    }

    /**
     * Every class of the console that answers requests: its pages and the sign-in. A page added as a class of its
     * own is found here without being named.
     */
    static List<Class<?>> consoleResources() {
        return new ClassFileImporter()
                        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                        .importPackages("dev.refract.console")
                        .stream()
                        .filter(c -> c.isAnnotatedWith(Path.class))
                        .<Class<?>>map(c -> c.reflect())
                        .sorted(Comparator.comparing(Class::getName))
                        .toList();
    }

    /**
     * A new form handler without a csrf field fails here, whoever adds it, and so does a page behind no sign-in or
     * one whose failures would be answered as the API's JSON.
     */
    @Test
    void everyPostOfTheConsoleTakesACsrfField() {
        List<String> missing = new ArrayList<>();
        int posts = 0;
        List<Class<?>> resources = consoleResources();
        assertTrue(
                resources.contains(SignInResource.class) && resources.contains(RefundPage.class), resources.toString());
        for (Class<?> type : resources) {
            for (Method method : type.getDeclaredMethods()) {
                if (!method.isAnnotationPresent(POST.class) || method.getName().equals("signIn")) {
                    continue;
                }
                posts++;
                boolean csrf = false;
                for (Parameter p : method.getParameters()) {
                    RestForm form = p.getAnnotation(RestForm.class);
                    csrf |= form != null && form.value().equals("csrf");
                }
                if (!csrf) {
                    missing.add(type.getSimpleName() + "." + method.getName());
                }
            }
            if (type != SignInResource.class && type != SsoSignIn.class) {
                assertTrue(type.isAnnotationPresent(ConsoleAccess.class), type + " is behind the sign-in");
            }
            assertTrue(type.isAnnotationPresent(ConsolePage.class), type + " has the console's headers");
            assertTrue(
                    Arrays.stream(type.getDeclaredMethods())
                            .anyMatch(m -> m.isAnnotationPresent(ServerExceptionMapper.class)),
                    type + " answers its failures as pages");
        }
        assertEquals(9, posts, "the console's actions (the reconciliation page's start included)");
        assertEquals(List.of(), missing);
        for (Method method : SignInResource.class.getDeclaredMethods()) {
            if (method.isAnnotationPresent(GET.class) || method.isAnnotationPresent(POST.class)) {
                assertNotNull(method.getAnnotation(Path.class), method.getName());
            }
        }
    }

    /** Without a provider (these tests, dev mode): the token's form alone, and nothing behind the SSO path. */
    @Test
    void withoutAProviderTheSignInOffersTheTokenAlone() {
        String page =
                given().get("/console/sign-in").then().statusCode(200).extract().asString();
        assertTrue(page.contains("name=\"token\""), page);
        assertFalse(page.contains("/console/sso"), page);
        Response sso = given().redirects().follow(false).get("/console/sso");
        assertEquals(303, sso.statusCode());
        assertTrue(sso.header("Location").endsWith("/console/sign-in"), sso.header("Location"));
        // the session the token buys is the admin token's, acting as an admin
        Console console = Console.signIn();
        assertTrue(console.get("/console/refunds")
                .asString()
                .contains("the admin token <span class=\"muted\">admin</span>"));
    }

    @Test
    void signingOutEndsTheSessionEverywhere() {
        Console console = Console.signIn();
        Response out = console.post("/console/sign-out");
        assertEquals(303, out.statusCode());
        assertTrue(out.header("Location").endsWith("/console/sign-in?session=signed-out"));
        assertTrue(out.header("Set-Cookie").startsWith("refract_console=; Path=/console; Max-Age=0; HttpOnly"));
        // the cookie a copy of the browser kept no longer opens anything
        Response after = console.get("/console/refunds");
        assertEquals(303, after.statusCode());
        assertEquals(
                0,
                Db.count(
                        "select count(*) from console_sessions where id_hash = encode(sha256(?::bytea), 'hex')",
                        console.session()));
    }

    @Test
    void anExpiredSessionIsSentToSignInAgain() {
        Console console = Console.signIn();
        assertEquals(
                1,
                Db.execute(
                        "update console_sessions set expires_at = now() - interval '1 second' "
                                + "where id_hash = encode(sha256(?::bytea), 'hex')",
                        console.session()));
        Response expired = console.get("/console/refunds");
        assertEquals(303, expired.statusCode());
        assertTrue(expired.header("Location").endsWith("/console/sign-in?session=expired"));
        assertTrue(expired.header("Set-Cookie").contains("Max-Age=0"));
        String page = given().get("/console/sign-in?session=expired").asString();
        assertTrue(page.contains("Your session has ended."), page);
        // and the next sign-in sweeps it away
        Console.signIn();
        assertEquals(0, Db.count("select count(*) from console_sessions where expires_at <= now()"));
    }

    @Test
    void pagesForbidScriptsFramesAndCaches() {
        Console console = Console.signIn();
        Response page = console.get("/console/refunds");
        assertEquals("no-store", page.header("Cache-Control"));
        assertEquals(ConsoleGate.POLICY, page.header("Content-Security-Policy"));
        assertEquals("DENY", page.header("X-Frame-Options"));
        assertEquals("nosniff", page.header("X-Content-Type-Options"));
        assertEquals("same-origin", page.header("Referrer-Policy"));
        assertFalse(page.asString().contains("<script"));
        Response signIn = given().get("/console/sign-in");
        assertEquals(ConsoleGate.POLICY, signIn.header("Content-Security-Policy"));
        assertEquals(200, given().get("/console/console.css").statusCode());
    }
}
