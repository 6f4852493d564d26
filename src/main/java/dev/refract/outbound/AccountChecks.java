package dev.refract.outbound;

import dev.refract.refund.RefundError;
import java.util.Map;
import java.util.Set;

/** The checks of a merchant's account at a remote service (a PSP, the wallet), and how its key is presented. */
public final class AccountChecks {

    private AccountChecks() {}

    /** Requires exactly the credential names {@code required} (plus {@code optional}), each non-blank. */
    public static void credentials(
            String connector, Map<String, String> credentials, Set<String> required, Set<String> optional) {
        for (String name : required) {
            String value = credentials.get(name);
            if (value == null || value.isBlank()) {
                throw RefundError.InvalidRequest.of("credentials." + name, connector + " needs credentials." + name);
            }
        }
        for (String name : credentials.keySet()) {
            if (!required.contains(name) && !optional.contains(name)) {
                throw RefundError.InvalidRequest.of(
                        "credentials." + name,
                        "unknown " + connector + " credential " + name + "; expected "
                                + required.stream().sorted().toList());
            }
        }
    }

    /** Refuses settings outside {@code allowed} and requires those in {@code required}. */
    public static void settings(
            String connector, Map<String, String> settings, Set<String> required, Set<String> allowed) {
        for (String name : required) {
            if (settings.get(name) == null || settings.get(name).isBlank()) {
                throw RefundError.InvalidRequest.of("settings." + name, connector + " needs settings." + name);
            }
        }
        for (String name : settings.keySet()) {
            if (!allowed.contains(name) && !required.contains(name)) {
                throw RefundError.InvalidRequest.of("settings." + name, "unknown " + connector + " setting " + name);
            }
        }
    }

    public static String bearer(String token) {
        return "Bearer " + token;
    }
}
