package dev.refract.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The layout of DESIGN.md, held as a test: dependencies point into the core, adapters stay in their rooms. */
class LayeringTest {

    static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.refract");

    @Test
    void theCoreImportsNoAdapter() {
        noClasses().that().resideInAPackage("dev.refract.refund..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.refract.api..", "dev.refract.admin..",
                        "dev.refract.store..", "dev.refract.connector..", "dev.refract.reconcile..",
                        "dev.refract.webhook..", "dev.refract.notify..", "dev.refract.dev..")
                .check(MAIN);
    }

    @Test
    void theCoreSpeaksNoHttpSqlOrJson() {
        noClasses().that().resideInAPackage("dev.refract.refund..")
                .should().dependOnClassesThat().resideInAnyPackage("jakarta.ws.rs..", "io.vertx..",
                        "com.fasterxml.jackson..", "jakarta.persistence..", "org.hibernate..", "java.sql..")
                .check(MAIN);
    }

    @Test
    void noConnectorIsImportedOutsideItsOwnPackage() {
        // the shared support in dev.refract.connector itself may be used by other adapters (the Credyt sink)
        noClasses().that().resideOutsideOfPackage("dev.refract.connector..")
                .should().dependOnClassesThat().resideInAPackage("dev.refract.connector.*..")
                .check(MAIN);
    }

    @Test
    void connectorsDoNotImportEachOther() {
        slices().matching("dev.refract.connector.(*)..").should().notDependOnEachOther().check(MAIN);
    }

    @Test
    void onlyTheDevModeHelperTouchesTheEmbeddedDatabase() {
        noClasses().that().resideOutsideOfPackage("dev.refract.dev..")
                .should().dependOnClassesThat().resideInAPackage("io.zonky..")
                .check(MAIN);
    }
}
