package dev.refract.support;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How the Keycloak harness finds a Java new enough for Keycloak among the JDKs of a machine. */
class KeycloakJavaTest {

    @TempDir
    Path jvms;

    @Test
    void theFeatureVersionComesFromTheReleaseFile() throws IOException {
        assertEquals(25, KeycloakServer.featureVersion(jdk("temurin-25", "25.0.3")));
        assertEquals(21, KeycloakServer.featureVersion(jdk("openjdk-21", "21")));
        assertEquals(17, KeycloakServer.featureVersion(jdk("java-17", "17.0.13")));
        assertEquals(8, KeycloakServer.featureVersion(jdk("java-8", "1.8.0_392")));
        assertEquals(0, KeycloakServer.featureVersion(Files.createDirectories(jvms.resolve("no-release"))));
    }

    @Test
    void theNewestJdkOfAtLeast21IsChosen() throws IOException {
        jdk("java-17-openjdk-amd64", "17.0.13");
        jdk("openjdk-21", "21.0.5");
        Path newest = jdk("jdk-25", "25.0.3"); // first by version, last by name
        Files.createDirectories(jvms.resolve("a-jre-without-launcher"));
        assertEquals(
                Optional.of(newest.resolve("bin").resolve("java")),
                KeycloakServer.newestJdk(jvms).map(KeycloakServer.Java::launcher));
    }

    @Test
    void noJdkOf21OrNewerIsNone() throws IOException {
        jdk("java-17-openjdk-amd64", "17.0.13");
        jdk("java-11-openjdk-amd64", "11.0.25");
        assertEquals(Optional.empty(), KeycloakServer.newestJdk(jvms));
        assertEquals(Optional.empty(), KeycloakServer.newestJdk(jvms.resolve("absent")));
    }

    private Path jdk(String name, String version) throws IOException {
        Path home = Files.createDirectories(jvms.resolve(name).resolve("bin")).getParent();
        Path java = Files.writeString(home.resolve("bin").resolve("java"), "#!/bin/sh\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.writeString(home.resolve("release"), "IMPLEMENTOR=\"Test\"\nJAVA_VERSION=\"" + version + "\"\n");
        return home;
    }
}
