package dev.refract.store;

import io.vertx.core.VertxException;
import io.vertx.core.impl.NoStackTraceThrowable;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;
import java.io.IOException;
import java.util.List;

/**
 * Recognises a database that cannot be reached: refused or lost connections, a server shutting down, no
 * connection slot left. A request that meets one is answered 503 with Retry-After and nothing is accepted, since a
 * refund that cannot be recorded must not be sent to a PSP.
 *
 * <p>When the server goes away under a busy pool, the reactive client reports it in several shapes, depending on
 * where each command was at that instant: a refused connect, an I/O error on the socket (a reset), the server's
 * own 57P01 sent before it closed, {@link ClosedConnectionException} for a command in flight, and, for a command
 * queued on a connection that had just closed, a bare Vert.x failure that carries only a message. Each of those is
 * the same outage to a merchant.
 */
public final class DatabaseDown {

    /** What the reactive client says, without a type of its own, about a command on a connection already gone. */
    static final List<String> CLOSED_CONNECTION_MESSAGES = List.of(
            "Connection is not active now", "Pending requests failed to be sent due to connection has been closed");

    private DatabaseDown() {}

    public static boolean isDatabaseDown(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof IOException || t instanceof ClosedConnectionException) {
                return true; // ConnectException, a reset socket, a closed channel
            }
            if (t instanceof PgException pg && isUnavailableState(pg.getSqlState())) {
                return true;
            }
            if ((t instanceof NoStackTraceThrowable || t instanceof VertxException)
                    && t.getMessage() != null
                    && CLOSED_CONNECTION_MESSAGES.stream().anyMatch(t.getMessage()::startsWith)) {
                return true;
            }
        }
        return false;
    }

    /**
     * SQLSTATE classes that mean "not now" rather than "not this": 08 connection exceptions, 57P operator
     * intervention (admin shutdown, crash shutdown, cannot connect now), 53300 too many connections and 55000
     * object not in prerequisite state (a standby that is being promoted).
     */
    static boolean isUnavailableState(String sqlState) {
        return sqlState != null
                && (sqlState.startsWith("08")
                        || sqlState.startsWith("57P")
                        || sqlState.equals("53300")
                        || sqlState.equals("55000"));
    }
}
