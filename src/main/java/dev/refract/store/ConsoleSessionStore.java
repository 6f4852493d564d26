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

    private final Pool pool;

    ConsoleSessionStore(Pool pool) {
        this.pool = pool;
    }

    public Uni<Void> create(String idHash, String csrfToken, Instant expiresAt) {
        return pool.preparedQuery("delete from console_sessions where expires_at <= now()")
                .execute()
                .chain(() -> pool.preparedQuery(
                                "insert into console_sessions (id_hash, csrf_token, expires_at) values ($1, $2, $3)")
                        .execute(Tuple.of(idHash, csrfToken, RowMapping.time(expiresAt))))
                .replaceWithVoid();
    }

    /** The session's CSRF token, or null when there is no such session or it has expired. */
    public Uni<String> csrfToken(String idHash) {
        return pool.preparedQuery("select csrf_token from console_sessions where id_hash = $1 and expires_at > now()")
                .execute(Tuple.of(idHash))
                .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getString("csrf_token"));
    }

    public Uni<Void> delete(String idHash) {
        return pool.preparedQuery("delete from console_sessions where id_hash = $1")
                .execute(Tuple.of(idHash))
                .replaceWithVoid();
    }
}
