package dev.refract.store;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;

/**
 * The operator console's sessions, by the SHA-256 of their id (the browser's cookie). A session past its expiry is
 * never answered, and sign-ins sweep the expired ones away.
 */
@ApplicationScoped
public class ConsoleSessionStore {

    static final String SWEEP = "delete from console_sessions where expires_at <= now()";
    static final String CREATE = "insert into console_sessions (id_hash, csrf_token, expires_at) values ($1, $2, $3)";
    static final String CSRF = "select csrf_token from console_sessions where id_hash = $1 and expires_at > now()";
    static final String DELETE = "delete from console_sessions where id_hash = $1";

    private final Pool pool;

    ConsoleSessionStore(Pool pool) {
        this.pool = pool;
    }

    public Uni<Void> create(String idHash, String csrfToken, Instant expiresAt) {
        return pool.preparedQuery(SWEEP)
                .execute()
                .chain(() ->
                        pool.preparedQuery(CREATE).execute(Tuple.of(idHash, csrfToken, RowMapping.time(expiresAt))))
                .replaceWithVoid();
    }

    /** The session's CSRF token, or null when there is no such session or it has expired. */
    public Uni<String> csrfToken(String idHash) {
        return pool.preparedQuery(CSRF)
                .execute(Tuple.of(idHash))
                .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getString("csrf_token"));
    }

    public Uni<Void> delete(String idHash) {
        return pool.preparedQuery(DELETE).execute(Tuple.of(idHash)).replaceWithVoid();
    }
}
