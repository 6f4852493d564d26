package dev.refract.admin;

import io.smallrye.config.ConfigSourceInterceptor;
import io.smallrye.config.ConfigSourceInterceptorContext;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.Priorities;
import jakarta.annotation.Priority;

/**
 * No provider configured, no OpenID Connect: {@code quarkus.oidc.tenant-enabled} is false while {@code
 * quarkus.oidc.auth-server-url} is unset or blank, whatever else says, so that Refract starts, in production as in
 * dev mode and tests, with the admin token alone. With an auth-server-url the tenant is enabled unless
 * tenant-enabled is set to false. (Quarkus would otherwise refuse to start a default tenant without a URL.)
 */
@Priority(Priorities.APPLICATION)
public class OidcSwitch implements ConfigSourceInterceptor {

    static final String ENABLED = "quarkus.oidc.tenant-enabled";
    static final String URL = "quarkus.oidc.auth-server-url";

    @Override
    public ConfigValue getValue(ConfigSourceInterceptorContext context, String name) {
        ConfigValue value = context.proceed(name);
        if (!ENABLED.equals(name) || configured(context.proceed(URL))) {
            return value;
        }
        ConfigValue off =
                value != null ? value : ConfigValue.builder().withName(name).build();
        return off.withValue("false");
    }

    private static boolean configured(ConfigValue url) {
        return url != null && url.getValue() != null && !url.getValue().isBlank();
    }
}
