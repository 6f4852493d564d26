import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where a JFR recording's CPU samples went: the share of samples whose stack contains each of a few named areas
 * of the create path (inclusive), and the methods that were on top of the stack most often (self time).
 *
 * <pre>java bench/JfrTop.java recording.jfr [top-methods]</pre>
 *
 * Only threads that ran Refract's work are counted: the Vert.x event loops and worker threads. A sample can count
 * in several areas (JSON reading inside a resource inside the HTTP layer); the areas are ordered from the inside.
 */
public class JfrTop {

    /** An area of the work and the frames that put a sample in it (a class or package name prefix). */
    record Area(String name, List<String> prefixes) {}

    static final List<Area> AREAS = List.of(
            new Area("SQL client: encode, decode, protocol", List.of("io.vertx.pgclient", "io.vertx.sqlclient")),
            new Area("JSON (Jackson)", List.of("com.fasterxml.jackson")),
            new Area("logging", List.of("org.jboss.logmanager", "org.jboss.logging", "io.quarkus.logging")),
            new Area("metrics (Micrometer)", List.of("io.micrometer", "io.quarkus.micrometer")),
            new Area("hashing (MessageDigest)", List.of("java.security.MessageDigest", "sun.security.provider")),
            new Area("Hibernate Reactive / Panache", List.of("org.hibernate", "io.quarkus.hibernate")),
            new Area("fault tolerance (guard)", List.of("io.smallrye.faulttolerance")),
            new Area("Mutiny operators", List.of("io.smallrye.mutiny")),
            new Area("CDI and context propagation", List.of("io.quarkus.arc", "io.smallrye.context")),
            new Area("REST layer (Quarkus REST)", List.of("org.jboss.resteasy.reactive", "io.quarkus.resteasy")),
            new Area("Netty and Vert.x HTTP", List.of("io.netty", "io.vertx.core.http", "io.vertx.core.net")),
            new Area("Refract's own code", List.of("dev.refract")));

    public static void main(String[] args) throws Exception {
        int top = args.length > 1 ? Integer.parseInt(args[1]) : 25;
        Map<String, Integer> self = new HashMap<>();
        Map<String, Integer> inclusive = new HashMap<>();
        int samples = 0;
        for (RecordedEvent e : RecordingFile.readAllEvents(Path.of(args[0]))) {
            if (!e.getEventType().getName().equals("jdk.ExecutionSample")) {
                continue;
            }
            String thread = e.getThread("sampledThread") == null ? "" : e.getThread("sampledThread").getJavaName();
            if (thread == null || !(thread.startsWith("vert.x-eventloop") || thread.startsWith("vert.x-worker")
                    || thread.startsWith("executor-thread"))) {
                continue;
            }
            RecordedStackTrace stack = e.getStackTrace();
            if (stack == null || stack.getFrames().isEmpty()) {
                continue;
            }
            samples++;
            List<RecordedFrame> frames = stack.getFrames();
            RecordedFrame first = frames.get(0);
            self.merge(first.getMethod().getType().getName() + "." + first.getMethod().getName(), 1, Integer::sum);
            Set<String> in = new HashSet<>();
            for (RecordedFrame f : frames) {
                String type = f.getMethod().getType().getName();
                for (Area a : AREAS) {
                    for (String p : a.prefixes()) {
                        if (type.startsWith(p)) {
                            in.add(a.name());
                        }
                    }
                }
            }
            in.forEach(a -> inclusive.merge(a, 1, Integer::sum));
        }
        System.out.printf("%d CPU samples on the event loops and workers%n%n", samples);
        System.out.println("share of samples with the area on the stack (inclusive):");
        for (Area a : AREAS) {
            System.out.printf("  %5.1f %%  %s%n", 100.0 * inclusive.getOrDefault(a.name(), 0) / Math.max(1, samples),
                    a.name());
        }
        System.out.printf("%ntop %d methods by self samples:%n", top);
        List<Map.Entry<String, Integer>> sorted = new ArrayList<>(self.entrySet());
        sorted.sort(Map.Entry.<String, Integer>comparingByValue().reversed());
        for (Map.Entry<String, Integer> m : sorted.subList(0, Math.min(top, sorted.size()))) {
            System.out.printf("  %5.1f %%  %s%n", 100.0 * m.getValue() / Math.max(1, samples), m.getKey());
        }
    }
}
