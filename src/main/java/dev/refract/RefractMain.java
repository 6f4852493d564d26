package dev.refract;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.QuarkusApplication;
import io.quarkus.runtime.annotations.QuarkusMain;
import org.jboss.logging.Logger;

/**
 * {@code refract} serves until stopped; {@code refract migrate} applies the database migrations and exits. The
 * second is what a deployment runs once per rollout (a Kubernetes Job with
 * {@code QUARKUS_FLYWAY_MIGRATE_AT_START=true}), so replicas never race to migrate at start.
 */
@QuarkusMain
public class RefractMain implements QuarkusApplication {

    private static final Logger LOG = Logger.getLogger(RefractMain.class);

    public static void main(String... args) {
        Quarkus.run(RefractMain.class, args);
    }

    @Override
    public int run(String... args) {
        if (args.length > 0 && args[0].equals("migrate")) {
            // Flyway ran during start (migrate-at-start); reaching this line means the schema is current
            LOG.info("migrations applied; exiting");
            return 0;
        }
        Quarkus.waitForExit();
        return 0;
    }
}
