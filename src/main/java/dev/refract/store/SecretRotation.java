package dev.refract.store;

import java.time.Duration;
import java.time.Instant;

/**
 * What becomes of a row's webhook secrets when an operator sets a new one: the current secret becomes the previous
 * one, re-sealed for its own field (so that neither ciphertext opens in the other's place), and the time of the
 * change is kept. Setting the same secret again changes nothing; clearing it clears both; a replacement within the
 * grace of an earlier one keeps only the secret it replaces.
 */
final class SecretRotation {

    private SecretRotation() {}

    /** The sealed secrets of a row: current, previous, and when the previous one was replaced. */
    record Sealed(String current, String previous, Instant replacedAt) {}

    /**
     * @param now         when the change is made
     * @param replacement the new secret; null or empty clears both
     */
    static Sealed replace(SecretBox box, Sealed row, String replacement, String context, Instant now) {
        if (replacement == null || replacement.isEmpty()) {
            return new Sealed(null, null, null);
        }
        String current = row.current() == null ? null : box.open(row.current(), context);
        if (replacement.equals(current)) {
            return row;
        }
        String sealed = box.seal(replacement, context);
        return current == null
                ? new Sealed(sealed, null, null)
                : new Sealed(sealed, box.seal(current, previousContext(context)), now);
    }

    /** The previous secret, while its grace lasts; null once it is over or when there is none. */
    static String openPrevious(SecretBox box, Sealed row, String context, Duration grace, Instant now) {
        if (row.previous() == null
                || row.replacedAt() == null
                || !now.isBefore(row.replacedAt().plus(grace))) {
            return null;
        }
        return box.open(row.previous(), previousContext(context));
    }

    /** {@code …/webhook_secret} → {@code …/previous_webhook_secret}. */
    static String previousContext(String context) {
        int slash = context.lastIndexOf('/');
        return context.substring(0, slash + 1) + "previous_" + context.substring(slash + 1);
    }
}
