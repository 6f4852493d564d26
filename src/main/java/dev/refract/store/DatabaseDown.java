package dev.refract.store;

import io.vertx.core.VertxException;
import io.vertx.core.impl.NoStackTraceThrowable;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;
import java.io.IOException;
import java.util.List;

/**
 * Recognises a database that cannot serve this request's writes now: out of reach, shutting down, out of a resource,
 * read-only (a standby, including one being promoted), or one that rolled the transaction back and asks for a retry.
 * A request that meets one is answered 503 with Retry-After and nothing is accepted, since a refund that cannot be
 * recorded must not be sent to a PSP. Anything else is a failure of the statement itself (our bug, or a constraint
 * the caller handles) and must stay visible as one.
 *
 * <p>When the server goes away under a busy pool, the reactive client reports it in several shapes, depending on
 * where each command was at that instant: a refused connect, an I/O error on the socket (a reset), the server's
 * own 57P01 sent before it closed, {@link ClosedConnectionException} for a command in flight, for a command queued
 * on a connection that had just closed a bare Vert.x failure that carries only a message, and for a request that
 * waited for a pooled connection longer than the pool's acquisition timeout a "Timeout". Each of those is the same
 * outage to a merchant.
 *
 * <p>Deliberately not mapped, so that they answer 500 and log an ERROR: 28 (authentication) and 3D000 (no such
 * database), which are configuration a retry does not fix and readiness reports anyway; 42 (our SQL); 23 (the
 * callers handle the constraints they expect); 54000, which PostgreSQL shares between its wraparound refusal and
 * statement limits (a statement too complex is a bug); XX (internal error, corruption: an alarm, not a retry).
 */
public final class DatabaseDown {

    /** How the database refused: either way nothing was done, and the caller may send the same request again. */
    public enum Refusal {
        /** The server cannot serve writes now: the caller retries in a few seconds. */
        UNAVAILABLE(5),
        /** The server rolled this transaction back and asks for a retry (a conflict, a cancelled statement). */
        ROLLED_BACK(1);

        private final int retryAfterSeconds;

        Refusal(int retryAfterSeconds) {
            this.retryAfterSeconds = retryAfterSeconds;
        }

        public int retryAfterSeconds() {
            return retryAfterSeconds;
        }
    }

    /** Read-only transaction: the server is a standby (or set read-only), so its connection is of no use for writes. */
    static final String READ_ONLY = "25006";

    /** What the reactive client says, without a type of its own, about a command on a connection already gone. */
    static final List<String> CLOSED_CONNECTION_MESSAGES = List.of(
            "Connection is not active now",
            "Pending requests failed to be sent due to connection has been closed",
            // the pool's own queries (Pool#query) that waited past the acquisition timeout
            "Timeout waiting for connection");

    /** What the pool says, and only that, when no connection was free within its acquisition timeout. */
    static final String ACQUISITION_TIMEOUT = "Timeout";

    private DatabaseDown() {}

    /** True when the failure is the database's refusal (either kind): the answer is 503 with Retry-After. */
    public static boolean isDatabaseDown(Throwable failure) {
        return refusal(failure) != null;
    }

    /** The database's refusal found anywhere in the failure's causes, or null if the failure is not one. */
    public static Refusal refusal(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof IOException || t instanceof ClosedConnectionException) {
                return Refusal.UNAVAILABLE; // ConnectException, a reset socket, a closed channel, an unknown host
            }
            if (t instanceof PgException pg) {
                Refusal refusal = ofState(pg.getSqlState());
                if (refusal != null) {
                    return refusal;
                }
            }
            if ((t instanceof NoStackTraceThrowable || t instanceof VertxException) && t.getMessage() != null) {
                if (t instanceof NoStackTraceThrowable && ACQUISITION_TIMEOUT.equals(t.getMessage())) {
                    return Refusal.UNAVAILABLE;
                }
                if (CLOSED_CONNECTION_MESSAGES.stream().anyMatch(t.getMessage()::startsWith)) {
                    return Refusal.UNAVAILABLE;
                }
            }
        }
        return null;
    }

    /** True when the server refused a write as read-only: the connection that met it must not be used again. */
    static boolean isReadOnly(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof PgException pg && READ_ONLY.equals(pg.getSqlState())) {
                return true;
            }
        }
        return false;
    }

    /** The SQLSTATEs that mean "not now" rather than "not this", each group for its reason; null for the others. */
    static Refusal ofState(String sqlState) {
        if (sqlState == null) {
            return null;
        }
        // 08 connection exception: the connection failed or was lost (08000, 08003, 08006, 08001, 08004, 08007).
        // 08P01 protocol violation is not an outage but a bug in a client or a proxy between us: it must be seen.
        if (sqlState.startsWith("08")) {
            return sqlState.equals("08P01") ? null : Refusal.UNAVAILABLE;
        }
        // 53 insufficient resources: disk full, out of memory, too many connections (for the server, a database or
        // a role), a configured limit reached. The server is fine again once the resource is.
        if (sqlState.startsWith("53")) {
            return Refusal.UNAVAILABLE;
        }
        // 57P operator intervention: admin shutdown (also pg_terminate_backend, and a primary stopped for a
        // failover), crash shutdown, cannot connect now (starting up, shutting down, in recovery without hot
        // standby), database dropped (also a standby's conflict with a dropped database), idle-session timeout
        if (sqlState.startsWith("57P") || sqlState.equals("57000")) {
            return Refusal.UNAVAILABLE;
        }
        return switch (sqlState) {
            // read-only transaction: a hot standby, one still replaying WAL before its promotion completes (the
            // proxy already sends it writes), or a server set to default_transaction_read_only
            case READ_ONLY -> Refusal.UNAVAILABLE;
            // object not in prerequisite state: a database that does not accept connections now
            // (allow_connections false), or a function refused while the server is in recovery
            case "55000" -> Refusal.UNAVAILABLE;
            // system error, I/O error: the server cannot read or write its files now
            case "58000", "58030" -> Refusal.UNAVAILABLE;
            // not outages but retries, each with the transaction rolled back: a serialization failure (also a hot
            // standby's recovery conflict), a deadlock (also a standby's buffer-pin deadlock with recovery), a lock
            // not obtained within lock_timeout, a statement cancelled (statement_timeout, an operator's
            // pg_cancel_backend), a session ended for idling in its transaction or for its transaction_timeout
            case "40001", "40P01", "55P03", "57014", "25P03", "25P04" -> Refusal.ROLLED_BACK;
            default -> null;
        };
    }
}
