package dev.refract.connector.sandbox;

import dev.refract.refund.RefundError;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** The sandbox's {@code connector_options}: how the simulated PSP should behave for one refund. */
record SandboxBehaviour(Kind outcome, long settleMillis, int failures) {

    enum Kind {
        SUCCEEDED,
        PENDING,
        DECLINED,
        ERROR,
        TIMEOUT
    }

    static final String OUTCOME = "sandbox_outcome";
    static final String SETTLE_MS = "sandbox_settle_ms";
    static final String FAILURES = "sandbox_failures";
    private static final Set<String> KEYS = Set.of(OUTCOME, SETTLE_MS, FAILURES);
    private static final long MAX_SETTLE_MS = 86_400_000L;
    private static final int MAX_FAILURES = 100;

    /** Reads the options, refusing unknown keys and values with the offending key named. */
    static SandboxBehaviour of(Map<String, Object> options) {
        for (String key : options.keySet()) {
            if (!KEYS.contains(key)) {
                throw RefundError.InvalidRequest.of(
                        "connector_options." + key,
                        "unknown sandbox option " + key + "; known: "
                                + KEYS.stream().sorted().toList());
            }
        }
        Kind kind = Kind.SUCCEEDED;
        Object outcome = options.get(OUTCOME);
        if (outcome != null) {
            try {
                kind = Kind.valueOf(((String) outcome).toUpperCase(Locale.ROOT));
            } catch (ClassCastException | IllegalArgumentException e) {
                throw RefundError.InvalidRequest.of(
                        "connector_options." + OUTCOME,
                        OUTCOME + " must be one of succeeded, pending, declined, error, timeout");
            }
        }
        long settle = number(options, SETTLE_MS, 0, MAX_SETTLE_MS);
        int failures = (int) number(options, FAILURES, 1, MAX_FAILURES);
        return new SandboxBehaviour(kind, settle, failures);
    }

    private static long number(Map<String, Object> options, String key, long absent, long max) {
        Object value = options.get(key);
        if (value == null) {
            return absent;
        }
        if (!(value instanceof Integer || value instanceof Long)
                || ((Number) value).longValue() < 0
                || ((Number) value).longValue() > max) {
            throw RefundError.InvalidRequest.of(
                    "connector_options." + key, key + " must be a whole number from 0 to " + max);
        }
        return ((Number) value).longValue();
    }
}
