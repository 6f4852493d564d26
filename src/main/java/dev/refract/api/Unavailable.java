package dev.refract.api;

import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;
import java.net.ConnectException;

/**
 * Recognises a database that cannot be reached (refused or lost connections, a server shutting down): such a
 * request is answered 503 with Retry-After, never accepted, since a refund that cannot be recorded must not be
 * sent to a PSP.
 */
final class Unavailable {

    private Unavailable() {
    }

    static boolean isDatabaseDown(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ConnectException || t instanceof ClosedConnectionException) {
                return true;
            }
            if (t instanceof PgException pg && pg.getSqlState() != null
                    && (pg.getSqlState().startsWith("08") || pg.getSqlState().startsWith("57P")
                    || pg.getSqlState().equals("53300") || pg.getSqlState().equals("55000"))) {
                return true; // connection exceptions, operator intervention (shutdown), too many connections
            }
        }
        return false;
    }
}
