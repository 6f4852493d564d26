package dev.refract.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The layout of DESIGN.md, held as a test: dependencies point into the core, adapters stay in their rooms, and
 * what several adapters share lives in a small package of its own, which depends on no adapter.
 */
class LayeringTest {

    static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.refract");

    /**
     * Every package of the application (a package with sub-packages counts as one room) and the rooms it may use.
     * The core uses none. {@code store} is used directly where an adapter reads or writes what only operators and
     * the outbox need (merchants, accounts, outbox rows); the money path goes through the core's RefundStore.
     */
    static final Map<String, Set<String>> MAY_USE = Map.ofEntries(
            Map.entry("refund", Set.of()),
            // shared kernels
            Map.entry("http", Set.of("refund", "store")),
            Map.entry("outbound", Set.of("refund", "telemetry")),
            Map.entry("background", Set.of()),
            Map.entry("telemetry", Set.of()),
            // driving adapters
            Map.entry("api", Set.of("refund", "http", "store", "telemetry")),
            Map.entry("admin", Set.of("refund", "http", "outbound", "store")),
            Map.entry("webhook", Set.of("refund", "http", "store", "telemetry")),
            // the operator console acts through the same services as the admin API
            Map.entry("console", Set.of("refund", "http", "admin", "outbound", "store", "background")),
            // driven adapters
            Map.entry("store", Set.of("refund")),
            Map.entry("connector", Set.of("refund", "outbound")),
            Map.entry("wallet", Set.of("refund", "outbound")),
            // workers
            Map.entry("reconcile", Set.of("refund", "background", "store", "telemetry")),
            Map.entry("notify", Set.of("refund", "http", "outbound", "background", "store", "telemetry")),
            // dev mode only
            Map.entry("dev", Set.of("store")));

    @Test
    void everyPackageIsInTheTable() {
        Set<String> rooms = MAIN.stream()
                .map(LayeringTest::room)
                .filter(r -> !r.isEmpty())
                .collect(Collectors.toCollection(TreeSet::new));
        assertEquals(new TreeSet<>(MAY_USE.keySet()), rooms, "a new package needs its row in MAY_USE");
    }

    @TestFactory
    Iterable<DynamicTest> everyPackageUsesOnlyWhatItsRowAllows() {
        return MAY_USE.entrySet().stream()
                .sorted(Map.Entry.comparingByKey())
                .map(row -> DynamicTest.dynamicTest(row.getKey() + " uses only " + row.getValue(), () -> {
                    String[] forbidden = MAY_USE.keySet().stream()
                            .filter(other -> !other.equals(row.getKey())
                                    && !row.getValue().contains(other))
                            .map(other -> "dev.refract." + other + "..")
                            .toArray(String[]::new);
                    noClasses()
                            .that()
                            .resideInAPackage("dev.refract." + row.getKey() + "..")
                            .should()
                            .dependOnClassesThat()
                            .resideInAnyPackage(forbidden)
                            .allowEmptyShould(true)
                            .check(MAIN);
                }))
                .toList();
    }

    @Test
    void theCoreSpeaksNoHttpSqlOrJson() {
        noClasses()
                .that()
                .resideInAPackage("dev.refract.refund..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "jakarta.ws.rs..",
                        "io.vertx..",
                        "com.fasterxml.jackson..",
                        "jakarta.persistence..",
                        "org.hibernate..",
                        "java.sql..")
                .check(MAIN);
    }

    @Test
    void connectorsDoNotImportEachOther() {
        slices().matching("dev.refract.connector.(*)..")
                .should()
                .notDependOnEachOther()
                .check(MAIN);
    }

    @Test
    void noConnectorIsImportedOutsideItsOwnPackage() {
        noClasses()
                .that()
                .resideOutsideOfPackage("dev.refract.connector..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("dev.refract.connector.*..")
                .check(MAIN);
    }

    @Test
    void onlyTheDevModeHelperTouchesTheEmbeddedDatabase() {
        noClasses()
                .that()
                .resideOutsideOfPackage("dev.refract.dev..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("io.zonky..")
                .check(MAIN);
    }

    /** {@code dev.refract.connector.stripe.X} → {@code connector}; the main class at the root → empty. */
    private static String room(JavaClass c) {
        String rest = c.getPackageName().equals("dev.refract")
                ? ""
                : c.getPackageName().substring("dev.refract.".length());
        return rest.contains(".") ? rest.substring(0, rest.indexOf('.')) : rest;
    }
}
