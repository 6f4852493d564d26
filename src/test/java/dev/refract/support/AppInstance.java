package dev.refract.support;

import static org.awaitility.Awaitility.await;

import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One more instance of the packaged application, started by a test as a separate process: the native binary
 * where one was built, else the jar, with the test and it profiles (workers live) and the given settings on top. For the tests where
 * instances race, die or lose their database.
 */
public final class AppInstance implements AutoCloseable {

    private final Process process;
    private final int port;
    private final Path log;

    private AppInstance(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /** Starts an instance and waits until it is ready; its output goes to {@code target/<name>.log}. */
    public static AppInstance start(String name, Map<String, String> config) {
        AppInstance instance = launch(name, config);
        await().atMost(Duration.ofSeconds(60))
                .ignoreExceptions()
                .until(() -> RestAssured.given()
                                .port(instance.port)
                                .get("/q/health/ready")
                                .statusCode()
                        == 200);
        return instance;
    }

    /** Starts an instance, with these program arguments, without waiting for it to be ready. */
    public static AppInstance launch(String name, Map<String, String> config, String... args) {
        int port = freePort();
        String nativeBinary = System.getProperty("native.image.path");
        boolean isNative = nativeBinary != null && new File(nativeBinary).canExecute();
        List<String> command = new ArrayList<>();
        command.add(
                isNative
                        ? new File(nativeBinary).getAbsolutePath()
                        : Path.of(System.getProperty("java.home"), "bin", "java")
                                .toString());
        command.add("-Dquarkus.profile=test,it");
        command.add("-Dquarkus.http.port=" + port);
        // its own file beside its output: the test profile's target/refract-test.log belongs to the application the
        // integration tests run, and each instance starting on it would rotate that file away from under it (the
        // running application goes on writing to the rotated file, where LogLines no longer finds its lines)
        command.add("-Dquarkus.log.file.path="
                + Path.of("target", name + "-file.log").toAbsolutePath());
        config.forEach((k, v) -> command.add("-D" + k + "=" + v));
        if (!isNative) {
            command.add("-jar");
            command.add(new File("target/quarkus-app/quarkus-run.jar").getAbsolutePath());
        }
        command.addAll(List.of(args));
        Path log = Path.of("target", name + ".log");
        try {
            Process process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            return new AppInstance(process, port, log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int port() {
        return port;
    }

    /** Waits for the process to end (a command such as {@code migrate}) and gives its exit code. */
    public int exitCode(Duration within) throws InterruptedException {
        if (!process.waitFor(within.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("still running after " + within + ":\n" + output());
        }
        return process.exitValue();
    }

    /** The operating system's id of the instance's process. */
    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** A request to this instance. */
    public RequestSpecification given() {
        return RestAssured.given().port(port);
    }

    /** An admin request to this instance. */
    public RequestSpecification admin() {
        return as(Api.ADMIN_TOKEN);
    }

    /** A request to this instance as the merchant with this API key. */
    public RequestSpecification as(String apiKey) {
        return given().header("Authorization", "Bearer " + apiKey).contentType(ContentType.JSON);
    }

    public String output() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** SIGKILL: no shutdown hook, no finishing touches. Its output must hold no secret. */
    public void kill() throws InterruptedException {
        process.destroyForcibly().waitFor();
        Secrets.assertNoneIn(output(), log.toString(), List.of());
    }

    /** Stops it as Kubernetes would (SIGTERM); its output must hold no secret. */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        process.waitFor();
        Secrets.assertNoneIn(output(), log.toString(), List.of());
    }
}
