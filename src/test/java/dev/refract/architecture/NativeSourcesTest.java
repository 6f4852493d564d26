package dev.refract.architecture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.tngtech.archunit.core.domain.JavaClass;
import io.quarkus.qute.TemplateData;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Reads what the sources-only native build generated ({@code target/native-sources}: the arguments and the
 * registrations native-image would be given) and checks that what Refract needs at run time is in it. Run by
 * {@code .ci/run} right after {@code ./mvnw package -Dnative -Dquarkus.native.sources-only=true}, with
 * {@code -Drefract.native-sources=target/native-sources}; without that property there is nothing to read.
 */
@EnabledIfSystemProperty(named = "refract.native-sources", matches = ".+")
class NativeSourcesTest {

    private static String args;
    private static final Map<String, JsonNode> REFLECTION = new HashMap<>();
    private static final Set<String> RESOURCES = new TreeSet<>();

    @BeforeAll
    static void readTheGeneratedConfiguration() throws IOException {
        Path dir = Path.of(System.getProperty("refract.native-sources"));
        args = Files.readString(dir.resolve("native-image.args"));
        Path runner;
        try (Stream<Path> files = Files.list(dir)) {
            runner = files.filter(p -> p.getFileName().toString().endsWith("-runner.jar"))
                    .findFirst()
                    .orElseThrow();
        }
        ObjectMapper json = new ObjectMapper();
        try (ZipFile jar = new ZipFile(runner.toFile())) {
            JsonNode reflect =
                    json.readTree(jar.getInputStream(jar.getEntry("META-INF/native-image/reflect-config.json")));
            reflect.forEach(entry -> REFLECTION.put(entry.path("name").asText(), entry));
            JsonNode resources =
                    json.readTree(jar.getInputStream(jar.getEntry("META-INF/native-image/resource-config.json")));
            resources
                    .path("resources")
                    .path("includes")
                    .forEach(r -> RESOURCES.add(r.path("pattern").asText()));
        }
        assertTrue(REFLECTION.size() > 100, () -> "a reflection configuration of " + REFLECTION.size() + " entries");
    }

    @Test
    void everyClassWeRegisterForReflectionIsRegisteredWhole() {
        Set<String> missing = new TreeSet<>();
        for (JavaClass c : LayeringTest.MAIN) {
            if (c.isAnnotatedWith(RegisterForReflection.class) && !registeredWhole(c.getName())) {
                missing.add(c.getName());
            }
        }
        assertEquals(Set.of(), missing, "constructors, methods and fields of these are not all registered");
    }

    @Test
    void everyRecordOurMappersReadOrWriteIsInTheReflectionConfiguration() {
        Set<String> missing = new TreeSet<>();
        for (JavaClass mapped : NativeSafetyTest.mappedTypes()) {
            NativeSafetyTest.withParts(mapped).stream()
                    .map(JavaClass::getName)
                    .filter(name -> !registeredWhole(name))
                    .forEach(missing::add);
        }
        assertTrue(NativeSafetyTest.mappedTypes().size() > 20, "the wire records were found");
        assertEquals(Set.of(), missing);
    }

    @Test
    void everyMigrationIsIncludedAsAResource() throws IOException {
        Set<String> missing = new TreeSet<>();
        try (Stream<Path> files = Files.list(Path.of("src/main/resources/db/migration"))) {
            files.map(p -> "db/migration/" + p.getFileName())
                    .filter(r -> !RESOURCES.contains("\\Q" + r + "\\E"))
                    .forEach(missing::add);
        }
        assertEquals(Set.of(), missing, "migrations the native binary could not apply");
    }

    /** The console's templates and its stylesheet are files the binary must carry; Qute reads them at start. */
    @Test
    void everyConsoleTemplateAndStaticFileIsIncludedAsAResource() throws IOException {
        Set<String> missing = new TreeSet<>();
        for (String root : List.of("src/main/resources/templates", "src/main/resources/META-INF/resources")) {
            Path base = Path.of("src/main/resources");
            try (Stream<Path> files = Files.walk(Path.of(root))) {
                files.filter(Files::isRegularFile)
                        .map(p -> base.relativize(p).toString().replace('\\', '/'))
                        .filter(r -> !RESOURCES.contains("\\Q" + r + "\\E"))
                        .forEach(missing::add);
            }
        }
        assertEquals(Set.of(), missing, "files the native console would answer 404 or 500 for");
    }

    /**
     * Templates read the console's view records through value resolvers that Qute generates at build time, not by
     * reflection: each {@code @TemplateData} record has one, and the build registers it.
     */
    @Test
    void everyConsoleViewHasAGeneratedValueResolver() {
        Set<String> missing = new TreeSet<>();
        int views = 0;
        for (JavaClass c : LayeringTest.MAIN) {
            if (!c.isAnnotatedWith(TemplateData.class)) {
                continue;
            }
            views++;
            String resolver = c.getPackageName() + "."
                    + c.getName().substring(c.getPackageName().length() + 1).replace("$", "$_")
                    + "_ValueResolver";
            if (!REFLECTION.containsKey(resolver)) {
                missing.add(c.getName() + " (no " + resolver + ")");
            }
        }
        assertTrue(views > 10, "the console's views were found: " + views);
        assertEquals(Set.of(), missing);
    }

    /**
     * Adyen's settlement report is read with Jackson's CSV parser, used directly (docs/native.md): through its
     * streaming parser, built by its constructor, no data binding, no service lookup. What the binary needs of it is
     * the jar on the image's class path, of the Jackson version every other Jackson module there has: a CSV module of
     * another version than the core calls methods the core may not have, which only the binary would find out.
     */
    @Test
    void theCsvParserIsOnTheImagesClassPathInTheCoresVersion() throws IOException {
        Path lib = Path.of(System.getProperty("refract.native-sources"), "lib");
        List<String> jars;
        try (Stream<Path> files = Files.list(lib)) {
            jars = files.map(p -> p.getFileName().toString()).toList();
        }
        String core = jars.stream()
                .filter(j -> j.startsWith("com.fasterxml.jackson.core.jackson-core-"))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no jackson-core in " + lib));
        String version = core.substring("com.fasterxml.jackson.core.jackson-core-".length(), core.length() - 4);
        assertTrue(
                jars.contains("com.fasterxml.jackson.dataformat.jackson-dataformat-csv-" + version + ".jar"),
                "jackson-dataformat-csv " + version + " in " + lib + ": "
                        + jars.stream().filter(j -> j.contains("jackson")).toList());
    }

    @Test
    void theCacheExtensionsNativeFeatureIsGivenToNativeImage() {
        // CacheNativeRegistrationTest checks our caches against this feature's list of classes
        assertTrue(args.contains("io.quarkus.caffeine.runtime.graal.CacheConstructorsFeature"));
    }

    @Test
    void theServiceLoaderFeatureIsOffSoOnlyRegisteredServicesExist() {
        // why NativeSafetyTest forbids ServiceLoader and module discovery in our code: this is what makes them differ
        assertTrue(args.contains("-H:-UseServiceLoaderFeature"));
    }

    /**
     * The build fits a CI runner's 4 GB only if the builder's heap is bounded by us: without {@code -J-Xmx} native-image
     * sizes it from the machine's memory. One bound, at most 3 GB, so that metaspace, code cache and the compiler
     * threads' memory fit beside it.
     */
    @Test
    void theBuildersHeapIsBoundedToFitACiRunner() {
        List<String> bounds = Stream.of(args.split("\\s+"))
                .filter(a -> a.startsWith("-J-Xmx"))
                .toList();
        assertEquals(1, bounds.size(), () -> "heap bounds given to native-image: " + bounds);
        String bound = bounds.get(0).substring("-J-Xmx".length()).toLowerCase();
        long mib = Long.parseLong(bound.substring(0, bound.length() - 1))
                * (bound.endsWith("g") ? 1024 : bound.endsWith("m") ? 1 : 0);
        assertTrue(mib > 0 && mib <= 3 * 1024, () -> "the builder's heap is bounded at " + bound);
    }

    /**
     * No provider, no OIDC tenant ({@code OidcSwitch}) must hold in the binary too, where nothing is found through
     * {@code ServiceLoader} at run time: the interceptor is built into the generated run-time configuration.
     */
    @Test
    void theOidcSwitchIsBuiltIntoTheRunTimeConfiguration() throws IOException {
        Path dir = Path.of(System.getProperty("refract.native-sources"));
        Path runner;
        try (Stream<Path> files = Files.list(dir)) {
            runner = files.filter(p -> p.getFileName().toString().endsWith("-runner.jar"))
                    .findFirst()
                    .orElseThrow();
        }
        try (ZipFile jar = new ZipFile(runner.toFile())) {
            byte[] customizer = jar.getInputStream(
                            jar.getEntry("io/quarkus/runtime/generated/RunTimeConfigCustomizer.class"))
                    .readAllBytes();
            String constants = new String(customizer, java.nio.charset.StandardCharsets.ISO_8859_1);
            assertTrue(
                    constants.contains("dev/refract/admin/OidcSwitch"),
                    "the run-time configuration is built without OidcSwitch");
        }
    }

    private static boolean registeredWhole(String name) {
        JsonNode entry = REFLECTION.get(name);
        return entry != null
                && entry.path("allDeclaredConstructors").asBoolean()
                && entry.path("allDeclaredMethods").asBoolean()
                && entry.path("allDeclaredFields").asBoolean();
    }
}
