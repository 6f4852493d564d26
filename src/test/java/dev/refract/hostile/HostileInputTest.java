package dev.refract.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.refract.support.Api;
import dev.refract.support.Db;
import dev.refract.support.PostgresResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import org.hamcrest.Matchers;
import org.junit.jupiter.api.Test;

/**
 * Generated hostile requests against the create endpoint: broken and truncated JSON, deep nesting, huge fields,
 * unicode and control characters, every kind of wrong number, unknown currencies, metadata past its limits. Every
 * answer must be a 4xx in the API's error shape (or a proper refund for the rare input that is valid), never a 5xx,
 * and a refused request must write nothing. The seed is fixed, so a failure names a reproducible case.
 */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
class HostileInputTest {

    static final long SEED = 20261122L;
    static final int CASES = 400;

    @Test
    void generatedHostileBodiesAreRefusedCleanly() {
        Api.TestMerchant m = Api.newMerchant();
        Random random = new Random(SEED);
        List<Function<Random, String>> generators = generators();
        long stored = 0; // refunds the answers say were stored: new ones (200) and stored failures (a refund body)
        for (int i = 0; i < CASES; i++) {
            String body = generators.get(random.nextInt(generators.size())).apply(random);
            Response r = m.request().body(body).post("/v1/refunds");
            String shown = body.length() > 200 ? body.substring(0, 200) + "…" : body;
            assertTrue(
                    r.statusCode() < 500,
                    "case " + i + " (seed " + SEED + ") answered " + r.statusCode() + ": " + shown);
            if (r.statusCode() >= 400) {
                assertTrue(
                        r.jsonPath().getString("error.code") != null, "case " + i + " without error shape: " + shown);
            }
            boolean refundBody = r.jsonPath().getString("merchant_refund_id") != null;
            if (refundBody && r.getHeader("Idempotent-Replayed") == null) {
                stored++;
            }
        }
        assertEquals(
                stored,
                Db.count("select count(*) from refunds where merchant_id = ?", m.id()),
                "a refused request wrote a refund");
    }

    @Test
    void aBodyThatIsNotUtf8Is400AndNothingIsStored() {
        Api.TestMerchant m = Api.newMerchant();
        String id = Api.refundId();
        byte[] head = ("{\"merchant_refund_id\":\"" + id + "\",\"connector_transaction_id\":\"sbx_1000_USD\","
                        + "\"amount\":{\"minor_amount\":100,\"currency\":\"USD\"},\"reason\":\"caf")
                .getBytes(StandardCharsets.UTF_8);
        byte[] tail = "\"}".getBytes(StandardCharsets.UTF_8);
        for (byte[] bad :
                new byte[][] {{(byte) 0xE9}, {(byte) 0xC3, (byte) 0x28}, {(byte) 0xED, (byte) 0xA0, (byte) 0x80}}) {
            byte[] body = new byte[head.length + bad.length + tail.length];
            System.arraycopy(head, 0, body, 0, head.length);
            System.arraycopy(bad, 0, body, head.length, bad.length);
            System.arraycopy(tail, 0, body, head.length + bad.length, tail.length);
            Response r = m.request()
                    .contentType("application/json; charset=utf-8")
                    .body(body)
                    .post("/v1/refunds");
            assertEquals(400, r.statusCode());
            assertEquals("invalid_request", r.jsonPath().getString("error.code"));
            assertEquals("the request body is not valid UTF-8", r.jsonPath().getString("error.message"));
        }
        assertEquals(0L, Db.count("select count(*) from refunds where merchant_id = ?", m.id()));
        Response admin = Api.admin()
                .contentType("application/json")
                .body(new byte[] {'{', '"', 'n', (byte) 0xFF, '"', '}'})
                .post("/admin/v1/merchants");
        assertEquals(400, admin.statusCode());
        assertEquals("the request body is not valid UTF-8", admin.jsonPath().getString("error.message"));
    }

    @Test
    void aDeclaredCharsetOtherThanUtf8Is415AndUtf8InAnySpellingIsAccepted() {
        Api.TestMerchant m = Api.newMerchant();
        String body = Api.body(Api.refundId(), Api.payment(1_000, "USD"), 100L, "USD", null);
        Response latin1 = m.request()
                .contentType("application/json; charset=ISO-8859-1")
                .body(body.getBytes(StandardCharsets.ISO_8859_1))
                .post("/v1/refunds");
        assertEquals(415, latin1.statusCode());
        assertEquals("unsupported_media_type", latin1.jsonPath().getString("error.code"));
        assertEquals(
                "request bodies are JSON in UTF-8; charset=iso-8859-1 is not accepted",
                latin1.jsonPath().getString("error.message"));
        assertEquals(0L, Db.count("select count(*) from refunds where merchant_id = ?", m.id()));
        m.request()
                .contentType("application/json; charset=\"UTF-8\"")
                .body(body.getBytes(StandardCharsets.UTF_8))
                .post("/v1/refunds")
                .then()
                .statusCode(200);
        m.request()
                .contentType("application/json")
                .body(Api.body(
                                Api.refundId(),
                                Api.payment(1_000, "USD"),
                                100L,
                                "USD",
                                "\"reason\":\"caf\u00e9 \u65e5\u672c\"")
                        .getBytes(StandardCharsets.UTF_8))
                .post("/v1/refunds")
                .then()
                .statusCode(200)
                .body("reason", Matchers.equalTo("caf\u00e9 \u65e5\u672c"));
    }

    @Test
    void oversizedBodiesAre413InTheErrorShape() {
        Api.TestMerchant m = Api.newMerchant();
        String huge = "{\"merchant_refund_id\":\"r\",\"connector_transaction_id\":\"sbx_1_USD\",\"reason\":\""
                + "x".repeat(70_000) + "\"}";
        Response r = m.request().body(huge).post("/v1/refunds");
        assertEquals(413, r.statusCode());
        assertEquals("request_too_large", r.jsonPath().getString("error.code"));
    }

    @Test
    void bodiesPastTheHttpLimitAre413InTheErrorShapeWithOrWithoutALength() throws Exception {
        Api.TestMerchant m = Api.newMerchant();
        String huge = "{\"merchant_refund_id\":\"r\",\"reason\":\"" + "x".repeat(3 * 1024 * 1024) + "\"}";
        for (String path : new String[] {"/v1/refunds", "/admin/v1/merchants", "/webhooks/" + m.id() + "/stripe"}) {
            Response declared = m.request().body(huge).post(path);
            assertEquals(413, declared.statusCode(), path);
            assertEquals("request_too_large", declared.jsonPath().getString("error.code"), path);
        }
        // streamed without a Content-Length (chunked): refused past the limit, read as usual within it. A client that
        // asks for HTTP/2 is kept to HTTP/1.1 (no h2c upgrade on the pod)
        for (HttpClient.Version version : HttpClient.Version.values()) {
            HttpClient client = HttpClient.newBuilder().version(version).build();
            HttpResponse<String> streamed = client.send(stream(m, huge), HttpResponse.BodyHandlers.ofString());
            assertEquals(413, streamed.statusCode(), version.name());
            assertTrue(streamed.body().contains("\"request_too_large\""), version + ": " + streamed.body());
            String fine = Api.body("streamed_" + version, Api.payment(1_000, "USD"), 100L, "USD", null);
            HttpResponse<String> accepted = client.send(stream(m, fine), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, accepted.statusCode(), version + ": " + accepted.body());
            assertEquals(HttpClient.Version.HTTP_1_1, accepted.version());
        }
        assertEquals(2, Db.count("select count(*) from refunds where merchant_id = ?", m.id()), "only the fine ones");
    }

    /** A create whose body is sent as a stream of unknown length. */
    static HttpRequest stream(Api.TestMerchant m, String body) {
        return HttpRequest.newBuilder(URI.create(RestAssured.baseURI + ":" + RestAssured.port + "/v1/refunds"))
                .header("Authorization", "Bearer " + m.apiKey())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(
                        () -> new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8))))
                .build();
    }

    @Test
    void pathTraversalAndOddIdsInPathsAreNotFound() {
        Api.TestMerchant m = Api.newMerchant();
        for (String id : new String[] {
            "..%2F..%2Fadmin%2Fv1%2Fmerchants", "%00", "a%0d%0aSet-Cookie:%20x=1", "%E2%80%AE", "x".repeat(300)
        }) {
            Response r = RestAssured.given()
                    .urlEncodingEnabled(false)
                    .header("Authorization", "Bearer " + m.apiKey())
                    .get("/v1/refunds/" + id);
            assertTrue(r.statusCode() == 404 || r.statusCode() == 400, id + " → " + r.statusCode());
            assertTrue(r.jsonPath().getString("error.code") != null, id);
            assertTrue(r.getHeader("Set-Cookie") == null, "no header injection");
        }
    }

    @Test
    void nulCharactersAreRefusedEverywhereBeforeTheDatabase() {
        Api.TestMerchant m = Api.newMerchant();
        m.create(Api.body("nul_1", Api.payment(1_000, "USD"), 100L, "USD", "\"reason\":\"a\\u0000b\""))
                .then()
                .statusCode(400)
                .body("error.param", Matchers.equalTo("reason"));
        m.create(Api.body("nul_2", Api.payment(1_000, "USD"), 100L, "USD", "\"metadata\":{\"k\":\"\\u0000\"}"))
                .then()
                .statusCode(400)
                .body("error.param", Matchers.equalTo("metadata"));
        RestAssured.given()
                .urlEncodingEnabled(false)
                .header("Authorization", "Bearer " + m.apiKey())
                .get("/v1/refunds?connector_transaction_id=a%00b")
                .then()
                .statusCode(400);
        RestAssured.given()
                .urlEncodingEnabled(false)
                .header("Authorization", "Bearer " + Api.ADMIN_TOKEN)
                .get("/admin/v1/merchants/m%00x")
                .then()
                .statusCode(404);
        RestAssured.given()
                .urlEncodingEnabled(false)
                .body("{}")
                .post("/webhooks/m%00x/stripe")
                .then()
                .statusCode(404);
        assertEquals(0, Db.count("select count(*) from refunds where merchant_id = ?", m.id()));
    }

    @Test
    void injectedHeadersInFieldsNeverReachAResponseHeader() {
        Api.TestMerchant m = Api.newMerchant();
        Response r = m.request()
                .body("{\"merchant_refund_id\":\"a\\r\\nX-Injected: 1\",\"connector_transaction_id\":\"sbx_1_USD\"}")
                .post("/v1/refunds");
        assertEquals(400, r.statusCode());
        assertTrue(r.getHeader("X-Injected") == null);
    }

    static List<Function<Random, String>> generators() {
        List<Function<Random, String>> g = new ArrayList<>();
        String valid = "{\"merchant_refund_id\":\"r1\",\"connector_transaction_id\":\"sbx_10000_USD\","
                + "\"amount\":{\"minor_amount\":100,\"currency\":\"USD\"},\"metadata\":{\"k\":\"v\"}}";
        // truncated or corrupted JSON
        g.add(r -> valid.substring(0, r.nextInt(valid.length())));
        g.add(r -> {
            char[] c = valid.toCharArray();
            for (int i = 0; i < 3; i++) {
                c[r.nextInt(c.length)] = (char) r.nextInt(128);
            }
            return new String(c);
        });
        g.add(r -> randomString(r, r.nextInt(200), true));
        // deep nesting
        g.add(r -> "{\"metadata\":" + "{\"a\":".repeat(50 + r.nextInt(2000)) + "1" + "}".repeat(10) + "}");
        g.add(r -> "[".repeat(100 + r.nextInt(5000)));
        // wrong amounts
        g.add(r -> body(
                r,
                "\"amount\":{\"minor_amount\":"
                        + pick(
                                r,
                                "-1",
                                "0",
                                "1.5",
                                "1e3",
                                "\"100\"",
                                "null",
                                "99999999999999999999999",
                                "9223372036854775808",
                                "-9223372036854775808",
                                "true",
                                "[]",
                                "{}",
                                "0x10",
                                "NaN",
                                "Infinity",
                                "1_000")
                        + ",\"currency\":\"USD\"}"));
        // unknown or malformed currencies
        g.add(r -> body(
                r, "\"amount\":{\"minor_amount\":100,\"currency\":\"" + randomString(r, r.nextInt(5), false) + "\"}"));
        // unicode, control characters and oversized strings in every string field
        g.add(r -> "{\"merchant_refund_id\":" + quoted(randomString(r, r.nextInt(100), true))
                + ",\"connector_transaction_id\":" + quoted(randomString(r, r.nextInt(200), true))
                + ",\"reason\":" + quoted(randomString(r, r.nextInt(400), true)) + "}");
        // metadata past its limits, and of the wrong shape
        g.add(r -> {
            StringBuilder meta = new StringBuilder("{");
            int keys = 15 + r.nextInt(20);
            for (int i = 0; i < keys; i++) {
                meta.append(i == 0 ? "" : ",")
                        .append(quoted("k" + i + "x".repeat(r.nextInt(50))))
                        .append(':')
                        .append(r.nextInt(10) == 0 ? "1" : quoted("v".repeat(r.nextInt(600))));
            }
            return body(r, "\"metadata\":" + meta.append('}'));
        });
        // unknown fields, duplicate keys, wrong types for known fields
        g.add(r -> body(
                r,
                pick(
                        r,
                        "\"ammount\":1",
                        "\"connector\":1",
                        "\"connector_options\":[]",
                        "\"connector_options\":{\"sandbox_outcome\":\"explode\"}",
                        "\"payment_amount\":\"all\"",
                        "\"merchant_refund_id\":\"dup\"",
                        "\"metadata\":null",
                        "\"reason\":{}",
                        "\"connector\":\"../stripe\"")));
        return g;
    }

    static String body(Random r, String extra) {
        return "{\"merchant_refund_id\":\"h" + r.nextInt(1_000_000)
                + "\",\"connector_transaction_id\":\"sbx_10000_USD_h" + r.nextInt(1_000_000) + "\"," + extra + "}";
    }

    static String pick(Random r, String... options) {
        return options[r.nextInt(options.length)];
    }

    static String quoted(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c < 0x20) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.append('"').toString();
    }

    static String randomString(Random r, int length, boolean wide) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < length; i++) {
            int kind = r.nextInt(wide ? 5 : 2);
            b.append(
                    switch (kind) {
                        case 0 -> (char) ('A' + r.nextInt(26));
                        case 1 -> (char) ('a' + r.nextInt(26));
                        case 2 -> (char) r.nextInt(0x20);
                        case 3 -> (char) (0x400 + r.nextInt(0x2000));
                        default -> "🙂\u202E\uFEFF".charAt(r.nextInt(4));
                    });
        }
        return b.toString();
    }
}
