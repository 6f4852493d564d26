package dev.refract.admin;

import java.lang.reflect.Method;
import java.util.Collection;
import java.util.Locale;

/**
 * What an operator may do, from the group (or role) names the OpenID Connect provider puts in the roles claim. Each
 * role includes the ones before it: an admin also operates, an operator also views.
 */
public enum Role {
    /** Reads: every page of the console, every GET of the admin API. */
    VIEWER("refract-viewer"),
    /** Also acts on refunds: sync, cancel, resolve; makes an outbox item due now. */
    OPERATOR("refract-operator"),
    /** Also manages merchants, their PSP accounts and their keys. */
    ADMIN("refract-admin");

    private final String group;

    Role(String group) {
        this.group = group;
    }

    /** The name the provider's claim carries. */
    public String group() {
        return group;
    }

    /** The word the console and the log use: viewer, operator, admin. */
    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean allows(Role needed) {
        return compareTo(needed) >= 0;
    }

    /**
     * The highest role the claim's names give, or null for none. A name may carry a leading "/" (Keycloak's group
     * paths, when its mapper is set to full paths).
     */
    public static Role highestOf(Collection<String> names) {
        Role highest = null;
        for (String name : names) {
            String plain = name.startsWith("/") ? name.substring(1) : name;
            for (Role role : values()) {
                if (role.group.equals(plain) && (highest == null || role.allows(highest))) {
                    highest = role;
                }
            }
        }
        return highest;
    }

    /** The role a method of a resource needs: its own {@link RoleRequired}, else its class's, else admin. */
    public static Role neededBy(Method method, Class<?> type) {
        RoleRequired on = method == null ? null : method.getAnnotation(RoleRequired.class);
        if (on == null && type != null) {
            on = type.getAnnotation(RoleRequired.class);
        }
        return on == null ? ADMIN : on.value();
    }

    /** From {@link #word()}. */
    public static Role of(String word) {
        return valueOf(word.toUpperCase(Locale.ROOT));
    }
}
