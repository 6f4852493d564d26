package dev.refract.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.refract.support.Api;
import dev.refract.support.Db;
import dev.refract.support.PostgresResource;
import dev.refract.support.RawHttp;
import dev.refract.support.RawHttp.Framing;
import dev.refract.support.RawHttp.Send;
import dev.refract.webhook.StripeWebhookTest;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Every body an API route accepts reaches it intact, whatever its size and however it travels: sizes around each
 * power of two from 1 byte to past {@code quarkus.http.limits.max-body-size}, with a Content-Length or chunked, in
 * one write or trickled in pieces with pauses. What was stored is read back and compared with what was sent. The
 * content is UTF-8 of one to four bytes a character, after whitespace that pads the body to its size, so that a body
 * cut, shifted or zeroed anywhere either fails to parse or reads back different. Past a route's limit the answer is
 * the documented 413 in the API's error shape.
 */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
class RequestBodyIntegrityTest {

    static final int API_LIMIT = 64 * 1024;
    static final int HTTP_LIMIT = 1024 * 1024;
    static final ObjectMapper JSON = new ObjectMapper();
    static final List<Send> SENDS = List.of(
            Send.whole(Framing.LENGTH),
            Send.whole(Framing.CHUNKED),
            new Send(Framing.LENGTH, 7, 3),
            new Send(Framing.CHUNKED, 7, 3));

    /** Sizes around each power of two up to past the HTTP limit, and around the API limit. */
    static TreeSet<Integer> sizes() {
        TreeSet<Integer> sizes = new TreeSet<>();
        for (int p = 1; p <= 2 * HTTP_LIMIT; p *= 2) {
            for (int s : new int[] {p - 1, p, p + 1}) {
                if (s >= 1 && s <= HTTP_LIMIT + 1) {
                    sizes.add(s);
                }
            }
        }
        sizes.add(10_240); // the size at which the HTTP layer's request reading used to change path
        sizes.add(10_241);
        return sizes;
    }

    /** What was sent, and what the route must have stored from it. */
    record Sent(byte[] body, Map<String, String> content) {}

    /** One API route: how to build a body of a size, and how to check what it did with it. */
    interface Route {
        String method();

        String path();

        Map<String, String> headers();

        /** A body of exactly {@code size} bytes; {@code content} empty when too small to carry any. */
        Sent body(int size, Random random);

        /** Asserts that an accepted body was stored exactly as sent. */
        void assertStored(Sent sent, RawHttp.Answer answer) throws Exception;

        /** Asserts the answer to a body too small to carry content (whitespace in braces, or one digit). */
        void assertTooSmall(Sent sent, RawHttp.Answer answer) throws Exception;
    }

    @Test
    void everyApiRouteReadsEveryBodyItAcceptsIntactAndRefusesLargerOnesInTheErrorShape() throws Exception {
        Api.TestMerchant m = Api.newMerchant();
        // the merchant API's create is sent every size in every way; the operator routes, which read their bodies
        // through the same path, each size in one of the ways in turn. The routes run side by side
        List<Callable<List<String>>> runs = List.of(
                () -> sweep(new CreateRefund(m), true, 1L),
                () -> sweep(new UpdateMerchant(m), false, 2L),
                () -> sweep(new PutSettings(m), false, 3L),
                () -> sweep(new CreateMerchant(), false, 4L));
        ExecutorService pool = Executors.newFixedThreadPool(runs.size());
        List<String> failures = new ArrayList<>();
        try {
            for (Future<List<String>> run : pool.invokeAll(runs)) {
                failures.addAll(run.get());
            }
        } finally {
            pool.shutdownNow();
        }
        assertTrue(failures.isEmpty(), failures.size() + " bodies not read intact:\n" + String.join("\n", failures));
    }

    private static List<String> sweep(Route route, boolean everyWay, long seed) throws Exception {
        List<String> failures = new ArrayList<>();
        Random random = new Random(seed);
        int turn = (int) seed;
        for (int size : sizes()) {
            List<Send> ways = everyWay ? SENDS : List.of(SENDS.get(turn++ % SENDS.size()));
            for (Send how : ways) {
                Sent sent = route.body(size, random);
                assertEquals(size, sent.body().length, "the test built a body of the wrong size");
                RawHttp.Answer answer =
                        RawHttp.send(RestAssured.port, route.method(), route.path(), route.headers(), sent.body(), how);
                try {
                    check(route, sent, size, answer);
                } catch (AssertionError e) {
                    failures.add(route.method() + " " + route.path() + ", " + size + " bytes, " + how + ": "
                            + e.getMessage());
                }
            }
        }
        return failures;
    }

    private static void check(Route route, Sent sent, int size, RawHttp.Answer answer) throws Exception {
        if (size > HTTP_LIMIT) {
            assertRefused(answer, HTTP_LIMIT);
        } else if (size > API_LIMIT) {
            assertRefused(answer, API_LIMIT);
        } else if (sent.content().isEmpty()) {
            route.assertTooSmall(sent, answer);
        } else {
            route.assertStored(sent, answer);
        }
    }

    private static void assertRefused(RawHttp.Answer answer, int limit) throws Exception {
        assertEquals(413, answer.status(), answer.body());
        JsonNode error = JSON.readTree(answer.body()).get("error");
        assertEquals("request_too_large", error.get("code").asText());
        assertEquals(
                "the request body is larger than " + limit + " bytes",
                error.get("message").asText());
    }

    /** Stripe webhooks are verified on their raw bytes: one past the old 10 KiB mark must verify and be stored. */
    @Test
    void largeWebhooksVerifyOnTheirRawBytesWhateverTheirFraming() throws Exception {
        Api.TestMerchant m = Api.newMerchant();
        Api.admin()
                .body("{\"webhook_secret\":\"" + StripeWebhookTest.SECRET
                        + "\",\"credentials\":{\"api_key\":\"sk_test_big\"}}")
                .put("/admin/v1/merchants/" + m.id() + "/connectors/stripe")
                .then()
                .statusCode(200);
        Random random = new Random(7L);
        List<String> failures = new ArrayList<>();
        for (int size : new int[] {10_239, 10_240, 10_241, 16_384, 65_537, 262_144, HTTP_LIMIT - 4_096}) {
            for (Send how : SENDS) {
                String id = StripeWebhookTest.evtId();
                String prefix = "{\"id\":\"" + id + "\",\"object\":\"event\",\"type\":\"customer.updated\","
                        + "\"data\":{\"object\":{\"object\":\"customer\",\"description\":\"";
                String description = Text.of(random, Integer.MAX_VALUE, size - bytes(prefix) - 4);
                String body = prefix + description + "\"}}}";
                body = body + " ".repeat(size - bytes(body));
                Map<String, String> headers = Map.of(
                        "Content-Type",
                        "application/json",
                        "Stripe-Signature",
                        StripeWebhookTest.sign(body, StripeWebhookTest.SECRET));
                RawHttp.Answer answer = RawHttp.send(
                        RestAssured.port,
                        "POST",
                        "/webhooks/" + m.id() + "/stripe",
                        headers,
                        body.getBytes(StandardCharsets.UTF_8),
                        how);
                String where = size + " bytes, " + how;
                if (answer.status() != 200) {
                    failures.add(where + ": " + answer.status() + " " + answer.body());
                    continue;
                }
                Map<String, Object> row = Db.one(
                        "select payload #>> '{data,object,description}' as description from webhook_events "
                                + "where merchant_id = ? and event_id = ?",
                        m.id(),
                        id);
                if (row == null || !description.equals(row.get("description"))) {
                    failures.add(where + ": stored another description");
                }
            }
        }
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }

    // ---- the routes --------------------------------------------------------------------------------------------

    /** {@code POST /v1/refunds}: the reason and the metadata are read back from the refund. */
    record CreateRefund(Api.TestMerchant m) implements Route {
        public String method() {
            return "POST";
        }

        public String path() {
            return "/v1/refunds";
        }

        public Map<String, String> headers() {
            return Map.of("Authorization", "Bearer " + m.apiKey(), "Content-Type", "application/json");
        }

        public Sent body(int size, Random random) {
            String id = "b_" + UUID.randomUUID().toString().substring(0, 18);
            String head = "{\"merchant_refund_id\":\"" + id + "\",\"connector_transaction_id\":\""
                    + Api.payment(100_000, "USD") + "\",\"amount\":{\"minor_amount\":1,\"currency\":\"USD\"}";
            int budget = size - bytes(head) - 1;
            if (budget < 0) {
                return tooSmall(size, random);
            }
            Map<String, String> content = new LinkedHashMap<>();
            content.put("merchant_refund_id", id);
            StringBuilder tail = new StringBuilder();
            if (budget >= 13) {
                String reason = Text.of(random, 255, budget - 12);
                tail.append(",\"reason\":\"").append(reason).append('"');
                content.put("reason", reason);
            }
            int left = budget - bytes(tail.toString());
            if (left >= 14 + 9) { // ,"metadata":{} around at least "kNNN":""
                StringBuilder meta = new StringBuilder(",\"metadata\":{");
                left -= 14;
                for (int i = 0; i < 20 && left >= 9 + (i == 0 ? 0 : 1); i++) {
                    String key = "k" + (100 + i);
                    String value = Text.of(random, 500, left - 9 - (i == 0 ? 0 : 1));
                    String entry = (i == 0 ? "" : ",") + "\"" + key + "\":\"" + value + "\"";
                    meta.append(entry);
                    left -= bytes(entry);
                    content.put("metadata." + key, value);
                }
                tail.append(meta).append('}');
            }
            String body = head + Text.whitespace(random, budget - bytes(tail.toString())) + tail + "}";
            return new Sent(body.getBytes(StandardCharsets.UTF_8), content);
        }

        public void assertStored(Sent sent, RawHttp.Answer answer) throws Exception {
            assertEquals(200, answer.status(), answer.body());
            String id = sent.content().get("merchant_refund_id");
            assertEquals(sent.content(), stored(JSON.readTree(answer.body())), "the answer");
            assertEquals(sent.content(), stored(JSON.readTree(m.get(id).asString())), "the stored refund");
        }

        private static Map<String, String> stored(JsonNode refund) {
            Map<String, String> content = new LinkedHashMap<>();
            content.put("merchant_refund_id", refund.path("merchant_refund_id").asText());
            if (refund.hasNonNull("reason")) {
                content.put("reason", refund.get("reason").asText());
            }
            refund.path("metadata")
                    .fields()
                    .forEachRemaining(e ->
                            content.put("metadata." + e.getKey(), e.getValue().asText()));
            return content;
        }

        public void assertTooSmall(Sent sent, RawHttp.Answer answer) throws Exception {
            assertEquals(400, answer.status(), answer.body());
            JsonNode error = JSON.readTree(answer.body()).get("error");
            if (sent.body().length == 1) {
                assertEquals(
                        "the request body must be a JSON object",
                        error.get("message").asText());
            } else {
                assertEquals(
                        "merchant_refund_id is required", error.get("message").asText());
            }
        }
    }

    /** {@code PUT /admin/v1/merchants/{id}}: the name is read back from the merchant. */
    record UpdateMerchant(Api.TestMerchant m) implements Route {
        public String method() {
            return "PUT";
        }

        public String path() {
            return "/admin/v1/merchants/" + m.id();
        }

        public Map<String, String> headers() {
            return Map.of("Authorization", "Bearer " + Api.ADMIN_TOKEN, "Content-Type", "application/json");
        }

        public Sent body(int size, Random random) {
            int budget = size - 12; // {"name":"…"} around at least one character
            if (budget < 0) {
                return tooSmall(size, random);
            }
            String name = "n" + Text.of(random, 199, budget);
            String tail = "\"name\":\"" + name + "\"}";
            String body = "{" + Text.whitespace(random, size - 1 - bytes(tail)) + tail;
            return new Sent(body.getBytes(StandardCharsets.UTF_8), Map.of("name", name));
        }

        public void assertStored(Sent sent, RawHttp.Answer answer) throws Exception {
            assertEquals(200, answer.status(), answer.body());
            assertEquals(
                    sent.content().get("name"),
                    JSON.readTree(answer.body()).get("name").asText(),
                    "answer");
            assertEquals(
                    sent.content().get("name"),
                    Db.one("select name from merchants where id = ?", m.id()).get("name"),
                    "stored");
        }

        public void assertTooSmall(Sent sent, RawHttp.Answer answer) throws Exception {
            if (sent.body().length == 1) {
                assertEquals(400, answer.status(), answer.body());
                assertEquals(
                        "the request body must be a JSON object",
                        JSON.readTree(answer.body()).at("/error/message").asText());
            } else {
                assertEquals(200, answer.status(), answer.body()); // nothing to change
                assertEquals(
                        m.id(), JSON.readTree(answer.body()).get("merchant_id").asText());
            }
        }
    }

    /** {@code PUT /admin/v1/merchants/{id}/connectors/sandbox}: the settings are read back from the account. */
    record PutSettings(Api.TestMerchant m) implements Route {
        public String method() {
            return "PUT";
        }

        public String path() {
            return "/admin/v1/merchants/" + m.id() + "/connectors/sandbox";
        }

        public Map<String, String> headers() {
            return Map.of("Authorization", "Bearer " + Api.ADMIN_TOKEN, "Content-Type", "application/json");
        }

        public Sent body(int size, Random random) {
            String head = "{\"settings\":{";
            int budget = size - bytes(head) - 2; // and "}}"
            if (budget < 11) { // one entry "sNNNN":"x"
                return tooSmall(size, random);
            }
            // settings take any number of entries: here the content fills the body, and the padding is small
            Map<String, String> content = new LinkedHashMap<>();
            StringBuilder entries = new StringBuilder();
            int left = budget - random.nextInt(Math.min(budget - 11, 64) + 1);
            for (int i = 0; left >= 11 + (i == 0 ? 0 : 1); i++) {
                String key = "s" + (1000 + i);
                String value = "v" + Text.of(random, 699, left - 11 - (i == 0 ? 0 : 1));
                String entry = (i == 0 ? "" : ",") + "\"" + key + "\":\"" + value + "\"";
                entries.append(entry);
                left -= bytes(entry);
                content.put(key, value);
            }
            String tail = entries + "}}";
            String body = head + Text.whitespace(random, size - bytes(head) - bytes(tail)) + tail;
            return new Sent(body.getBytes(StandardCharsets.UTF_8), content);
        }

        public void assertStored(Sent sent, RawHttp.Answer answer) throws Exception {
            assertEquals(200, answer.status(), answer.body());
            TypeReference<Map<String, String>> map = new TypeReference<>() {};
            assertEquals(
                    sent.content(),
                    JSON.convertValue(JSON.readTree(answer.body()).get("settings"), map),
                    "answer");
            String stored = (String) Db.one(
                            "select settings from connector_accounts where merchant_id = ? and connector = 'sandbox'",
                            m.id())
                    .get("settings");
            assertEquals(sent.content(), JSON.readValue(stored, map), "stored");
        }

        public void assertTooSmall(Sent sent, RawHttp.Answer answer) throws Exception {
            if (sent.body().length == 1) {
                assertEquals(400, answer.status(), answer.body());
                assertEquals(
                        "the request body must be a JSON object",
                        JSON.readTree(answer.body()).at("/error/message").asText());
            } else {
                assertEquals(200, answer.status(), answer.body()); // an account without settings
                assertEquals(
                        "sandbox", JSON.readTree(answer.body()).get("connector").asText());
            }
        }
    }

    /** {@code POST /admin/v1/merchants}: the id and the name are read back from the new merchant. */
    record CreateMerchant() implements Route {
        public String method() {
            return "POST";
        }

        public String path() {
            return "/admin/v1/merchants";
        }

        public Map<String, String> headers() {
            return Map.of("Authorization", "Bearer " + Api.ADMIN_TOKEN, "Content-Type", "application/json");
        }

        public Sent body(int size, Random random) {
            String id = "m_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
            String head = "{\"merchant_id\":\"" + id + "\",\"name\":\"";
            int budget = size - bytes(head) - 2 - 1;
            if (budget < 0) {
                return tooSmall(size, random);
            }
            String name = "n" + Text.of(random, 199, budget);
            String tail = head.substring(1) + name + "\"}";
            String body = "{" + Text.whitespace(random, size - 1 - bytes(tail)) + tail;
            return new Sent(body.getBytes(StandardCharsets.UTF_8), Map.of("merchant_id", id, "name", name));
        }

        public void assertStored(Sent sent, RawHttp.Answer answer) throws Exception {
            assertEquals(201, answer.status(), answer.body());
            String id = sent.content().get("merchant_id");
            assertEquals(id, JSON.readTree(answer.body()).get("merchant_id").asText());
            assertEquals(
                    sent.content().get("name"),
                    Db.one("select name from merchants where id = ?", id).get("name"));
        }

        public void assertTooSmall(Sent sent, RawHttp.Answer answer) throws Exception {
            assertEquals(400, answer.status(), answer.body());
            assertEquals(
                    "invalid_request",
                    JSON.readTree(answer.body()).at("/error/code").asText());
        }
    }

    // ---- bodies ------------------------------------------------------------------------------------------------

    /** A body too small for any content: one digit, or whitespace between braces. */
    static Sent tooSmall(int size, Random random) {
        String body = size == 1 ? "7" : "{" + Text.whitespace(random, size - 2) + "}";
        return new Sent(body.getBytes(StandardCharsets.UTF_8), Map.of());
    }

    static int bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }

    /** Generated text: characters of one to four bytes in UTF-8, nothing that JSON would need to escape. */
    static final class Text {
        private static final String[] ALPHABET = {
            "a",
            "b",
            "q",
            "Z",
            "0",
            "7",
            "-",
            " ",
            "\u00e9",
            "\u00df",
            "\u0416",
            "\u65e5",
            "\u672c",
            "\u20ac",
            "\ud83d\ude42"
        };

        /** At most {@code maxChars} UTF-16 characters and {@code maxBytes} bytes, as many as fit. */
        static String of(Random random, int maxChars, int maxBytes) {
            StringBuilder b = new StringBuilder();
            int used = 0;
            for (int misses = 0; misses < 8 && b.length() < maxChars; ) {
                String c = ALPHABET[random.nextInt(ALPHABET.length)];
                int n = bytes(c);
                if (used + n > maxBytes || b.length() + c.length() > maxChars) {
                    misses++;
                    continue;
                }
                b.append(c);
                used += n;
            }
            while (used < maxBytes && b.length() < maxChars) { // fill the last bytes with one-byte characters
                b.append('x');
                used++;
            }
            return b.toString();
        }

        static String whitespace(Random random, int length) {
            StringBuilder b = new StringBuilder(length);
            for (int i = 0; i < length; i++) {
                b.append(" \n\t\r".charAt(random.nextInt(4)));
            }
            return b.toString();
        }
    }
}
