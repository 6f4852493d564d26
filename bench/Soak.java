import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.RandomAccessFile;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.ToDoubleFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import javax.imageio.ImageIO;

/**
 * A soak of Refract: hours of a merchant's traffic at a constant arrival rate, sampled every 30 s for what would grow
 * if anything leaked, with the slope per hour of each series and a verdict against stated bounds.
 *
 * java bench/Soak.java URL ADMIN_TOKEN SERVER_PID GC_LOG OUT_DIR PHASES
 *   PHASES: name:rate:seconds,… e.g. half:200:1800,peak:400:600
 *   GC_LOG: the server's GC log (HotSpot -Xlog:gc, or a native binary's -XX:+PrintGC output), read as it grows
 *   -Dsample=30 (seconds between samples), -Dsettle=300 (seconds of each phase left out of its slopes),
 *   -Dnative=true for a native binary (no jcmd: no full collection is asked for)
 *
 * The traffic: 70 % new full refunds (each its own payment), 10 % replays of an earlier create, 10 % partial
 * refunds of 16 hot payments (contention on their ledger rows), 5 % list reads, 5 % signed Stripe webhooks.
 * Writes samples.csv and soak.png (RSS and heap after GC over time) to OUT_DIR; exits 1 when a bound is passed or
 * the database's books do not balance afterwards (bench/soak.sh checks those).
 */
public class Soak {

    static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    static final int MAX_IN_FLIGHT = 4_000;
    static final String WEBHOOK_SECRET = "whsec_soak_0123456789";

    /** What "flat" means: growth per hour past which a series fails the soak, after each phase has settled. */
    static final Map<String, Double> BOUNDS = new LinkedHashMap<>();

    static {
        BOUNDS.put("heap_after_gc_mb", 8.0);
        BOUNDS.put("rss_mb", 16.0);
        BOUNDS.put("netty_direct_mb", 8.0);
        BOUNDS.put("threads", 2.0);
        BOUNDS.put("pool_connections", 2.0);
        BOUNDS.put("pool_waiters", 5.0);
        BOUNDS.put("p99_ms", 10.0);
    }

    static String base;
    static String apiKey;
    static String merchantId;
    static final AtomicLong created = new AtomicLong();
    static final AtomicInteger inFlight = new AtomicInteger();

    public static void main(String[] args) throws Exception {
        base = args[0];
        String adminToken = args[1];
        long pid = Long.parseLong(args[2]);
        Path gcLog = Path.of(args[3]);
        Path out = Path.of(args[4]);
        List<Phase> phases = Arrays.stream(args[5].split(","))
                .map(Phase::parse)
                .filter(p -> p.seconds > 0)
                .toList();
        int sampleSeconds = Integer.getInteger("sample", 30);
        int settleSeconds = Integer.getInteger("settle", 300);
        Files.createDirectories(out);

        merchantId = "m_soak_" + UUID.randomUUID().toString().substring(0, 8);
        String made = send(post("/admin/v1/merchants", "Bearer " + adminToken,
                "{\"merchant_id\":\"" + merchantId + "\",\"name\":\"Soak\"}")).body();
        apiKey = made.replaceAll(".*\"api_key\":\"([^\"]+)\".*", "$1");
        HttpResponse<String> account = send(put("/admin/v1/merchants/" + merchantId + "/connectors/stripe",
                "Bearer " + adminToken,
                "{\"credentials\":{\"api_key\":\"sk_test_soak\"},\"webhook_secret\":\"" + WEBHOOK_SECRET + "\"}"));
        if (account.statusCode() != 200) {
            throw new IllegalStateException("the Stripe account was refused: " + account.statusCode() + " " + account.body());
        }

        Sampler sampler = new Sampler(pid, gcLog, !Boolean.getBoolean("native"));
        List<Sample> samples = new ArrayList<>();
        long start = System.nanoTime();
        System.out.printf("merchant %s; sampling every %d s; slopes leave out the first %d s of each phase%n",
                merchantId, sampleSeconds, settleSeconds);
        System.out.println(Sample.HEADER);
        for (Phase phase : phases) {
            long phaseStart = System.nanoTime();
            long interval = 1_000_000_000L / phase.rate;
            long total = (long) phase.rate * phase.seconds;
            current = new Window();
            long nextSample = phaseStart + sampleSeconds * 1_000_000_000L;
            for (long i = 0; i < total; i++) {
                long due = phaseStart + i * interval;
                long wait;
                while ((wait = due - System.nanoTime()) > 0) {
                    LockSupport.parkNanos(Math.min(wait, 1_000_000));
                }
                if (System.nanoTime() >= nextSample) {
                    Window full = current;
                    current = new Window();
                    samples.add(sampler.take(phase.name, (System.nanoTime() - start) / 1e9, full));
                    System.out.println(samples.get(samples.size() - 1).row());
                    nextSample += sampleSeconds * 1_000_000_000L;
                }
                send(next(), due);
            }
            samples.add(sampler.take(phase.name, (System.nanoTime() - start) / 1e9, current));
            System.out.println(samples.get(samples.size() - 1).row());
        }
        waitForInFlight();

        writeCsv(out.resolve("samples.csv"), samples);
        Plot.write(out.resolve("soak.png"), samples, phases);
        boolean passed = true;
        for (Phase phase : phases) {
            passed &= report(phase, samples, settleSeconds);
        }
        System.out.println("created " + created.get() + " merchant " + merchantId);
        System.out.println(passed ? "soak: every slope within its bound" : "SOAK FAILED: a slope passed its bound");
        System.exit(passed ? 0 : 1);
    }

    record Phase(String name, int rate, int seconds) {
        static Phase parse(String spec) {
            String[] parts = spec.split(":");
            return new Phase(parts[0], Integer.parseInt(parts[1]), Integer.parseInt(parts[2]));
        }
    }

    /** The slope per hour of every series over the phase's settled samples, each against its bound. */
    static boolean report(Phase phase, List<Sample> all, int settleSeconds) {
        List<Sample> settled = new ArrayList<>();
        double first = all.stream().filter(s -> s.phase.equals(phase.name)).mapToDouble(s -> s.t).min().orElse(0);
        for (Sample s : all) {
            if (s.phase.equals(phase.name) && s.t - first >= settleSeconds - 30) {
                settled.add(s);
            }
        }
        System.out.printf("%n%s (%d/s for %d s): slopes per hour over %d samples after the first %d s%n", phase.name,
                phase.rate, phase.seconds, settled.size(), settleSeconds);
        if (settled.size() < 3) {
            System.out.println("  too few settled samples for a slope: make the phase longer than the settle time");
            return true;
        }
        boolean passed = true;
        for (Map.Entry<String, Double> bound : BOUNDS.entrySet()) {
            ToDoubleFunction<Sample> series = Sample.series(bound.getKey());
            double slope = slopePerHour(settled, series);
            double mean = settled.stream().mapToDouble(series).average().orElse(0);
            double max = settled.stream().mapToDouble(series).max().orElse(0);
            boolean ok = Double.isNaN(slope) || slope <= bound.getValue();
            passed &= ok;
            System.out.printf("  %-18s mean %9.1f  max %9.1f  slope %+9.2f /h  bound %+6.1f /h  %s%n", bound.getKey(),
                    mean, max, slope, bound.getValue(), ok ? "ok" : "GROWS");
        }
        return passed;
    }

    /** Least squares: the change per hour of a series over time. NaN when the series was never read. */
    static double slopePerHour(List<Sample> samples, ToDoubleFunction<Sample> series) {
        double n = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
        for (Sample s : samples) {
            double y = series.applyAsDouble(s);
            if (Double.isNaN(y)) {
                continue;
            }
            double x = s.t / 3600.0;
            n++;
            sx += x;
            sy += y;
            sxx += x * x;
            sxy += x * y;
        }
        double denominator = n * sxx - sx * sx;
        return n < 3 || denominator == 0 ? Double.NaN : (n * sxy - sx * sy) / denominator;
    }

    // ---- the traffic -----------------------------------------------------------------------------------------

    static final AtomicLong sequence = new AtomicLong();
    static final AtomicLong webhookSequence = new AtomicLong();

    static HttpRequest next() {
        String auth = "Bearer " + apiKey;
        long i = sequence.incrementAndGet();
        int dice = ThreadLocalRandom.current().nextInt(100);
        if (dice < 10 && i > 100) { // a replay: the same request as an earlier one, answered from the books
            long earlier = ThreadLocalRandom.current().nextLong(1, i - 50);
            return create(auth, "s" + earlier, "sbx_10000_USD_s" + earlier, null);
        }
        if (dice < 20) { // a partial refund of one of 16 hot payments, each large enough never to run out
            return create(auth, "h" + i, "sbx_100000000000_USD_hot" + (i % 16), 100L);
        }
        if (dice < 25) {
            return HttpRequest.newBuilder(URI.create(base + "/v1/refunds?limit=20"))
                    .header("Authorization", auth)
                    .GET()
                    .build();
        }
        if (dice < 30) {
            return webhook();
        }
        return create(auth, "s" + i, "sbx_10000_USD_s" + i, null);
    }

    /** A signed Stripe refund.updated for a refund Refract did not make and cannot adopt: verified, stored, kept. */
    static HttpRequest webhook() {
        String body = "{\"id\":\"evt_" + UUID.randomUUID().toString().replace("-", "")
                + "\",\"object\":\"event\",\"type\":\"refund.updated\",\"data\":{\"object\":{\"id\":\"re_soak"
                + webhookSequence.incrementAndGet() + "\",\"object\":\"refund\",\"status\":\"succeeded\",\"metadata\":{}}}}";
        long t = System.currentTimeMillis() / 1000;
        return HttpRequest.newBuilder(URI.create(base + "/webhooks/" + merchantId + "/stripe"))
                .header("Content-Type", "application/json")
                .header("Stripe-Signature", "t=" + t + ",v1=" + hmac(WEBHOOK_SECRET, t + "." + body))
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
    }

    static HttpRequest create(String auth, String id, String payment, Long amount) {
        String body = "{\"merchant_refund_id\":\"" + id + "\",\"connector_transaction_id\":\"" + payment + "\""
                + (amount == null ? "" : ",\"amount\":{\"minor_amount\":" + amount + ",\"currency\":\"USD\"}") + "}";
        return post("/v1/refunds", auth, body);
    }

    /** Latencies and errors of one sampling window; a latency is measured from when the request was due. */
    static final class Window {
        final ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
        final AtomicInteger errors = new AtomicInteger();
        final Map<String, Integer> kinds = new java.util.concurrent.ConcurrentSkipListMap<>();

        void error(String kind) {
            errors.incrementAndGet();
            kinds.merge(kind, 1, Integer::sum);
        }

        double percentile(int p) {
            long[] sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
            if (sorted.length == 0) {
                return Double.NaN;
            }
            return sorted[Math.max(0, (int) Math.ceil(p / 100.0 * sorted.length) - 1)] / 1e6;
        }
    }

    /** The window a request's answer is counted in: the one open when it arrives. */
    static volatile Window current = new Window();

    static void send(HttpRequest request, long due) {
        if (inFlight.get() >= MAX_IN_FLIGHT) {
            current.error("not sent");
            return;
        }
        inFlight.incrementAndGet();
        HTTP.sendAsync(request, HttpResponse.BodyHandlers.ofString()).whenComplete((response, failure) -> {
            inFlight.decrementAndGet();
            Window window = current;
            window.latencies.add(System.nanoTime() - due);
            if (failure != null) {
                window.error((failure.getCause() != null ? failure.getCause() : failure).getClass().getSimpleName());
            } else if (response.statusCode() != 200) {
                window.error("HTTP " + response.statusCode());
            } else if (request.uri().getPath().equals("/v1/refunds") && request.method().equals("POST")
                    && response.headers().firstValue("Idempotent-Replayed").isEmpty()) {
                created.incrementAndGet();
            }
        });
    }

    static void waitForInFlight() throws InterruptedException {
        for (int i = 0; i < 600 && inFlight.get() > 0; i++) {
            Thread.sleep(100);
        }
    }

    // ---- what is sampled ---------------------------------------------------------------------------------------

    static final class Sample {
        static final String HEADER = String.format("%7s %-5s %8s %8s %8s %8s %8s %7s %6s %6s %8s %8s %7s", "t s",
                "phase", "req/s", "heap MB", "RSS MB", "netty MB", "direct", "threads", "pool", "wait", "p50 ms",
                "p99 ms", "errors");
        String phase;
        double t;
        double rate;
        double heapAfterGcMb;
        double rssMb;
        double nettyDirectMb;
        double jvmDirectMb;
        double threads;
        double poolConnections;
        double poolWaiters;
        double p50;
        double p99;
        int errors;
        String errorKinds;

        String row() {
            return String.format(Locale.ROOT, "%7.0f %-5s %8.1f %8.1f %8.1f %8.1f %8.1f %7.0f %6.0f %6.0f %8.1f %8.1f %7d%s",
                    t, phase, rate, heapAfterGcMb, rssMb, nettyDirectMb, jvmDirectMb, threads, poolConnections,
                    poolWaiters, p50, p99, errors, errors == 0 ? "" : "  " + errorKinds);
        }

        static ToDoubleFunction<Sample> series(String name) {
            return switch (name) {
                case "heap_after_gc_mb" -> s -> s.heapAfterGcMb;
                case "rss_mb" -> s -> s.rssMb;
                case "netty_direct_mb" -> s -> s.nettyDirectMb;
                case "threads" -> s -> s.threads;
                case "pool_connections" -> s -> s.poolConnections;
                case "pool_waiters" -> s -> s.poolWaiters;
                case "p99_ms" -> s -> s.p99;
                default -> throw new IllegalArgumentException(name);
            };
        }
    }

    static final class Sampler {
        /** HotSpot's "Pause Young (…) 40M->12M(123M)" and the native binary's "[… GC (…) 24832K->4600K, …]". */
        static final Pattern GC = Pattern.compile("(\\d+)([KMG])->(\\d+)([KMG])");

        final long pid;
        final Path gcLog;
        long gcLogRead;
        final boolean jvm;
        double lastHeapAfterGc = Double.NaN;
        long lastTime = System.nanoTime();
        long lastCount;

        /** {@code jvm}: the server answers jcmd. The GC log is read from here on: the start's collections do not count. */
        Sampler(long pid, Path gcLog, boolean jvm) {
            this.pid = pid;
            this.gcLog = gcLog;
            this.jvm = jvm;
            try {
                this.gcLogRead = Files.size(gcLog);
            } catch (IOException e) {
                throw new IllegalStateException("no GC log at " + gcLog, e);
            }
        }

        Sample take(String phase, double t, Window window) {
            Sample s = new Sample();
            s.phase = phase;
            s.t = t;
            long now = System.nanoTime();
            long count = window.latencies.size() + 0L;
            s.rate = count / ((now - lastTime) / 1e9);
            lastTime = now;
            Map<String, Long> status = procStatus();
            s.rssMb = status.getOrDefault("VmRSS", -1L) / 1024.0;
            s.threads = status.getOrDefault("Threads", -1L);
            s.heapAfterGcMb = heapAfterGc();
            Map<String, Double> metrics = metrics();
            s.nettyDirectMb = metrics.getOrDefault("netty_direct", Double.NaN) / 1048576.0;
            s.jvmDirectMb = metrics.getOrDefault("jvm_direct", Double.NaN) / 1048576.0;
            s.poolWaiters = metrics.getOrDefault("pool_waiters", Double.NaN);
            s.poolConnections = metrics.getOrDefault("pool_connections", Double.NaN);
            s.p50 = window.percentile(50);
            s.p99 = window.percentile(99);
            s.errors = window.errors.get();
            s.errorKinds = window.kinds.toString();
            return s;
        }

        Map<String, Long> procStatus() {
            Map<String, Long> values = new LinkedHashMap<>();
            try {
                for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                    String[] parts = line.split(":\\s+", 2);
                    if (parts.length == 2 && (parts[0].equals("VmRSS") || parts[0].equals("Threads"))) {
                        values.put(parts[0], Long.parseLong(parts[1].replace(" kB", "").trim()));
                    }
                }
            } catch (IOException e) {
                System.err.println("cannot read /proc/" + pid + "/status: " + e.getMessage());
            }
            return values;
        }

        /**
         * The heap a collection left. For a JVM the sampler asks for a full collection first ({@code jcmd PID
         * GC.run}, one every sample: a pause of a few ms in the window's latencies), so the figure is what is live.
         * A native binary cannot be asked: there it is the smallest heap any collection of the window left, which
         * includes the old generation's garbage not collected yet, a floor that a leak makes rise. A window without a
         * collection keeps the previous value.
         */
        double heapAfterGc() {
            boolean full = forceFullGc();
            double least = Double.NaN;
            double afterFull = Double.NaN;
            try (RandomAccessFile file = new RandomAccessFile(gcLog.toFile(), "r")) {
                file.seek(gcLogRead);
                String line;
                while ((line = file.readLine()) != null) {
                    Matcher m = GC.matcher(line);
                    while (m.find()) {
                        double after = megabytes(Long.parseLong(m.group(3)), m.group(4));
                        least = Double.isNaN(least) ? after : Math.min(least, after);
                        if (line.contains("Diagnostic Command") || line.contains("System.gc()")) {
                            afterFull = after;
                        }
                    }
                }
                gcLogRead = file.getFilePointer();
            } catch (IOException e) {
                System.err.println("cannot read the GC log " + gcLog + ": " + e.getMessage());
            }
            double found = full && !Double.isNaN(afterFull) ? afterFull : least;
            if (!Double.isNaN(found)) {
                lastHeapAfterGc = found;
            }
            return lastHeapAfterGc;
        }

        /** Whether the server is a JVM that took a full collection when asked (a native binary has no jcmd). */
        boolean forceFullGc() {
            if (!jvm) {
                return false;
            }
            try {
                Process p = new ProcessBuilder("jcmd", Long.toString(pid), "GC.run").redirectErrorStream(true).start();
                p.getInputStream().readAllBytes();
                if (p.waitFor() == 0) {
                    return true;
                }
            } catch (IOException | InterruptedException e) {
                // reported below
            }
            System.err.println("jcmd could not reach process " + pid + ": this sample's heap is the least a collection left");
            return false;
        }

        static double megabytes(long value, String unit) {
            return switch (unit) {
                case "K" -> value / 1024.0;
                case "M" -> value;
                default -> value * 1024.0;
            };
        }

        /**
         * From /q/metrics: Netty's direct memory (every allocator Vert.x and Quarkus made), the JVM's direct buffers,
         * and the reactive pool's connections (in use and idle) and waiters.
         */
        Map<String, Double> metrics() {
            Map<String, Double> found = new LinkedHashMap<>();
            try {
                String text = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/q/metrics")).GET().build(),
                                HttpResponse.BodyHandlers.ofString())
                        .body();
                for (String line : text.split("\n")) {
                    if (line.startsWith("#")) {
                        continue;
                    }
                    int space = line.lastIndexOf(' ');
                    if (space < 0) {
                        continue;
                    }
                    double value;
                    try {
                        value = Double.parseDouble(line.substring(space + 1));
                    } catch (NumberFormatException e) {
                        continue;
                    }
                    if (line.startsWith("netty_allocator_memory_used") && line.contains("memory_type=\"direct\"")) {
                        found.merge("netty_direct", value, Double::sum);
                    } else if (line.startsWith("jvm_buffer_memory_used_bytes") && line.contains("id=\"direct\"")) {
                        found.merge("jvm_direct", value, Double::sum);
                    } else if (line.startsWith("sql_pool_queue_size")) {
                        found.merge("pool_waiters", value, Double::sum);
                    } else if (line.startsWith("sql_pool_active") || line.startsWith("sql_pool_idle")) {
                        found.merge("pool_connections", value, Double::sum);
                    }
                }
            } catch (IOException | InterruptedException e) {
                System.err.println("cannot read /q/metrics: " + e.getMessage());
            }
            return found;
        }
    }

    static void writeCsv(Path file, List<Sample> samples) throws IOException {
        try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(file))) {
            w.println("t_s,phase,rate,heap_after_gc_mb,rss_mb,netty_direct_mb,jvm_direct_mb,threads,pool_connections,"
                    + "pool_waiters,p50_ms,p99_ms,errors");
            for (Sample s : samples) {
                w.println(String.format(Locale.ROOT, "%.0f,%s,%.1f,%.2f,%.2f,%.2f,%.2f,%.0f,%.0f,%.0f,%.2f,%.2f,%d",
                        s.t, s.phase, s.rate, s.heapAfterGcMb, s.rssMb, s.nettyDirectMb, s.jvmDirectMb, s.threads,
                        s.poolConnections, s.poolWaiters, s.p50, s.p99, s.errors));
            }
        }
    }

    /** RSS and heap after GC over time, the phases shaded, drawn with Java2D (headless; fonts from the system). */
    static final class Plot {
        static void write(Path file, List<Sample> samples, List<Phase> phases) throws IOException {
            int width = 960, height = 420, left = 70, right = 20, top = 40, bottom = 50;
            BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
            Graphics2D g = image.createGraphics();
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, width, height);
            double tMax = samples.stream().mapToDouble(s -> s.t).max().orElse(1);
            double yMax = samples.stream().mapToDouble(s -> Math.max(s.rssMb, nan0(s.heapAfterGcMb))).max().orElse(1);
            yMax = Math.ceil(yMax * 1.1 / 50) * 50;
            int plotW = width - left - right, plotH = height - top - bottom;
            // phases, shaded alternately
            double phaseStart = 0;
            Color[] shades = {new Color(245, 245, 250), new Color(255, 243, 230)};
            int k = 0;
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            for (Phase phase : phases) {
                double end = samples.stream().filter(s -> s.phase.equals(phase.name)).mapToDouble(s -> s.t).max()
                        .orElse(phaseStart);
                int x0 = left + (int) (phaseStart / tMax * plotW), x1 = left + (int) (end / tMax * plotW);
                g.setColor(shades[k++ % 2]);
                g.fillRect(x0, top, x1 - x0, plotH);
                g.setColor(Color.DARK_GRAY);
                g.drawString(phase.name + " " + phase.rate + "/s", x0 + 6, top + 16);
                phaseStart = end;
            }
            g.setColor(Color.GRAY);
            g.drawRect(left, top, plotW, plotH);
            for (int i = 0; i <= 5; i++) {
                double v = yMax * i / 5;
                int y = top + plotH - (int) (v / yMax * plotH);
                g.setColor(new Color(225, 225, 225));
                g.drawLine(left + 1, y, left + plotW - 1, y);
                g.setColor(Color.DARK_GRAY);
                g.drawString(String.format(Locale.ROOT, "%.0f MB", v), 8, y + 4);
            }
            double minutes = tMax / 60;
            int step = minutes <= 6 ? 1 : minutes <= 15 ? 2 : minutes <= 40 ? 5 : minutes <= 90 ? 10 : 30;
            for (int m = 0; m <= minutes; m += step) {
                int x = left + (int) (m * 60 / tMax * plotW);
                g.drawString(m + " min", x - 14, top + plotH + 18);
            }
            line(g, samples, s -> s.rssMb, new Color(200, 60, 40), tMax, yMax, left, top, plotW, plotH);
            line(g, samples, s -> s.heapAfterGcMb, new Color(40, 90, 200), tMax, yMax, left, top, plotW, plotH);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
            g.setColor(Color.BLACK);
            g.drawString("Refract soak: RSS (red) and heap after GC (blue)", left, 24);
            g.dispose();
            ImageIO.write(image, "png", file.toFile());
        }

        static double nan0(double v) {
            return Double.isNaN(v) ? 0 : v;
        }

        static void line(Graphics2D g, List<Sample> samples, ToDoubleFunction<Sample> series, Color color, double tMax,
                double yMax, int left, int top, int plotW, int plotH) {
            g.setColor(color);
            g.setStroke(new BasicStroke(2f));
            int px = -1, py = -1;
            for (Sample s : samples) {
                double v = series.applyAsDouble(s);
                if (Double.isNaN(v)) {
                    continue;
                }
                int x = left + (int) (s.t / tMax * plotW), y = top + plotH - (int) (v / yMax * plotH);
                if (px >= 0) {
                    g.drawLine(px, py, x, y);
                }
                px = x;
                py = y;
            }
            g.setStroke(new BasicStroke(1f));
        }
    }

    // ---- HTTP ------------------------------------------------------------------------------------------------------

    static HttpRequest post(String path, String auth, String body) {
        return HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", auth)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    static HttpRequest put(String path, String auth, String body) {
        return HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", auth)
                .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(body)).build();
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
