import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

/**
 * What a replica's start is spent on, by feature, from what {@code bench/startup.sh} records up to the moment the
 * replica is ready. Counts of classes and bytes allocated do not depend on how busy the machine is, unlike a start
 * time, so they separate features that the noise of a shared machine hides.
 *
 * <pre>
 * java bench/StartupFeatures.java classes classes-at-ready-1.txt [more runs ...]
 * java bench/StartupFeatures.java alloc recording.jfr READY_EPOCH_MS
 * </pre>
 *
 * {@code classes} reads {@code -Xlog:class+load} files cut at readiness and prints each feature's count of classes,
 * as a range over the runs. {@code alloc} reads a JFR recording with the TLAB allocation events on
 * and sums the bytes allocated before readiness (each new TLAB's size, each allocation outside one) by the feature that caused them: the outermost frame of the
 * stack that belongs to a feature of its own (so a JSON parse that the OpenAPI document's preparation runs counts
 * for OpenAPI, not Jackson), with Quarkus' recorded start-up steps named after their extension. Stacks with no such
 * frame count for Quarkus, CDI and the JDK themselves. The first matching prefix wins, so narrower ones come first.
 */
public class StartupFeatures {


    record Feature(String name, List<String> prefixes) {}

    static final List<Feature> FEATURES = List.of(
            new Feature("Refract's own classes (and the beans generated for them)", List.of("dev.refract.")),
            new Feature("Hibernate ORM and Reactive, Panache, JPA, Byte Buddy, ANTLR, JAXB", List.of(
                    "org.hibernate.", "io.quarkus.hibernate.", "io.quarkus.panache.", "jakarta.persistence.",
                    "net.bytebuddy.", "org.antlr.", "com.fasterxml.classmate.", "org.glassfish.jaxb.",
                    "jakarta.xml.bind.", "com.sun.xml.", "com.sun.istack.", "org.infinispan.quarkus.hibernate.")),
            new Feature("Flyway", List.of("org.flywaydb.", "io.quarkus.flyway.")),
            new Feature("JDBC: Agroal, pgjdbc, Narayana JTA", List.of(
                    "io.agroal.", "io.quarkus.agroal.", "org.postgresql.", "com.arjuna.", "org.jboss.narayana.",
                    "io.quarkus.narayana.", "jakarta.transaction.", "org.jboss.tm.", "io.smallrye.context.jta.")),
            new Feature("OpenAPI document (SmallRye OpenAPI, YAML)", List.of(
                    "io.smallrye.openapi.", "io.quarkus.smallrye.openapi.", "org.eclipse.microprofile.openapi.",
                    "org.yaml.snakeyaml.", "com.fasterxml.jackson.dataformat.yaml.")),
            new Feature("OpenTelemetry (SDK, exporter, gRPC)", List.of(
                    "io.opentelemetry.", "io.quarkus.opentelemetry.", "io.grpc.", "io.vertx.grpc.",
                    "com.google.protobuf.", "io.quarkus.grpc.")),
            new Feature("Micrometer and Prometheus", List.of(
                    "io.micrometer.", "io.quarkus.micrometer.", "io.prometheus.", "org.HdrHistogram.",
                    "org.LatencyUtils.")),
            new Feature("Qute", List.of("io.quarkus.qute.")),
            new Feature("Scheduler", List.of("io.quarkus.scheduler.", "com.cronutils.")),
            new Feature("Caches (Caffeine)", List.of(
                    "com.github.benmanes.caffeine.", "io.quarkus.cache.", "io.quarkus.caffeine.")),
            new Feature("OpenID Connect and security (quarkus-oidc, SmallRye JWT, jose4j)", List.of(
                    "io.quarkus.oidc.", "io.smallrye.jwt.", "org.jose4j.", "io.quarkus.smallrye.jwt.",
                    "org.eclipse.microprofile.jwt.", "io.quarkus.security.", "io.quarkus.vertx.http.runtime.security.",
                    "io.vertx.ext.auth.", "io.vertx.mutiny.ext.auth.")),
            new Feature("Jackson CSV (reconciliation's settlement reports)", List.of(
                    "com.fasterxml.jackson.dataformat.csv.")),
            new Feature("Jackson", List.of("com.fasterxml.jackson.", "io.quarkus.jackson.")),
            new Feature("Fault tolerance", List.of("io.smallrye.faulttolerance.", "io.quarkus.smallrye.faulttolerance.",
                    "org.eclipse.microprofile.faulttolerance.")),
            new Feature("Health", List.of("io.smallrye.health.", "io.quarkus.smallrye.health.",
                    "org.eclipse.microprofile.health.")),
            new Feature("Logging (JBoss Log Manager, JSON lines)", List.of(
                    "org.jboss.logmanager.", "org.jboss.logging.", "io.quarkus.logging.", "org.slf4j.", "jakarta.json.",
                    "org.eclipse.parsson.")),
            new Feature("REST client", List.of(
                    "org.jboss.resteasy.reactive.client.", "io.quarkus.rest.client.", "io.quarkus.restclient.",
                    "org.eclipse.microprofile.rest.client.", "io.vertx.ext.web.client.", "io.smallrye.stork.")),
            new Feature("REST server (Quarkus REST)", List.of(
                    "org.jboss.resteasy.reactive.", "io.quarkus.resteasy.reactive.", "io.quarkus.rest.",
                    "jakarta.ws.rs.")),
            new Feature("Reactive PostgreSQL client", List.of(
                    "io.vertx.pgclient.", "io.vertx.sqlclient.", "io.vertx.mutiny.pgclient.",
                    "io.vertx.mutiny.sqlclient.", "io.quarkus.reactive.", "com.ongres.")),
            new Feature("Vert.x, Netty, HTTP", List.of(
                    "io.vertx.", "io.netty.", "io.quarkus.vertx.", "io.quarkus.netty.", "io.smallrye.reactive.")),
            new Feature("Mutiny, context propagation", List.of("io.smallrye.mutiny.", "io.smallrye.context.",
                    "io.quarkus.smallrye.context.", "org.eclipse.microprofile.context.")),
            new Feature("CDI (ArC), configuration", List.of(
                    "io.quarkus.arc.", "io.smallrye.config.", "jakarta.enterprise.", "jakarta.inject.",
                    "jakarta.interceptor.", "org.eclipse.microprofile.config.")),
            new Feature("Quarkus core and generated start-up code", List.of("io.quarkus.", "io.smallrye.common.",
                    "org.jboss.threads.", "org.wildfly.common.")),
            new Feature("JDK", List.of("java.", "javax.", "jdk.", "sun.", "com.sun.")));

    /** Features that stand for the framework itself: an allocation is attributed past them, to what called them. */
    static final List<String> GENERIC = List.of(
            "Quarkus core and generated start-up code", "CDI (ArC), configuration", "JDK",
            "Mutiny, context propagation", "Logging (JBoss Log Manager, JSON lines)", "Vert.x, Netty, HTTP", "other");

    /** The main class: every start-up step runs under it, so it stands for nothing by itself. */
    static final String MAIN = "dev.refract.RefractMain";

    /** Reading and defining classes from the jars: the JVM's own start, which a native binary does not have. */
    static final String LOADING = "loading classes (the JVM only)";

    /** Spinning lambda classes and linking method handles: done at build time in the binary. */
    static final String LINKING = "linking lambdas and method handles (the JVM only)";

    /** Quarkus' recorded start-up steps, by the extension's processor that recorded them. */
    static final Map<String, String> STEPS = new LinkedHashMap<>();

    static {
        STEPS.put("HibernateOrm", "org.hibernate.");
        STEPS.put("HibernateReactive", "org.hibernate.");
        STEPS.put("Panache", "org.hibernate.");
        STEPS.put("Flyway", "org.flywaydb.");
        STEPS.put("Agroal", "io.agroal.");
        STEPS.put("NarayanaJta", "com.arjuna.");
        STEPS.put("SmallRyeOpenApi", "io.smallrye.openapi.");
        STEPS.put("OpenTelemetry", "io.opentelemetry.");
        STEPS.put("OtlpExporter", "io.opentelemetry.");
        STEPS.put("Tracer", "io.opentelemetry.");
        STEPS.put("Instrumentation", "io.opentelemetry.");
        STEPS.put("Micrometer", "io.micrometer.");
        STEPS.put("Prometheus", "io.micrometer.");
        STEPS.put("Binder", "io.micrometer.");
        STEPS.put("Qute", "io.quarkus.qute.");
        STEPS.put("Scheduler", "io.quarkus.scheduler.");
        STEPS.put("Cache", "com.github.benmanes.caffeine.");
        STEPS.put("Oidc", "io.quarkus.oidc.");
        STEPS.put("Security", "io.quarkus.security.");
        STEPS.put("Jackson", "com.fasterxml.jackson.");
        STEPS.put("SmallRyeFaultTolerance", "io.smallrye.faulttolerance.");
        STEPS.put("SmallRyeHealth", "io.smallrye.health.");
        STEPS.put("LoggingJson", "org.jboss.logmanager.");
        STEPS.put("RestClient", "io.quarkus.rest.client.");
        STEPS.put("JaxrsClient", "io.quarkus.rest.client.");
        STEPS.put("ResteasyReactive", "org.jboss.resteasy.reactive.");
        STEPS.put("ReactivePgClient", "io.vertx.pgclient.");
        STEPS.put("Vertx", "io.vertx.");
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("alloc")) {
            allocations(Path.of(args[1]), Instant.ofEpochMilli(Long.parseLong(args[2])));
        } else {
            classes(List.of(args).subList(1, args.length));
        }
    }

    static void classes(List<String> files) throws Exception {
        List<Map<String, Integer>> runs = new ArrayList<>();
        for (String file : files) {
            Map<String, Integer> counts = new LinkedHashMap<>();
            FEATURES.forEach(f -> counts.put(f.name(), 0));
            counts.put("other", 0);
            counts.put("total", 0);
            for (String line : Files.readAllLines(Path.of(file))) {
                int at = line.indexOf("[class,load] ");
                if (at < 0) {
                    continue;
                }
                String name = line.substring(at + "[class,load] ".length()).split(" ", 2)[0];
                counts.merge(featureOf(stepOrClass(name)), 1, Integer::sum);
                counts.merge("total", 1, Integer::sum);
            }
            runs.add(counts);
        }
        System.out.printf("classes loaded until ready, by feature (%d run%s)%n", runs.size(), runs.size() == 1 ? "" : "s");
        for (String name : runs.get(0).keySet()) {
            int min = runs.stream().mapToInt(r -> r.get(name)).min().orElse(0);
            int max = runs.stream().mapToInt(r -> r.get(name)).max().orElse(0);
            System.out.printf("%13s  %s%n", min == max ? String.valueOf(min) : min + "–" + max, name);
        }
    }

    static void allocations(Path recording, Instant ready) throws Exception {
        Map<String, Long> bytes = new LinkedHashMap<>();
        FEATURES.forEach(f -> bytes.put(f.name(), 0L));
        bytes.put("other", 0L);
        bytes.put(LOADING, 0L);
        bytes.put(LINKING, 0L);
        Map<String, Long> statics = new LinkedHashMap<>();
        long total = 0;
        long samples = 0;
        for (RecordedEvent e : RecordingFile.readAllEvents(recording)) {
            String kind = e.getEventType().getName();
            if (e.getStartTime().isAfter(ready)) {
                continue;
            }
            long weight;
            if (kind.equals("jdk.ObjectAllocationInNewTLAB")) {
                weight = e.getLong("tlabSize");
            } else if (kind.equals("jdk.ObjectAllocationOutsideTLAB")) {
                weight = e.getLong("allocationSize");
            } else {
                continue;
            }
            String feature = "JDK";
            if (e.getStackTrace() != null) {
                List<RecordedFrame> frames = e.getStackTrace().getFrames();
                for (RecordedFrame frame : frames) {
                    String type = frame.getMethod().getType().getName();
                    if (type.startsWith("io.quarkus.bootstrap.runner.") || type.equals("java.lang.ClassLoader")) {
                        feature = LOADING;
                        break;
                    }
                    if (type.equals("java.lang.invoke.InnerClassLambdaMetafactory")
                            || type.equals("java.lang.invoke.MethodHandleNatives")) {
                        feature = LINKING;
                        break;
                    }
                }
                // outermost first: the caller that made the work happen
                for (int i = frames.size() - 1; i >= 0 && !feature.equals(LOADING) && !feature.equals(LINKING); i--) {
                    String name = frames.get(i).getMethod().getType().getName();
                    String f = name.equals(MAIN) ? "JDK" : featureOf(stepOrClass(name));
                    if (!GENERIC.contains(f)) {
                        feature = f;
                        break;
                    }
                    if (i == 0) {
                        feature = featureOf(frames.get(0).getMethod().getType().getName());
                    }
                }
            }
            bytes.merge(feature, weight, Long::sum);
            if (!feature.equals(LOADING) && !feature.equals(LINKING) && inStaticInitialiser(e)) {
                statics.merge(feature, weight, Long::sum);
            }
            total += weight;
            samples++;
        }
        System.out.printf("bytes allocated until ready, by the feature that caused them (%d TLABs and large objects, %.0f MB);"
                + " of which in static initialisers, which the binary runs at build time (its image heap)%n",
                samples, total / 1e6);
        for (var b : bytes.entrySet()) {
            System.out.printf("%8.1f MB %5.1f %%  %6.1f MB  %s%n", b.getValue() / 1e6,
                    100.0 * b.getValue() / Math.max(1, total), statics.getOrDefault(b.getKey(), 0L) / 1e6, b.getKey());
        }
    }

    static boolean inStaticInitialiser(RecordedEvent e) {
        if (e.getStackTrace() == null) {
            return false;
        }
        for (RecordedFrame f : e.getStackTrace().getFrames()) {
            if (f.getMethod().getName().equals("<clinit>")) {
                return true;
            }
        }
        return false;
    }

    /** A recorded start-up step stands for its extension ({@code io.quarkus.runner.recorded.FlywayProcessor$...}). */
    static String stepOrClass(String className) {
        String recorded = "io.quarkus.runner.recorded.";
        if (className.startsWith(recorded)) {
            String processor = className.substring(recorded.length());
            for (var s : STEPS.entrySet()) {
                if (processor.startsWith(s.getKey()) || processor.contains(s.getKey() + "Processor")) {
                    return s.getValue();
                }
            }
        }
        return className;
    }

    static String featureOf(String className) {
        for (Feature f : FEATURES) {
            for (String p : f.prefixes()) {
                if (className.startsWith(p)) {
                    return f.name();
                }
            }
        }
        return "other";
    }
}
