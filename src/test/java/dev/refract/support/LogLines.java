package dev.refract.support;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The log lines of the application under test, wherever it runs: the test JVM and the packaged application of the
 * integration tests both write {@code target/refract-test.log} (each instance rotates it when it starts), and the
 * integration tests' launcher adds the application's output to a file of its own. A line is written after the answer
 * it belongs to has gone out, so a test waits for it rather than reading once.
 */
public final class LogLines {

    private static final Path TARGET = Path.of("target");
    private static final Duration WITHIN = Duration.ofSeconds(20);

    private LogLines() {}

    /** Waits for a line that holds every one of {@code fragments} (a unique id among them), and answers it. */
    public static String waitFor(String... fragments) {
        String[] found = new String[1];
        await().atMost(WITHIN)
                .pollInterval(Duration.ofMillis(200))
                .alias("a log line with " + Arrays.toString(fragments))
                .until(() -> {
                    found[0] = find(fragments).orElse(null);
                    return found[0] != null;
                });
        return found[0];
    }

    /** The lines, in every log file there is now, that hold every one of {@code fragments}. */
    public static List<String> all(String... fragments) {
        return lines().filter(line -> holdsAll(line, fragments)).toList();
    }

    private static Optional<String> find(String... fragments) {
        return lines().filter(line -> holdsAll(line, fragments)).findFirst();
    }

    private static boolean holdsAll(String line, String... fragments) {
        return Arrays.stream(fragments).allMatch(line::contains);
    }

    private static Stream<String> lines() {
        try (Stream<Path> files = Files.list(TARGET)) {
            return files.filter(LogLines::isLog).toList().stream().flatMap(LogLines::read);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean isLog(Path file) {
        String name = file.getFileName().toString();
        return Files.isRegularFile(file) && (name.startsWith("refract-test.log") || name.startsWith("quarkus.log"));
    }

    /** Its lines, decoded leniently: a log may end in a line still being written. */
    private static Stream<String> read(Path file) {
        try {
            return new String(Files.readAllBytes(file), StandardCharsets.UTF_8).lines();
        } catch (IOException e) {
            return Stream.empty(); // rotated away between the listing and the read
        }
    }
}
