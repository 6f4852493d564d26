import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * An open-model load generator for Refract: requests are sent at a constant arrival rate whatever the server does,
 * and each latency is measured from the moment the request was due (not sent), so a slow server cannot hide its
 * queueing ("coordinated omission"). Rates rise step by step until p99 or errors break the limits.
 *
 * java [-Dwarmup=SECONDS] [-Dwarmup-rate=PER_SECOND] [-Dmerchant=ID -Dapi-key=KEY] [-Dprefix=P]
 *   bench/LoadGen.java URL ADMIN_TOKEN SCENARIO RATES STEP_SECONDS
 *   SCENARIO: create | mix | get | list | webhook
 *   -Dmerchant/-Dapi-key: load an existing merchant (bench/run.sh growth runs twice on one); -Dprefix keeps the
 *   merchant_refund_ids of two runs apart
 *   RATES: comma-separated requests per second, e.g. 100,200,400
 *
 * Prints one line per step; the last line ("accepted N merchant M") is read by bench/run.sh for its checks.
 */
public class LoadGen {

    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    static final long P99_LIMIT_MS = 1_000;
    static final double ERROR_LIMIT = 0.01;
    static final int MAX_IN_FLIGHT = 4_000;

    static String base;
    static String apiKey;
    static String merchantId;
    static final AtomicLong accepted = new AtomicLong();
    /** Reads answered 200: what the CPU per read is divided by. */
    static final AtomicLong served = new AtomicLong();

    public static void main(String[] args) throws Exception {
        base = args[0];
        String adminToken = args[1];
        String scenario = args[2];
        int[] rates = Arrays.stream(args[3].split(",")).mapToInt(Integer::parseInt).toArray();
        int seconds = Integer.parseInt(args[4]);

        merchantId = System.getProperty("merchant");
        apiKey = System.getProperty("api-key");
        if (merchantId == null || apiKey == null) { // a merchant of its own, unless told whose load this is
            merchantId = "m_bench_" + UUID.randomUUID().toString().substring(0, 8);
            String created = send(post("/admin/v1/merchants", "Bearer " + adminToken,
                    "{\"merchant_id\":\"" + merchantId + "\",\"name\":\"Benchmark\"}")).body();
            apiKey = created.replaceAll(".*\"api_key\":\"([^\"]+)\".*", "$1");
        }
        Supplier<HttpRequest> next = prepare(scenario, adminToken);

        // JIT warm-up of server and generator alike (on 2 cores they compete), at a modest rate, not recorded
        int warmup = Integer.parseInt(System.getProperty("warmup", "20"));
        int warmupRate = Integer.parseInt(System.getProperty("warmup-rate", "100"));
        if (warmup > 0) {
            Step w = run(next, warmupRate, warmup);
            System.out.printf("warm-up: %d s at %d/s, p99 %.1f ms (not counted)%n", warmup, warmupRate, w.p(99));
        }
        System.out.printf("scenario %s, %d s per step%n", scenario, seconds);
        System.out.printf("%8s %10s %8s %8s %8s %9s %8s %8s%n", "target", "achieved", "p50 ms", "p90 ms", "p99 ms",
                "p99.9 ms", "max ms", "errors");
        for (int rate : rates) {
            Step step = run(next, rate, seconds);
            System.out.printf("%8d %10.1f %8.1f %8.1f %8.1f %9.1f %8.1f %8d%s%n", rate, step.achieved, step.p(50),
                    step.p(90), step.p(99), step.p(99.9), step.max(), step.errors,
                    step.errors == 0 ? "" : "  " + step.errorKinds);
            if (step.p(99) > P99_LIMIT_MS || step.errors > ERROR_LIMIT * step.total) {
                System.out.println("stopped: p99 above " + P99_LIMIT_MS + " ms or errors above " + (ERROR_LIMIT * 100) + " %");
                break;
            }
        }
        System.out.println("accepted " + accepted.get() + " merchant " + merchantId);
        System.out.println("served " + served.get());
    }

    /** What each request of the scenario is. */
    static Supplier<HttpRequest> prepare(String scenario, String adminToken) throws Exception {
        String auth = "Bearer " + apiKey;
        AtomicLong n = new AtomicLong();
        String prefix = System.getProperty("prefix", "b");
        switch (scenario) {
            case "create":
                return () -> create(auth, prefix + n.incrementAndGet(), "sbx_10000_USD_" + prefix + n.get(), null);
            case "mix": {
                // 80 % new refunds, 10 % replays of an earlier request, 10 % partial refunds of one hot payment
                String hot = "sbx_100000000000_USD_hot";
                return () -> {
                    int dice = ThreadLocalRandom.current().nextInt(10);
                    long i = n.incrementAndGet();
                    if (dice == 0 && i > 100) {
                        long earlier = ThreadLocalRandom.current().nextLong(1, i - 50);
                        return create(auth, "b" + earlier, "sbx_10000_USD_" + earlier, null);
                    }
                    if (dice == 1) {
                        return create(auth, "hot" + i, hot, 100L);
                    }
                    return create(auth, "b" + i, "sbx_10000_USD_" + i, null);
                };
            }
            case "get":
            case "list": {
                for (int i = 0; i < 200; i++) {
                    send(create(auth, "seed" + i, "sbx_10000_USD_seed" + i, null));
                }
                accepted.set(200);
                if (scenario.equals("get")) {
                    return () -> get("/v1/refunds/seed" + ThreadLocalRandom.current().nextInt(200), auth);
                }
                return () -> get("/v1/refunds?limit=20", auth);
            }
            case "console": {
                // an operator's pages: the merchant's newest 50 refunds, and one refund with its whole history
                for (int i = 0; i < 200; i++) {
                    send(create(auth, "seed" + i, "sbx_10000_USD_seed" + i, null));
                }
                accepted.set(200);
                HttpResponse<String> signedIn = HTTP.send(
                        HttpRequest.newBuilder(URI.create(base + "/console/sign-in"))
                                .header("Content-Type", "application/x-www-form-urlencoded")
                                .POST(HttpRequest.BodyPublishers.ofString(
                                        "token=" + URLEncoder.encode(adminToken, StandardCharsets.UTF_8)))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                String cookie = signedIn.headers().firstValue("Set-Cookie").orElseThrow().split(";", 2)[0];
                return () -> {
                    long i = n.incrementAndGet();
                    String path = i % 2 == 0
                            ? "/console/refunds?merchant=" + merchantId
                            : "/console/refunds/" + merchantId + "/seed" + ThreadLocalRandom.current().nextInt(200);
                    return HttpRequest.newBuilder(URI.create(base + path)).header("Cookie", cookie).GET().build();
                };
            }
            case "webhook": {
                String secret = "whsec_bench_0123456789";
                HttpResponse<String> account = send(put("/admin/v1/merchants/" + merchantId + "/connectors/stripe",
                        "Bearer " + adminToken,
                        "{\"credentials\":{\"api_key\":\"sk_test_bench\"},\"webhook_secret\":\"" + secret + "\"}"));
                if (account.statusCode() != 200) { // every delivery would be refused 401 and counted as an error
                    throw new IllegalStateException("the Stripe account was refused: " + account.body());
                }
                return () -> {
                    String body = "{\"id\":\"evt_" + UUID.randomUUID().toString().replace("-", "")
                            + "\",\"object\":\"event\",\"type\":\"refund.updated\",\"data\":{\"object\":{\"id\":\"re_"
                            + n.incrementAndGet() + "\",\"object\":\"refund\",\"status\":\"succeeded\",\"metadata\":{}}}}";
                    long t = System.currentTimeMillis() / 1000;
                    return HttpRequest.newBuilder(URI.create(base + "/webhooks/" + merchantId + "/stripe"))
                            .header("Content-Type", "application/json")
                            .header("Stripe-Signature", "t=" + t + ",v1=" + hmac(secret, t + "." + body))
                            .POST(HttpRequest.BodyPublishers.ofString(body)).build();
                };
            }
            default:
                throw new IllegalArgumentException("unknown scenario " + scenario);
        }
    }

    static final class Step {
        final long[] latenciesNanos;
        final int total;
        final int errors;
        final double achieved;
        /** Errors by kind: the HTTP status, the client's exception, or "not sent" (the in-flight cap). */
        final Map<String, Integer> errorKinds;

        Step(long[] latencies, int total, int errors, double achieved, Map<String, Integer> errorKinds) {
            this.latenciesNanos = latencies;
            this.total = total;
            this.errors = errors;
            this.achieved = achieved;
            this.errorKinds = errorKinds;
        }

        double p(double percentile) {
            if (latenciesNanos.length == 0) {
                return 0;
            }
            int index = (int) Math.ceil(percentile / 100.0 * latenciesNanos.length) - 1;
            return latenciesNanos[Math.max(0, index)] / 1e6;
        }

        double max() {
            return latenciesNanos.length == 0 ? 0 : latenciesNanos[latenciesNanos.length - 1] / 1e6;
        }
    }

    static Step run(Supplier<HttpRequest> next, int rate, int seconds) throws Exception {
        int total = rate * seconds;
        long[] latencies = new long[total];
        AtomicInteger done = new AtomicInteger();
        AtomicInteger errors = new AtomicInteger();
        Map<String, Integer> errorKinds = new ConcurrentSkipListMap<>();
        AtomicInteger inFlight = new AtomicInteger();
        long interval = 1_000_000_000L / rate;
        long start = System.nanoTime();
        List<CompletableFuture<?>> all = new ArrayList<>(total);
        for (int i = 0; i < total; i++) {
            long due = start + i * interval;
            long wait;
            while ((wait = due - System.nanoTime()) > 0) {
                LockSupport.parkNanos(Math.min(wait, 1_000_000));
            }
            if (inFlight.get() >= MAX_IN_FLIGHT) {
                errors.incrementAndGet();
                errorKinds.merge("not sent", 1, Integer::sum);
                latencies[i] = Long.MAX_VALUE;
                continue;
            }
            int slot = i;
            inFlight.incrementAndGet();
            all.add(HTTP.sendAsync(next.get(), HttpResponse.BodyHandlers.ofString()).handle((resp, failure) -> {
                latencies[slot] = System.nanoTime() - due;
                inFlight.decrementAndGet();
                if (failure != null || resp.statusCode() >= 500 || resp.statusCode() == 429
                        || (resp.statusCode() >= 400 && resp.statusCode() != 404)) {
                    errors.incrementAndGet();
                    errorKinds.merge(failure != null
                            ? (failure.getCause() != null ? failure.getCause() : failure).getClass().getSimpleName()
                            : "HTTP " + resp.statusCode(), 1, Integer::sum);
                } else if (resp.request().method().equals("GET") && resp.statusCode() == 200) {
                    served.incrementAndGet();
                } else if (resp.request().method().equals("POST") && resp.request().uri().getPath().equals("/v1/refunds")
                        && resp.headers().firstValue("Idempotent-Replayed").isEmpty()) {
                    accepted.incrementAndGet();
                }
                done.incrementAndGet();
                return null;
            }));
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get();
        double elapsed = (System.nanoTime() - start) / 1e9;
        long[] sorted = Arrays.stream(latencies).filter(l -> l != Long.MAX_VALUE).sorted().toArray();
        return new Step(sorted, total, errors.get(), done.get() / elapsed, errorKinds);
    }

    static HttpRequest create(String auth, String id, String payment, Long amount) {
        String body = "{\"merchant_refund_id\":\"" + id + "\",\"connector_transaction_id\":\"" + payment + "\""
                + (amount == null ? "" : ",\"amount\":{\"minor_amount\":" + amount + ",\"currency\":\"USD\"}") + "}";
        return post("/v1/refunds", auth, body);
    }

    static HttpRequest post(String path, String auth, String body) {
        return HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", auth)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    static HttpRequest put(String path, String auth, String body) {
        return HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", auth)
                .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    static HttpRequest get(String path, String auth) {
        return HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", auth).GET().build();
    }

    static HttpResponse<String> send(HttpRequest request) throws Exception {
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }

    static String hmac(String secret, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(data.getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

}
