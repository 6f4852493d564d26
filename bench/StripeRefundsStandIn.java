import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A stand-in for Stripe's refunds for the reconciliation benchmark (a single-file Java program, no dependencies):
 * an account of TOTAL refunds, the first OWN of which Refract made (their metadata names a merchant_refund_id), the
 * rest made in Stripe's dashboard, created evenly over SECONDS seconds from FROM (Unix seconds), the newest first.
 * It answers Refract's creates of the OWN refunds ({@code POST /v1/refunds}, each succeeded at once) and lists the
 * account's refunds ({@code GET /v1/refunds}) as Stripe does: those created in {@code [created[gte], created[lt])},
 * newest first, a page of up to {@code limit} (at most 100) after {@code starting_after}, with {@code has_more};
 * each page after PAGE_MILLIS. It keeps nothing per refund but its index: every answer is made from the index, so a
 * list of any length costs it no memory. {@code GET /stats} counts the pages and the refunds it listed.
 *
 * <pre>java bench/StripeRefundsStandIn.java PORT TOTAL OWN FROM SECONDS [PAGE_MILLIS]</pre>
 */
public class StripeRefundsStandIn {

    static int total;
    static int own;
    static long pageMillis;
    static long from;
    static long seconds;
    static final AtomicLong pages = new AtomicLong();
    static final AtomicLong listed = new AtomicLong();
    static final AtomicLong creates = new AtomicLong();

    public static void main(String[] args) throws IOException {
        int port = Integer.parseInt(args[0]);
        total = Integer.parseInt(args[1]);
        own = Integer.parseInt(args[2]);
        from = Long.parseLong(args[3]);
        seconds = Long.parseLong(args[4]);
        pageMillis = args.length > 5 ? Long.parseLong(args[5]) : 0;
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 256);
        server.setExecutor(Executors.newFixedThreadPool(8));
        server.createContext("/v1/refunds", StripeRefundsStandIn::refunds);
        server.createContext("/stats", exchange -> answer(exchange, 200,
                "{\"pages\": " + pages.get() + ", \"listed\": " + listed.get() + ", \"creates\": " + creates.get()
                        + "}"));
        server.start();
        System.out.println("Stripe refunds stand-in on " + port + ": " + total + " refunds, " + own + " of Refract's");
    }

    /** Refund i: re_bench_i of payment pi_bench_i, 1000 + i % 1000 cents, the newest first (i = 0). */
    static String refund(int i) {
        String metadata = i < own ? "{\"merchant_refund_id\": \"bench_" + i + "\"}" : "{}";
        return "{\"id\": \"re_bench_" + i + "\", \"object\": \"refund\", \"amount\": " + amount(i)
                + ", \"currency\": \"usd\", \"payment_intent\": \"pi_bench_" + i + "\", \"status\": \"succeeded\","
                + " \"created\": " + created(i) + ", \"metadata\": " + metadata + "}";
    }

    /** Never increasing with i: refund 0 is the newest, TOTAL - 1 the oldest, FROM at the earliest. */
    static long created(int i) {
        return from + seconds - 1 - (long) i * seconds / total;
    }

    /** The first index whose refund was created before {@code before} (TOTAL when none was). */
    static int firstBefore(long before) {
        int lo = 0;
        int hi = total;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (created(mid) < before) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return lo;
    }

    static long amount(int i) {
        return 1000 + i % 1000;
    }

    static void refunds(HttpExchange exchange) throws IOException {
        if ("POST".equals(exchange.getRequestMethod())) {
            Map<String, String> form = query(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            String payment = form.getOrDefault("payment_intent", "");
            int i = Integer.parseInt(payment.substring("pi_bench_".length()));
            creates.incrementAndGet();
            answer(exchange, 200, refund(i));
            return;
        }
        Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
        int limit = Integer.parseInt(query.getOrDefault("limit", "10"));
        if (limit < 1 || limit > 100) {
            answer(exchange, 400, "{\"error\": {\"type\": \"invalid_request_error\","
                    + " \"code\": \"parameter_invalid_integer\", \"param\": \"limit\","
                    + " \"message\": \"limit must be between 1 and 100\"}}");
            return;
        }
        // the window's refunds are the indexes [first, end): created is never increasing with the index
        int first = query.containsKey("created[lt]") ? firstBefore(Long.parseLong(query.get("created[lt]"))) : 0;
        int end = query.containsKey("created[gte]") ? firstBefore(Long.parseLong(query.get("created[gte]"))) : total;
        String after = query.get("starting_after");
        int start = after == null
                ? first
                : Math.max(first, Integer.parseInt(after.substring("re_bench_".length())) + 1);
        int stop = Math.min(end, start + limit);
        StringBuilder page = new StringBuilder("{\"object\": \"list\", \"url\": \"/v1/refunds\", \"has_more\": ")
                .append(stop < end)
                .append(", \"data\": [");
        for (int i = start; i < stop; i++) {
            page.append(i == start ? "" : ",").append(refund(i));
        }
        page.append("]}");
        pages.incrementAndGet();
        listed.addAndGet(Math.max(0, stop - start));
        if (pageMillis > 0) {
            try {
                Thread.sleep(pageMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        answer(exchange, 200, page.toString());
    }

    static Map<String, String> query(String raw) {
        Map<String, String> values = new HashMap<>();
        if (raw == null) {
            return values;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                values.put(
                        URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return values;
    }

    static void answer(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
