import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One failover under load, checked from outside as a merchant and an auditor would. Workers send creates the way a
 * careful merchant client does: a 503 or a broken connection is retried with the same merchant_refund_id after
 * Retry-After. Half the creates are partial refunds of a few hot payments, so over-refunding would show; a tenth
 * are settled later by the PSP, so the janitor has to finish them across the failover. A command given as an
 * argument is run once the load is steady (the failover itself); the load goes on until creates have been served
 * again for a while. Then every refund answered 200 is read back until it is final, and the database is asked
 * whether anything is stored twice or over-refunded.
 *
 * java bench/failover/Failover.java URL ADMIN_TOKEN PSQL_URL APP_LOG "FAILOVER COMMAND"
 *
 * Prints the availability gap, the count of each answer and the checks; exits 1 when a check fails.
 */
public class Failover {

    static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2))
            .build();
    static final int WORKERS = Integer.getInteger("workers", 12);
    static final int HOT_PAYMENTS = 8;
    static final long HOT_CAPTURED = 100_000;
    static final Duration HUNG = Duration.ofSeconds(10);
    static final Pattern STATUS = Pattern.compile("\"status\":\"([A-Z_]+)\"");
    static final Pattern EXPECTED_CONNECTION_ERROR = Pattern.compile(
            "could not record the PSP outcome of refund \\d+; the janitor will settle it: (io\\.vertx\\.sqlclient\\.ClosedConnectionException"
                    + "|io\\.vertx\\.core\\.impl\\.NoStackTraceThrowable: Timeout|java\\.net\\.ConnectException|io\\.netty\\.channel\\.)");

    record Answer(long startNanos, long endNanos, int status, boolean replayed, String body) {}

    static String base;
    static String apiKey;
    static final long T0 = System.nanoTime();
    static final ConcurrentLinkedQueue<Answer> answers = new ConcurrentLinkedQueue<>();
    /** merchant_refund_id → minor amount, for every create answered 200 */
    static final Map<String, Long> accepted = new ConcurrentHashMap<>();
    static final AtomicLong replayed = new AtomicLong();
    static final AtomicLong seq = new AtomicLong();
    static final AtomicBoolean running = new AtomicBoolean(true);

    public static void main(String[] args) throws Exception {
        base = args[0];
        String admin = "Bearer " + args[1];
        String psql = args[2];
        Path appLog = Path.of(args[3]);
        String failover = args[4];
        String merchant = "m_fo_" + Long.toString(System.currentTimeMillis(), 36);
        String created = send("POST", "/admin/v1/merchants", admin,
                "{\"merchant_id\":\"" + merchant + "\",\"name\":\"Failover\"}").body();
        apiKey = created.replaceAll(".*\"api_key\":\"([^\"]+)\".*", "$1");
        send("PUT", "/admin/v1/merchants/" + merchant + "/connectors/sandbox", admin, "{\"credentials\":{}}");
        long logStart = Files.exists(appLog) ? Files.size(appLog) : 0;

        List<Thread> workers = new ArrayList<>();
        for (int i = 0; i < WORKERS; i++) {
            Thread t = new Thread(Failover::work, "worker-" + i);
            t.start();
            workers.add(t);
        }
        Thread.sleep(Long.getLong("steady-ms", 8_000));
        long failAt = System.nanoTime();
        Process p = new ProcessBuilder("bash", "-c", failover).inheritIO().start();
        p.waitFor();
        System.out.printf("failover command ran at t=%.1f s%n", secs(failAt));
        // until creates are served again, then a while longer, bounded
        long deadline = failAt + Duration.ofSeconds(Long.getLong("max-outage-s", 60)).toNanos();
        long recovered = 0;
        while (System.nanoTime() < deadline) {
            Long last = lastSuccessAfter(failAt + Duration.ofSeconds(1).toNanos());
            if (last != null && recovered == 0) {
                recovered = last;
            }
            if (recovered != 0 && System.nanoTime() - recovered > Duration.ofSeconds(8).toNanos()) {
                break;
            }
            Thread.sleep(200);
        }
        running.set(false);
        for (Thread t : workers) {
            t.join(30_000);
        }

        List<String> failures = new ArrayList<>();
        Map<Integer, Integer> byStatus = new TreeMap<>();
        long maxMillis = 0;
        int hung = 0;
        for (Answer a : answers) {
            byStatus.merge(a.status, 1, Integer::sum);
            long ms = (a.endNanos - a.startNanos) / 1_000_000;
            maxMillis = Math.max(maxMillis, ms);
            if (ms > HUNG.toMillis()) {
                hung++;
            }
        }
        System.out.println("answers by HTTP status (0: no answer, connection refused or reset): " + byStatus);
        System.out.println("replays answered as replays (Idempotent-Replayed: true): " + replayed.get());
        System.out.printf("slowest answer: %d ms%n", maxMillis);
        byStatus.forEach((status, n) -> {
            if (status >= 500 && status != 503) {
                failures.add(n + " answers with HTTP " + status);
            }
        });
        if (hung > 0) {
            failures.add(hung + " requests took longer than " + HUNG.toSeconds() + " s");
        }
        double gap = gapSeconds(failAt);
        System.out.printf("availability gap (no create answered 200): %.2f s%n", gap);
        if (recovered == 0) {
            failures.add("creates were not served again within the outage bound");
        }

        // every refund answered 200 is stored, with its amount, and reaches a final status
        long settleBy = System.nanoTime() + Duration.ofSeconds(Long.getLong("settle-s", 90)).toNanos();
        Map<String, String> finalStatus = new TreeMap<>();
        for (Map.Entry<String, Long> e : accepted.entrySet()) {
            while (true) {
                HttpResponse<String> r = send("GET", "/v1/refunds/" + e.getKey(), "Bearer " + apiKey, null);
                String status = r.statusCode() == 200 ? status(r.body()) : "HTTP " + r.statusCode();
                if (!status.equals("PENDING") || System.nanoTime() > settleBy) {
                    finalStatus.put(e.getKey(), status);
                    if (r.statusCode() == 200 && !r.body().contains("\"minor_amount\":" + e.getValue() + ",")) {
                        failures.add(e.getKey() + " is stored with another amount than the one accepted");
                    }
                    break;
                }
                Thread.sleep(500);
            }
        }
        Map<String, Integer> statuses = new TreeMap<>();
        finalStatus.values().forEach(s -> statuses.merge(s, 1, Integer::sum));
        System.out.println("refunds answered 200: " + accepted.size() + ", read back as " + statuses);
        statuses.forEach((s, n) -> {
            if (!s.equals("SUCCEEDED")) {
                failures.add(n + " refunds answered 200 are " + s);
            }
        });
        List<String> unsettled = finalStatus.entrySet().stream()
                .filter(e -> !e.getValue().equals("SUCCEEDED"))
                .map(e -> "'" + e.getKey() + "'")
                .limit(10)
                .toList();
        if (!unsettled.isEmpty()) {
            System.out.print(sql(psql, "select merchant_refund_id, state, attempts, next_action_at, updated_at, now()"
                    + " from refunds where merchant_id = '" + merchant + "' and merchant_refund_id in ("
                    + String.join(",", unsettled) + ")"));
        }

        // what the books say: one refund per id, one PSP refund id per refund, no payment past its captured amount
        String books = sql(psql, "select"
                + " (select count(*) from refunds where merchant_id = '" + merchant + "'),"
                + " (select count(*) - count(distinct connector_refund_id) from refunds where merchant_id = '" + merchant
                + "' and state = 'SUCCEEDED'),"
                + " (select count(*) from refunds where merchant_id = '" + merchant
                + "' and state = 'SUCCEEDED' and connector_refund_id is null),"
                + " (select count(*) from (select connector_transaction_id from refunds where merchant_id = '"
                + merchant + "' and state in ('SUCCEEDED', 'PENDING', 'UNKNOWN', 'RECEIVED', 'MANUAL_REVIEW')"
                + " group by connector_transaction_id having sum(amount_minor) > " + HOT_CAPTURED + ") over)");
        String[] b = books.trim().split("\\|");
        System.out.printf(
                "stored: %s refunds; SUCCEEDED sharing a PSP refund id: %s; SUCCEEDED without one: %s; payments over-refunded: %s%n",
                b[0], b[1], b[2], b[3]);
        if (Long.parseLong(b[0]) != accepted.size()) {
            // a refund stored but never answered 200 (its answer was lost) is fine only if the merchant could not know
            System.out.println("  (stored refunds beyond those answered 200 were accepted while their answer was lost)");
        }
        if (!b[1].equals("0")) {
            failures.add(b[1] + " SUCCEEDED refunds share a PSP refund id");
        }
        if (!b[2].equals("0")) {
            failures.add(b[2] + " SUCCEEDED refunds have no PSP refund id");
        }
        if (!b[3].equals("0")) {
            failures.add(b[3] + " payments are over-refunded");
        }

        // the log: an on-call engineer must see real errors, not a flood
        // the connection errors a failover causes are expected: an outcome write that met the database going away
        // (the janitor settles that refund) names the lost connection as its cause
        List<String> errors = new ArrayList<>();
        int connectionErrors = 0;
        for (String line : Files.readString(appLog).substring((int) logStart).split("\n")) {
            if (line.contains(" ERROR ") || line.contains("\"level\":\"ERROR\"")) {
                if (EXPECTED_CONNECTION_ERROR.matcher(line).find()) {
                    connectionErrors++;
                } else {
                    errors.add(line);
                }
            }
        }
        System.out.println("ERROR lines in the service's log during the run: " + connectionErrors
                + " naming a lost or refused database connection, " + errors.size() + " others");
        errors.stream().limit(5).forEach(l -> System.out.println("  " + l.substring(0, Math.min(240, l.length()))));
        if (errors.size() > 0) {
            failures.add(errors.size() + " ERROR lines in the service's log");
        }

        if (failures.isEmpty()) {
            System.out.println("PASS");
        } else {
            failures.forEach(f -> System.out.println("FAIL " + f));
            System.exit(1);
        }
    }

    /** One merchant's client: new refunds, partials of hot payments, a tenth settled later; retries keep their id. */
    static void work() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        while (running.get()) {
            long n = seq.incrementAndGet();
            String id = "fo_" + n;
            long amount;
            String payment;
            if (random.nextBoolean()) {
                payment = "sbx_" + HOT_CAPTURED + "_USD_hot" + random.nextInt(HOT_PAYMENTS);
                amount = 100 + random.nextInt(400);
            } else {
                payment = "sbx_5000_USD_p" + n;
                amount = 5000;
            }
            String options = n % 10 == 0
                    ? ",\"connector_options\":{\"sandbox_outcome\":\"pending\",\"sandbox_settle_ms\":500}"
                    : "";
            String body = "{\"merchant_refund_id\":\"" + id + "\",\"connector_transaction_id\":\"" + payment
                    + "\",\"amount\":{\"minor_amount\":" + amount + ",\"currency\":\"USD\"}" + options + "}";
            boolean mayBeStored = false;
            for (int attempt = 0; attempt < 200 && running.get(); attempt++) {
                HttpResponse<String> r;
                long start = System.nanoTime();
                try {
                    r = send("POST", "/v1/refunds", "Bearer " + apiKey, body);
                } catch (Exception e) {
                    answers.add(new Answer(start, System.nanoTime(), 0, false, e.toString()));
                    mayBeStored = true;
                    pause(200);
                    continue;
                }
                boolean replay = r.headers().firstValue("Idempotent-Replayed").orElse("").equals("true");
                answers.add(new Answer(start, System.nanoTime(), r.statusCode(), replay, r.body()));
                if (replay) {
                    replayed.incrementAndGet();
                }
                if (r.statusCode() == 503 || r.statusCode() == 429) {
                    mayBeStored |= r.statusCode() == 503;
                    long retryAfter = r.headers().firstValueAsLong("Retry-After").orElse(1);
                    pause(Math.min(retryAfter, 2) * 1000);
                    continue;
                }
                if (r.statusCode() == 200) {
                    accepted.put(id, amount);
                } else if (r.statusCode() >= 500) {
                    System.out.println("HTTP " + r.statusCode() + " for " + id + ": " + r.body());
                }
                break;
            }
        }
    }

    static HttpResponse<String> send(String method, String path, String auth, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", auth)
                .header("Content-Type", "application/json");
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    static String status(String body) {
        Matcher m = STATUS.matcher(body);
        return m.find() ? m.group(1) : "?";
    }

    /** The end of the last create answered 200 after a moment, or null. */
    static Long lastSuccessAfter(long after) {
        Long last = null;
        for (Answer a : answers) {
            if (a.status == 200 && !a.replayed && a.endNanos > after && (last == null || a.endNanos > last)) {
                last = a.endNanos;
            }
        }
        return last;
    }

    /** The longest stretch without a create answered 200, among those that start after the failover began. */
    static double gapSeconds(long failAt) {
        List<Long> ends = new ArrayList<>();
        for (Answer a : answers) {
            if (a.status == 200) {
                ends.add(a.endNanos);
            }
        }
        ends.sort(Long::compare);
        long worst = 0;
        for (int i = 1; i < ends.size(); i++) {
            if (ends.get(i) > failAt) {
                worst = Math.max(worst, ends.get(i) - Math.max(ends.get(i - 1), failAt - 1_000_000_000L));
            }
        }
        return worst / 1e9;
    }

    static String sql(String url, String query) throws Exception {
        Process p = new ProcessBuilder("psql", url, "-Atc", query).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException("psql failed: " + out);
        }
        return out;
    }

    static double secs(long nanos) {
        return (nanos - T0) / 1e9;
    }

    static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
