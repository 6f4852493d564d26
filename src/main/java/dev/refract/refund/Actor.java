package dev.refract.refund;

import java.util.Objects;

/**
 * Who did something no merchant, PSP or janitor did: an operator, named by the OpenID Connect provider they signed
 * in through, or the static admin token, which names nobody (bootstrap and automation). The refund event log and
 * the audit trail record it with what was done.
 */
public sealed interface Actor {

    /** The wire word of the kind: {@code operator} or {@code admin_token}. */
    String kind();

    /** The provider's subject ({@code sub}), stable for a person; null for the admin token. */
    String subject();

    /** How a person reads it in the console: the operator's name, or "the admin token". */
    String display();

    /** An operator: the provider's {@code sub}, and the name it gives (or null when it gives none). */
    record Operator(String subject, String name) implements Actor {
        public Operator {
            Objects.requireNonNull(subject, "an operator has a subject");
            if (subject.isBlank()) {
                throw new IllegalArgumentException("an operator's subject is not blank");
            }
        }

        @Override
        public String kind() {
            return "operator";
        }

        @Override
        public String display() {
            return name == null || name.isBlank() ? subject : name;
        }
    }

    /** The static admin token ({@code refract.admin.token}): it acts as an admin and is nobody in particular. */
    record AdminToken() implements Actor {
        @Override
        public String kind() {
            return "admin_token";
        }

        @Override
        public String subject() {
            return null;
        }

        @Override
        public String display() {
            return "the admin token";
        }
    }

    /** Whether two actors are one person; the admin token is never the same person as anyone, itself included. */
    default boolean samePersonAs(Actor other) {
        return subject() != null && other != null && subject().equals(other.subject());
    }
}
