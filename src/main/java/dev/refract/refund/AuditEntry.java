package dev.refract.refund;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One line of the audit trail: who did what to what, and what they set. The target names the thing as the admin
 * API's path does ({@code merchants/m_acme}, {@code merchants/m_acme/refunds/rf_1}, {@code
 * merchants/m_acme/connectors/stripe}, {@code merchants/m_acme/api-keys/key_1}, {@code reconciliations/rec_1}), so a
 * merchant's entries are found by the merchant id its target starts with.
 *
 * <p>The detail holds words, names, numbers and flags only, and never a secret: a value under a name that speaks
 * of a secret, key, token, password or credential must be a flag ("was it set"), an id (a name ending in {@code _id}:
 * {@code key_id}) or, under a name ending in {@code _names}, a list of names; and no text may carry what looks like a
 * Refract or PSP key or a signed token. The
 * entry is refused otherwise. That keeps a careless {@code detail.put("api_key", key)} out of the trail, whoever
 * writes it.
 */
public record AuditEntry(Actor actor, AuditAction action, String target, Map<String, Object> detail) {

    private static final Pattern SECRET_NAME =
            Pattern.compile(".*(secret|key|token|password|passphrase|credential|private|signature).*");
    /** A Refract API key, a Stripe-style key or webhook secret, or a JWT, anywhere in a text. */
    private static final Pattern SECRET_VALUE = Pattern.compile(
            "(?s).*(\\b(rk|sk|pk|whsec)_[A-Za-z0-9_-]{12,}|eyJ[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]{8,}\\.).*");

    private static final int MAX_TEXT = 2000;
    private static final String MERCHANTS = "merchants/";

    public AuditEntry {
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(action, "action");
        if (target == null || target.isBlank()) {
            throw new IllegalArgumentException("an audit entry names its target");
        }
        Map<String, Object> copy = new LinkedHashMap<>();
        if (detail != null) {
            detail.forEach((name, value) -> copy.put(name, checked(name, value)));
        }
        detail = Collections.unmodifiableMap(copy);
    }

    /**
     * The merchant whose thing the target is; for a target that names none (a reconciliation run), the merchant the
     * detail names as {@code merchant_id}; else null (an action that is no one merchant's).
     */
    public String merchantId() {
        if (!target.startsWith(MERCHANTS)) {
            return detail.get("merchant_id") instanceof String named ? named : null;
        }
        int end = target.indexOf('/', MERCHANTS.length());
        return end < 0 ? target.substring(MERCHANTS.length()) : target.substring(MERCHANTS.length(), end);
    }

    public static String merchant(String merchantId) {
        return MERCHANTS + merchantId;
    }

    public static String refund(String merchantId, String merchantRefundId) {
        return MERCHANTS + merchantId + "/refunds/" + merchantRefundId;
    }

    public static String connector(String merchantId, String connector) {
        return MERCHANTS + merchantId + "/connectors/" + connector;
    }

    public static String apiKey(String merchantId, String keyId) {
        return MERCHANTS + merchantId + "/api-keys/" + keyId;
    }

    public static String reconciliation(String runId) {
        return "reconciliations/" + runId;
    }

    public static String outboxItem(long id) {
        return "outbox/" + id;
    }

    private static Object checked(String name, Object value) {
        boolean secretName = SECRET_NAME.matcher(name.toLowerCase(Locale.ROOT)).matches();
        if (value == null || value instanceof Boolean) {
            return value;
        }
        boolean listOfNames = value instanceof Collection<?> && name.endsWith("_names");
        boolean ids = name.endsWith("_id") || name.endsWith("_ids"); // a key's id, not the key
        if (secretName && !listOfNames && !ids) {
            throw new IllegalArgumentException(
                    "audit detail '" + name + "' names a secret: record whether it was set, never its value");
        }
        if (value instanceof Number) {
            return value;
        }
        if (value instanceof String s) {
            if (looksSecret(s)) {
                throw new IllegalArgumentException("audit detail '" + name + "' holds what looks like a key or token");
            }
            return s.length() <= MAX_TEXT ? s : s.substring(0, MAX_TEXT) + "…";
        }
        if (value instanceof Collection<?> names) {
            List<String> texts = names.stream().map(String::valueOf).toList();
            if (texts.stream().anyMatch(AuditEntry::looksSecret)) {
                throw new IllegalArgumentException("audit detail '" + name + "' holds what looks like a key or token");
            }
            return texts;
        }
        if (value instanceof Actor a) {
            return a;
        }
        throw new IllegalArgumentException("audit detail '" + name + "' must be words, a number, a flag or names");
    }

    /** Whether a text carries what looks like a Refract or PSP key, a webhook secret or a signed token. */
    public static boolean looksSecret(String text) {
        return text != null && SECRET_VALUE.matcher(text).matches();
    }

    /** Names only, for the detail: e.g. the credential names an account has set, never their values. */
    public static List<String> names(Collection<String> names) {
        return names.stream().sorted().toList();
    }
}
