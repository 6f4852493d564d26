package dev.refract.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Without a provider's URL there is no OpenID Connect tenant, whatever else says; with one, it is on unless switched off. */
class OidcSwitchTest {

    static Optional<Boolean> enabled(Map<String, String> properties) {
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withInterceptors(new OidcSwitch())
                .withSources(new PropertiesConfigSource(new HashMap<>(properties), "test", 100))
                .build();
        return config.getOptionalValue(OidcSwitch.ENABLED, Boolean.class);
    }

    @Test
    void noUrlMeansNoProvider() {
        assertEquals(Optional.of(false), enabled(Map.of()));
        assertEquals(Optional.of(false), enabled(Map.of(OidcSwitch.ENABLED, "true")));
        assertEquals(Optional.of(false), enabled(Map.of(OidcSwitch.URL, "  ", OidcSwitch.ENABLED, "true")));
    }

    @Test
    void aUrlLeavesTheSettingAsItIs() {
        String url = "https://sso.example.com/realms/ops";
        assertEquals(Optional.of(true), enabled(Map.of(OidcSwitch.URL, url, OidcSwitch.ENABLED, "true")));
        assertEquals(Optional.of(false), enabled(Map.of(OidcSwitch.URL, url, OidcSwitch.ENABLED, "false")));
        // unset: Quarkus's own default (true) applies
        assertEquals(Optional.empty(), enabled(Map.of(OidcSwitch.URL, url)));
    }

    @Test
    void otherNamesPassThrough() {
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withInterceptors(new OidcSwitch())
                .withSources(new PropertiesConfigSource(Map.of("refract.admin.token", "t"), "test", 100))
                .build();
        assertEquals("t", config.getValue("refract.admin.token", String.class));
    }
}
