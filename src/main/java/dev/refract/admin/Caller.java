package dev.refract.admin;

import dev.refract.refund.Actor;

/** Who is asking, and the role they have: an operator with their provider's roles, or the admin token as admin. */
public record Caller(Actor actor, Role role) {

    public static final Caller ADMIN_TOKEN = new Caller(new Actor.AdminToken(), Role.ADMIN);

    public boolean may(Role needed) {
        return role.allows(needed);
    }
}
