package dev.refract.support;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.restassured.response.Response;
import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * "Sign in with SSO" without a browser: the authorization code flow against {@link OidcStandIn}, step by step as a
 * browser follows it, with the cookies it would keep. The provider's login page is skipped (the stand-in has none):
 * the test plays the provider's redirect back with a code and the state Refract sent.
 */
public final class Sso {

    private static final Pattern STATE = Pattern.compile("[?&]state=([^&]+)");

    private Sso() {}

    /** The whole flow for the user; answers the last response, Refract's, and the cookies the browser holds. */
    public record Flow(Response last, Map<String, String> cookies) {
        public String session() {
            return cookies.get("refract_console");
        }
    }

    public static Flow flow(OidcStandIn.User user) {
        OidcStandIn.nextSignInIs(user);
        Map<String, String> cookies = new HashMap<>();
        Response start = given().redirects().follow(false).get("/console/sso");
        assertEquals(303, start.statusCode());
        String callback = URI.create(start.header("Location")).getPath();
        assertEquals("/console/sso/callback", callback);

        Response toProvider = given().redirects().follow(false).get(callback);
        assertEquals(302, toProvider.statusCode(), toProvider.asString());
        String authorize = toProvider.header("Location");
        assertTrue(authorize.startsWith(OidcStandIn.issuer() + "/auth?"), authorize);
        assertTrue(authorize.contains("client_id=" + OidcStandIn.CLIENT_ID), authorize);
        Matcher state = STATE.matcher(authorize);
        assertTrue(state.find(), authorize);
        cookies.putAll(toProvider.getCookies());

        // the provider signs the user in and sends the browser back with a code
        Response back = given().redirects()
                .follow(false)
                .cookies(cookies)
                .queryParam("code", "code-" + user.subject())
                .urlEncodingEnabled(false)
                .queryParam("state", state.group(1))
                .get(callback);
        assertEquals(302, back.statusCode(), back.asString());
        keep(cookies, back);
        assertEquals(callback, URI.create(back.header("Location")).getPath());

        Response last = given().redirects().follow(false).cookies(cookies).get(callback);
        keep(cookies, last);
        return new Flow(last, cookies);
    }

    /** Signs the user in and answers their console. */
    public static Console signIn(OidcStandIn.User user) {
        Flow flow = flow(user);
        assertEquals(200, flow.last().statusCode(), flow.last().asString());
        assertNotNull(flow.session(), "the sign-in sets the console's session cookie");
        return Console.withSession(flow.session());
    }

    /** The browser keeps what a response sets, and forgets what it clears. */
    private static void keep(Map<String, String> cookies, Response response) {
        response.getDetailedCookies().forEach(c -> {
            if (c.getMaxAge() == 0 || c.getValue() == null || c.getValue().isEmpty()) {
                cookies.remove(c.getName());
            } else {
                cookies.put(c.getName(), c.getValue());
            }
        });
    }
}
