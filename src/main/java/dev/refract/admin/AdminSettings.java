package dev.refract.admin;

import io.smallrye.config.ConfigMapping;
import java.util.Optional;

/** {@code refract.admin.token} (env {@code REFRACT_ADMIN_TOKEN}); without one, the admin API refuses everyone. */
@ConfigMapping(prefix = "refract.admin")
public interface AdminSettings {
    Optional<String> token();
}
