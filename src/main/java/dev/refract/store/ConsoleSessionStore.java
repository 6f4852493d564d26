package dev.refract.store;

import dev.refract.refund.Actor;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;

/**
 * The operator console's sessions, by the SHA-256 of their id (the browser's cookie), each with whose it is and
 * the role it was given at sign-in. A session past its expiry is never answered, and sign-ins sweep the expired
 * ones away.
 */
@ApplicationScoped
public class ConsoleSessionStore {

    static final String SWEEP = "delete from console_sessions where expires_at <= now()";
    static final String CREATE = """
            insert into console_sessions (id_hash, csrf_token, expires_at, actor_kind, actor_subject, actor_name, role)
            values ($1, $2, $3, $4, $5, $6, $7)""";
    static final String SESSION = """
            select csrf_token, actor_kind, actor_subject, actor_name, role from console_sessions
            where id_hash = $1 and expires_at > now()""";
    static final String DELETE = "delete from console_sessions where id_hash = $1";

    private final Pool pool;

    ConsoleSessionStore(Pool pool) {
        this.pool = pool;
    }

    /** A live session: the CSRF token its forms carry, whose it is, and the role it was given at sign-in. */
    public record Session(String csrfToken, Actor actor, String role) {}

    /** Records a new session of {@code actor} with {@code role} (viewer, operator, admin), sweeping expired ones. */
    public Uni<Void> create(String idHash, String csrfToken, Instant expiresAt, Actor actor, String role) {
        return pool.preparedQuery(SWEEP)
                .execute()
                .chain(() -> pool.preparedQuery(CREATE)
                        .execute(Tuple.tuple()
                                .addValue(idHash)
                                .addValue(csrfToken)
                                .addValue(RowMapping.time(expiresAt))
                                .addValue(actor.kind())
                                .addValue(actor.subject())
                                .addValue(actor instanceof Actor.Operator o ? o.name() : null)
                                .addValue(role)))
                .replaceWithVoid();
    }

    /** The session, or null when there is no such session or it has expired. */
    public Uni<Session> session(String idHash) {
        return pool.preparedQuery(SESSION).execute(Tuple.of(idHash)).map(rows -> {
            if (rows.size() == 0) {
                return null;
            }
            Row row = rows.iterator().next();
            Actor actor = "operator".equals(row.getString("actor_kind"))
                    ? new Actor.Operator(row.getString("actor_subject"), row.getString("actor_name"))
                    : new Actor.AdminToken();
            return new Session(row.getString("csrf_token"), actor, row.getString("role"));
        });
    }

    public Uni<Void> delete(String idHash) {
        return pool.preparedQuery(DELETE).execute(Tuple.of(idHash)).replaceWithVoid();
    }
}
