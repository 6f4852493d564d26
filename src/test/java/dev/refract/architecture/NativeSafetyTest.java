package dev.refract.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noFields;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaCall;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaField;
import com.tngtech.archunit.core.domain.JavaMethodCall;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.domain.ReferencedClassObject;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The native binary cannot load a class, a resource or a service that nothing registered at build time, and no JVM
 * test notices when one is missing. These rules keep Refract's own code on ground where the registration is somebody
 * else's proven job (a Quarkus extension), or visible here. docs/native.md explains each rule; a library used
 * directly is added to {@link #THIRD_PARTY} only with its row in that table.
 */
class NativeSafetyTest {

    /**
     * Packages outside the JDK that Refract's code may use, each carried by a Quarkus extension that registers what
     * it needs for the native image (or, for the dev-mode helper, never in the native image at all).
     */
    static final String[] THIRD_PARTY = {
        "jakarta..", // Jakarta REST, CDI, Persistence, annotations: quarkus-rest, quarkus-arc, hibernate
        "io.quarkus..", // Quarkus itself
        "io.smallrye.mutiny..",
        "io.smallrye.config..",
        "io.smallrye.faulttolerance..",
        "io.smallrye.health..",
        "org.eclipse.microprofile..", // config, REST client, health, OpenAPI, fault tolerance APIs
        "org.jboss.logging..",
        "org.jboss.resteasy.reactive..", // logging, Quarkus REST
        "io.vertx..", // quarkus-vertx, quarkus-reactive-pg-client
        "com.fasterxml.jackson..", // quarkus-jackson; our mappers' own types are checked below
        "io.micrometer..", // quarkus-micrometer
        "io.opentelemetry.api..",
        "io.opentelemetry.context..", // quarkus-opentelemetry: spans started and attributes set, nothing more
        // quarkus-hibernate-reactive-panache: the session Panache hands out, for the audit trail's one native insert
        "org.hibernate.reactive.mutiny..",
        "io.agroal..",
        "org.flywaydb..",
        "io.zonky..", // dev mode only (DevDatabase), see onlyDevModeUses…
    };

    @Test
    void ourCodeUsesOnlyLibrariesWhoseNativeSupportAnExtensionCarries() {
        classes()
                .that()
                .resideInAPackage("dev.refract..")
                .should()
                .onlyDependOnClassesThat()
                .resideInAnyPackage(allowed())
                .because("a library used directly must be audited for the native image first (docs/native.md)")
                .check(LayeringTest.MAIN);
    }

    @Test
    void onlyTheDevModeHelperUsesTheDevModeLibraries() {
        noClasses()
                .that()
                .resideOutsideOfPackage("dev.refract.dev..")
                .and()
                .doNotHaveFullyQualifiedName(MIGRATION_SETTINGS)
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("io.agroal..", "org.flywaydb..", "io.zonky..")
                .check(LayeringTest.MAIN);
        // the one exception: Flyway's configuration, handed over by quarkus-flyway's own customizer hook (in the
        // binary too), set by direct calls only (docs/native.md)
        noClasses()
                .that()
                .haveFullyQualifiedName(MIGRATION_SETTINGS)
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("io.agroal..", "io.zonky..")
                .check(LayeringTest.MAIN);
    }

    static final String MIGRATION_SETTINGS = "dev.refract.store.MigrationSettings";

    /**
     * A static random generator would be seeded once, wherever its class is initialized: where that is at build time
     * it is refused from the image heap or, worse, every binary starts with the same seed. Session ids and keys draw
     * from a generator made at run time.
     */
    @Test
    void noRandomGeneratorIsHeldInAStaticField() {
        noFields()
                .that()
                .areDeclaredInClassesThat()
                .resideInAPackage("dev.refract..")
                .and()
                .areStatic()
                .should()
                .haveRawType(DescribedPredicate.describe(
                        "a java.util.Random", t -> t.isAssignableTo(java.util.Random.class)))
                .check(LayeringTest.MAIN);
    }

    @Test
    void nothingIsLookedUpByNameOrLoadedAsAServiceOrAProxyAtRunTime() {
        noClasses()
                .that()
                .resideInAPackage("dev.refract..")
                .should()
                .callMethod(Class.class, "forName", String.class)
                .orShould()
                .callMethod(Class.class, "forName", String.class, boolean.class, ClassLoader.class)
                .orShould()
                .callMethodWhere(JavaCall.Predicates.target(DescribedPredicate.describe(
                        "a class loader, service loader, proxy or" + " Jackson module discovery",
                        t -> isDynamicLookup(t.getOwner().getName(), t.getName()))))
                .because("the native image only has what was registered at build time: name what you use")
                .check(LayeringTest.MAIN);
    }

    static boolean isDynamicLookup(String owner, String method) {
        return switch (owner) {
            case "java.lang.ClassLoader" ->
                method.equals("loadClass")
                        || method.startsWith("getResource")
                        || method.startsWith("getSystemResource");
            case "java.lang.Class" -> method.startsWith("getResource");
            case "java.util.ServiceLoader" -> true;
            case "java.lang.reflect.Proxy" -> method.equals("newProxyInstance");
            case "java.lang.invoke.MethodHandles$Lookup" -> method.equals("findClass");
            default ->
                owner.startsWith("com.fasterxml.jackson.databind.") // any mapper or builder type
                        && (method.equals("findAndAddModules")
                                || method.equals("findAndRegisterModules")
                                || method.equals("findModules"));
        };
    }

    /** Where our own mappers read JSON into a type: the type is named as a class literal at the call. */
    private static final Set<String> READS = Set.of(
            "dev.refract.outbound.WireJson.read",
            "dev.refract.http.StrictJson.read",
            "com.fasterxml.jackson.databind.ObjectMapper.readValue",
            "com.fasterxml.jackson.databind.ObjectMapper.convertValue",
            "com.fasterxml.jackson.databind.ObjectMapper.treeToValue");

    /** Where our own mappers write an object: it was built, or returned by a call, in the same method. */
    private static final Set<String> WRITES = Set.of(
            "dev.refract.outbound.WireJson.write", "com.fasterxml.jackson.databind.ObjectMapper.writeValueAsString");

    @Test
    void everyTypeOurMappersReadOrWriteIsRegisteredForReflectionWithItsParts() {
        Set<String> unregistered = new TreeSet<>();
        for (JavaClass mapped : mappedTypes()) {
            for (JavaClass part : withParts(mapped)) {
                if (!part.isAnnotatedWith(RegisterForReflection.class)) {
                    unregistered.add(
                            part.getName() + " (read or written as JSON by way of " + mapped.getSimpleName() + ")");
                }
            }
        }
        assertEquals(
                Set.of(),
                unregistered,
                "records Jackson reaches by reflection in the native binary" + " need @RegisterForReflection");
    }

    /** Every application type handed to a JSON read or write of our own mappers. */
    static Set<JavaClass> mappedTypes() {
        Set<JavaClass> mapped = new HashSet<>();
        for (JavaClass javaClass : LayeringTest.MAIN) {
            for (JavaCodeUnit unit : javaClass.getCodeUnits()) {
                Set<String> calls = unit.getMethodCallsFromSelf().stream()
                        .map(c -> c.getTarget().getOwner().getName() + "."
                                + c.getTarget().getName())
                        .collect(Collectors.toSet());
                if (calls.stream().anyMatch(READS::contains)) {
                    unit.getReferencedClassObjects().stream()
                            .map(ReferencedClassObject::getRawType)
                            .filter(NativeSafetyTest::isRecordOfOurs)
                            .forEach(mapped::add);
                }
                if (calls.stream().anyMatch(WRITES::contains)) {
                    // the core's records are never written as JSON (LayeringTest): what a write method builds or
                    // obtains of them is its input, not its output
                    unit.getConstructorCallsFromSelf().stream()
                            .map(c -> c.getTarget().getOwner())
                            .filter(NativeSafetyTest::isRecordOfOurs)
                            .filter(c -> !inTheCore(c))
                            .forEach(mapped::add);
                    unit.getMethodCallsFromSelf().stream()
                            .map(JavaMethodCall::getTarget)
                            .map(t -> t.getRawReturnType())
                            .filter(NativeSafetyTest::isRecordOfOurs)
                            .filter(c -> !inTheCore(c))
                            .forEach(mapped::add);
                }
            }
        }
        return mapped;
    }

    /** The type and every record of ours it holds, however deep (List and Map type arguments included). */
    static Set<JavaClass> withParts(JavaClass root) {
        Set<JavaClass> seen = new LinkedHashSet<>();
        Deque<JavaClass> todo = new ArrayDeque<>(Set.of(root));
        while (!todo.isEmpty()) {
            JavaClass next = todo.pop();
            if (!seen.add(next)) {
                continue;
            }
            for (JavaField field : next.getFields()) {
                if (field.getModifiers().contains(JavaModifier.STATIC)) {
                    continue;
                }
                field.getType().getAllInvolvedRawTypes().stream()
                        .filter(NativeSafetyTest::isRecordOfOurs)
                        .forEach(todo::push);
            }
        }
        return seen;
    }

    static boolean ours(JavaClass c) {
        return c.getPackageName().startsWith("dev.refract");
    }

    /**
     * Records fail hard without registration (Jackson finds no accessors or canonical constructor); enums do not
     * (their constants are always in the image, and Jackson reads them by name), so only records are held here.
     */
    static boolean isRecordOfOurs(JavaClass c) {
        return ours(c) && c.isRecord();
    }

    static boolean inTheCore(JavaClass c) {
        return c.getPackageName().startsWith("dev.refract.refund");
    }

    private static String[] allowed() {
        String[] jdk = {"java..", "javax.crypto..", "dev.refract.."};
        String[] all = new String[jdk.length + THIRD_PARTY.length];
        System.arraycopy(jdk, 0, all, 0, jdk.length);
        System.arraycopy(THIRD_PARTY, 0, all, jdk.length, THIRD_PARTY.length);
        return all;
    }
}
