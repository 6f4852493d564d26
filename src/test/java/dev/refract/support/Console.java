package dev.refract.support;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A browser-less operator of the console: signs in with the admin token, then reads pages and posts forms. */
public final class Console {

    private static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");

    private final String session;
    private final String csrf;

    private Console(String session, String csrf) {
        this.session = session;
        this.csrf = csrf;
    }

    public static Response signInWith(String token) {
        return given().redirects()
                .follow(false)
                .contentType(ContentType.URLENC)
                .formParam("token", token)
                .post("/console/sign-in");
    }

    /** Signs in and reads the CSRF token from the first page. */
    public static Console signIn() {
        Response signedIn = signInWith(Api.ADMIN_TOKEN);
        assertEquals(303, signedIn.statusCode(), signedIn.asString());
        String session = signedIn.getCookie("refract_console");
        assertNotNull(session, "the sign-in sets the session cookie");
        return withSession(session);
    }

    /** The console of a session cookie, with the CSRF token read from its first page. */
    public static Console withSession(String session) {
        String page = given().redirects()
                .follow(false)
                .cookie("refract_console", session)
                .get("/console/refunds")
                .then()
                .statusCode(200)
                .extract()
                .asString();
        Matcher m = CSRF.matcher(page);
        if (!m.find()) {
            throw new AssertionError("no CSRF token on the page: " + page);
        }
        return new Console(session, m.group(1));
    }

    public String session() {
        return session;
    }

    public String csrf() {
        return csrf;
    }

    public RequestSpecification request() {
        return given().redirects().follow(false).cookie("refract_console", session);
    }

    public Response get(String path) {
        return request().get(path);
    }

    /** Posts a form with this session's CSRF token; {@code fields} are name, value pairs. */
    public Response post(String path, String... fields) {
        RequestSpecification request = request().contentType(ContentType.URLENC).formParam("csrf", csrf);
        for (int i = 0; i < fields.length; i += 2) {
            request.formParam(fields[i], fields[i + 1]);
        }
        return request.post(path);
    }

    /** The same form without any CSRF token. */
    public Response postWithoutCsrf(String path, String... fields) {
        RequestSpecification request = request().contentType(ContentType.URLENC);
        for (int i = 0; i < fields.length; i += 2) {
            request.formParam(fields[i], fields[i + 1]);
        }
        return request.post(path);
    }
}
