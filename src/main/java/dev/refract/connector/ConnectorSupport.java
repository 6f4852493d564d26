package dev.refract.connector;

import dev.refract.refund.Outcome;
import dev.refract.refund.PaymentLookup;
import dev.refract.refund.RefundError;
import io.smallrye.mutiny.Uni;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/** What every HTTP connector does the same way: validate its inputs, and turn a call into an outcome. */
public final class ConnectorSupport {

    private ConnectorSupport() {
    }

    /** An outcome from a PSP call: the answer read by {@code read}, a failed call classified by {@link Failures}. */
    public static Uni<Outcome> outcome(Uni<PspAnswer> call, Function<PspAnswer, Outcome> read) {
        return call.map(read).onFailure().recoverWithItem(Failures::outcomeOf);
    }

    /** A lookup that could not be made is no reason to refuse the refund: the request's amount must do. */
    public static Uni<PaymentLookup> lookup(Uni<PspAnswer> call, Function<PspAnswer, PaymentLookup> read) {
        return call.map(read).onFailure().recoverWithItem(e -> new PaymentLookup.Unavailable(
                "lookup failed: " + Failures.outcomeOf(e)));
    }

    /** Refuses option keys outside {@code allowed}. */
    public static void onlyOptions(String connector, Map<String, Object> options, Set<String> allowed) {
        for (String key : options.keySet()) {
            if (!allowed.contains(key)) {
                throw RefundError.InvalidRequest.of("connector_options." + key, "unknown " + connector
                        + " option " + key + (allowed.isEmpty() ? "; " + connector + " takes none"
                        : "; known: " + allowed.stream().sorted().toList()));
            }
        }
    }

    /** Requires exactly the credential names {@code required} (plus {@code optional}), each non-blank. */
    public static void credentials(String connector, Map<String, String> credentials, Set<String> required,
                                   Set<String> optional) {
        for (String name : required) {
            String value = credentials.get(name);
            if (value == null || value.isBlank()) {
                throw RefundError.InvalidRequest.of("credentials." + name, connector + " needs credentials." + name);
            }
        }
        for (String name : credentials.keySet()) {
            if (!required.contains(name) && !optional.contains(name)) {
                throw RefundError.InvalidRequest.of("credentials." + name, "unknown " + connector + " credential "
                        + name + "; expected " + required.stream().sorted().toList());
            }
        }
    }

    /** Refuses settings outside {@code allowed} and requires those in {@code required}. */
    public static void settings(String connector, Map<String, String> settings, Set<String> required,
                                Set<String> allowed) {
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
