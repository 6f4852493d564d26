package dev.refract.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * Keycloak's server distribution as a process: the Java it needs (21 or newer, where the tests may run on 17), the
 * unpacked distribution, and a start in dev mode on free ports with an in-memory database and the realm imported.
 * {@link Keycloak} is what tests use.
 */
final class KeycloakServer {

    static final int MIN_JAVA = 21;
    private static final Path JVMS = Path.of("/usr/lib/jvm");
    private static final int LOG_TAIL_LINES = 40;

    private KeycloakServer() {}

    /** Keycloak cannot run on this machine as it is: a test skips, unless Keycloak is required. */
    static final class Unavailable extends RuntimeException {
        Unavailable(String message) {
            super(message);
        }
    }

    /** A Java launcher and how it was chosen, for the messages. */
    record Java(Path launcher, String origin) {}

    /** Where the started server answers, and the CPU time its start took (a figure the machine's load skews less). */
    record Started(URI base, Duration cpu) {}

    /**
     * {@code REFRACT_KEYCLOAK_JAVA} (or {@code -Drefract.keycloak.java}: a JDK home or a java launcher), else this
     * JVM when it is new enough, else the newest JDK of at least {@value #MIN_JAVA} under /usr/lib/jvm.
     */
    static Java findJava() {
        String configured = Keycloak.setting("refract.keycloak.java", "REFRACT_KEYCLOAK_JAVA");
        if (configured != null) {
            Path path = Path.of(configured);
            Path launcher = Files.isDirectory(path) ? path.resolve("bin").resolve("java") : path;
            if (!Files.isExecutable(launcher)) {
                throw new IllegalStateException(
                        "REFRACT_KEYCLOAK_JAVA=" + configured + " is neither a JDK home nor a java launcher");
            }
            return new Java(launcher, "REFRACT_KEYCLOAK_JAVA");
        }
        if (Runtime.version().feature() >= MIN_JAVA) {
            return new Java(
                    Path.of(System.getProperty("java.home"), "bin", "java"),
                    "the test JVM (Java " + Runtime.version().feature() + ")");
        }
        return newestJdk(JVMS)
                .orElseThrow(
                        () -> new Unavailable("Keycloak needs Java " + MIN_JAVA + " or newer: the tests run on Java "
                                + Runtime.version().feature() + ", no such JDK is under " + JVMS
                                + ", and REFRACT_KEYCLOAK_JAVA is not set"));
    }

    /** The newest JDK of at least {@value #MIN_JAVA} in a directory of JDKs, by their {@code release} files. */
    static Optional<Java> newestJdk(Path jvms) {
        if (!Files.isDirectory(jvms)) {
            return Optional.empty();
        }
        try (Stream<Path> homes = Files.list(jvms)) {
            return homes.filter(home -> Files.isExecutable(home.resolve("bin").resolve("java")))
                    .map(home -> Map.entry(home, featureVersion(home)))
                    .filter(jdk -> jdk.getValue() >= MIN_JAVA)
                    .max(Comparator.comparing((Map.Entry<Path, Integer> jdk) -> jdk.getValue())
                            .thenComparing(jdk -> jdk.getKey().getFileName().toString()))
                    .map(jdk -> new Java(
                            jdk.getKey().resolve("bin").resolve("java"),
                            "Java " + jdk.getValue() + " at " + jdk.getKey()));
        } catch (IOException e) {
            throw new UncheckedIOException("could not list " + jvms, e);
        }
    }

    /** The feature version a JDK's {@code release} file declares ({@code JAVA_VERSION="25.0.3"}), 0 if none. */
    static int featureVersion(Path home) {
        try (Stream<String> lines = Files.lines(home.resolve("release"))) {
            return lines.filter(line -> line.startsWith("JAVA_VERSION="))
                    .findFirst()
                    .map(line -> line.substring("JAVA_VERSION=".length()).replace("\"", ""))
                    .map(version -> version.startsWith("1.") ? version.substring(2) : version)
                    .map(version -> version.split("[^0-9]", 2)[0])
                    .filter(feature -> !feature.isEmpty())
                    .map(Integer::parseInt)
                    .orElse(0);
        } catch (IOException | UncheckedIOException e) {
            return 0;
        }
    }

    /** The distribution the build unpacked ({@code refract.keycloak.home}, set by the pom for the test plugins). */
    static Path distribution() {
        String configured = System.getProperty("refract.keycloak.home");
        Path home = configured != null ? Path.of(configured) : unpackedUnderTarget();
        if (home == null || !Files.isRegularFile(home.resolve("bin").resolve("kc.sh"))) {
            throw new Unavailable("no Keycloak distribution at " + (home == null ? "target/keycloak" : home)
                    + ": `./mvnw process-test-resources` unpacks it");
        }
        return home;
    }

    private static Path unpackedUnderTarget() {
        Path target = Path.of("target", "keycloak");
        if (!Files.isDirectory(target)) {
            return null;
        }
        try (Stream<Path> dirs = Files.list(target)) {
            return dirs.filter(dir -> dir.getFileName().toString().startsWith("keycloak-"))
                    .max(Comparator.naturalOrder())
                    .orElse(null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Starts the distribution in dev mode: plain HTTP on 127.0.0.1 and a free port, every URL it issues under
     * {@code http://localhost:<port>} whatever host a request named (so the issuer is one string for the tests,
     * the application and the browser), an H2 database in memory (nothing outlives the process), and the realm
     * file imported at start. Returns once {@code readyPath} answers 200; the process is stopped with the JVM.
     */
    static Started start(
            Path home, Java java, String realmResource, String readyPath, Map<String, String> env, Duration timeout)
            throws IOException, InterruptedException {
        int port = freePort();
        int managementPort = freePort();
        URI base = URI.create("http://localhost:" + port);
        Path imports = Files.createDirectories(home.resolve("data").resolve("import"));
        try (InputStream realm = KeycloakServer.class.getResourceAsStream(realmResource)) {
            if (realm == null) {
                throw new IllegalStateException("no " + realmResource + " on the test classpath");
            }
            Files.copy(
                    realm,
                    imports.resolve(Path.of(realmResource).getFileName().toString()),
                    StandardCopyOption.REPLACE_EXISTING);
        }
        Path log = home.resolveSibling("keycloak-" + port + ".log");
        ProcessBuilder builder = new ProcessBuilder(List.of(
                        "/bin/sh",
                        home.resolve("bin").resolve("kc.sh").toString(),
                        "start-dev",
                        "--http-host=127.0.0.1",
                        "--http-port=" + port,
                        "--http-management-port=" + managementPort,
                        "--hostname=" + base,
                        "--db=dev-mem",
                        "--import-realm"))
                .directory(home.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        Map<String, String> environment = builder.environment();
        // nothing of the caller's Keycloak or JVM settings leaks in: the same start everywhere
        environment
                .keySet()
                .removeIf(name -> name.startsWith("KC_") || name.startsWith("JAVA_") || name.equals("JAVA"));
        environment.put("JAVA", java.launcher().toString());
        environment.put("JAVA_HOME", java.launcher().getParent().getParent().toString());
        // bounded: the test JVMs and the application under test run beside it
        environment.put("JAVA_OPTS_KC_HEAP", "-Xms64m -Xmx512m");
        // the client compiler alone: a start costs 40 % less CPU (about 30 s instead of 50 s), and a test's few
        // hundred requests never repay the optimising compiler
        environment.put("JAVA_OPTS_APPEND", "-XX:TieredStopAtLevel=1");
        environment.putAll(env);
        Process process = builder.start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(process), "keycloak-stop"));
        try {
            awaitReady(process, base.resolve(readyPath), timeout, log);
        } catch (RuntimeException | InterruptedException e) {
            stop(process);
            throw e;
        }
        Duration cpu = Stream.concat(Stream.of(process.toHandle()), process.descendants())
                .map(handle -> handle.info().totalCpuDuration().orElse(Duration.ZERO))
                .reduce(Duration.ZERO, Duration::plus)
                .plus(reapedChildrenCpu(process.pid()));
        return new Started(base, cpu);
    }

    /**
     * The CPU time of a process's children that have ended (Linux's cutime and cstime): the JVM that rebuilt
     * Keycloak for dev mode before kc.sh replaced itself with the server's.
     */
    private static Duration reapedChildrenCpu(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // after the command: state is field 3 of stat(5), cutime and cstime fields 16 and 17, in 1/100 s
            return Duration.ofMillis(10 * (Long.parseLong(fields[13]) + Long.parseLong(fields[14])));
        } catch (IOException | RuntimeException notLinux) {
            return Duration.ZERO;
        }
    }

    private static void awaitReady(Process process, URI ready, Duration timeout, Path log) throws InterruptedException {
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest request =
                HttpRequest.newBuilder(ready).timeout(Duration.ofSeconds(10)).build();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Keycloak exited with status " + process.exitValue()
                        + " before it was ready; the end of " + log + ":\n" + tail(log));
            }
            try {
                if (http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notListeningYet) {
                // still starting
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("Keycloak was not ready at " + ready + " after " + timeout
                        + " (refract.keycloak.start-timeout); the end of " + log + ":\n" + tail(log));
            }
            Thread.sleep(250);
        }
    }

    /** SIGTERM to kc.sh and the JVM it runs (it forwards the signal), then SIGKILL to whatever is left. */
    static void stop(Process process) {
        List<ProcessHandle> all = Stream.concat(process.descendants(), Stream.of(process.toHandle()))
                .toList();
        all.forEach(ProcessHandle::destroy);
        for (ProcessHandle handle : all) {
            try {
                handle.onExit().get(15, TimeUnit.SECONDS);
            } catch (TimeoutException | ExecutionException e) {
                handle.destroyForcibly();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                all.forEach(ProcessHandle::destroyForcibly);
                return;
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size()));
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }
}
