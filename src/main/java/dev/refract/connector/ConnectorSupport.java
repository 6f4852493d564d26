package dev.refract.connector;

import dev.refract.outbound.PspAnswer;
import dev.refract.refund.Outcome;
import dev.refract.refund.PaymentLookup;
import dev.refract.refund.RefundError;
import io.smallrye.mutiny.Uni;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/** What every HTTP connector does the same way: validate its inputs, and turn a call into an outcome. */
public final class ConnectorSupport {

    private ConnectorSupport() {}

    /** An outcome from a PSP call: the answer read by {@code read}, a failed call classified by {@link Failures}. */
    public static Uni<Outcome> outcome(Uni<PspAnswer> call, Function<PspAnswer, Outcome> read) {
        return call.map(read).onFailure().recoverWithItem(Failures::outcomeOf);
    }

    /** A lookup that could not be made is no reason to refuse the refund: the request's amount must do. */
    public static Uni<PaymentLookup> lookup(Uni<PspAnswer> call, Function<PspAnswer, PaymentLookup> read) {
        return call.map(read)
                .onFailure()
                .recoverWithItem(e -> new PaymentLookup.Unreachable("lookup failed: " + Failures.outcomeOf(e)));
    }

    /** Refuses option keys outside {@code allowed}. */
    public static void onlyOptions(String connector, Map<String, Object> options, Set<String> allowed) {
        for (String key : options.keySet()) {
            if (!allowed.contains(key)) {
                throw RefundError.InvalidRequest.of(
                        "connector_options." + key,
                        "unknown " + connector
                                + " option " + key
                                + (allowed.isEmpty()
                                        ? "; " + connector + " takes none"
                                        : "; known: "
                                                + allowed.stream().sorted().toList()));
            }
        }
    }
}
