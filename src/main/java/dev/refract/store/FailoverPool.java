package dev.refract.store;

import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.pgclient.PgPool;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PrepareOptions;
import io.vertx.sqlclient.PreparedQuery;
import io.vertx.sqlclient.Query;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.TransactionRollbackException;
import io.vertx.sqlclient.impl.Connection;
import io.vertx.sqlclient.impl.SqlConnectionInternal;
import java.util.function.Function;

/**
 * The application's pool, around the reactive client's, for two things it does not do by itself through a failover.
 *
 * <p>A connection on which the server refused a write as read-only (25006) is closed, not handed back: the server
 * behind it is a standby, or one being demoted, and the next attempt must reconnect through the proxy to whichever
 * node is primary now. The work that met it fails as it did (a 503 to the merchant).
 *
 * <p>The pool's own queries ({@code pool.query(sql).execute()}) run on a connection acquired like any other. The
 * client's shortcut for them (vertx-sql-client 4.5, issue 1706, open on every 4.5 and 5 release we can use) starts
 * the acquisition timer and does not cancel it when the acquisition fails: every query that met a database away
 * then reported an {@code IllegalStateException} to Vert.x one timeout later, thousands of ERROR lines per failover
 * that hid the real ones. Acquiring the connection first takes the path that cancels its timer.
 */
final class FailoverPool implements PgPool {

    private final Pool pool;

    FailoverPool(Pool pool) {
        this.pool = pool;
    }

    @Override
    public Future<SqlConnection> getConnection() {
        return pool.getConnection();
    }

    @Override
    public void getConnection(Handler<AsyncResult<SqlConnection>> handler) {
        getConnection().onComplete(handler);
    }

    @Override
    public <T> Future<T> withConnection(Function<SqlConnection, Future<T>> function) {
        return getConnection().compose(conn -> {
            Future<T> work;
            try {
                work = function.apply(conn);
            } catch (RuntimeException e) {
                work = Future.failedFuture(e);
            }
            return work.transform(done -> {
                Future<Void> before = done.failed() && DatabaseDown.isReadOnly(done.cause())
                        ? discard(conn)
                        : Future.succeededFuture();
                return before.transform(v -> conn.close()).transform(v -> (Future<T>) done);
            });
        });
    }

    /** As the client's: commit on success, roll back on failure, then the connection released (or discarded). */
    @Override
    public <T> Future<T> withTransaction(Function<SqlConnection, Future<T>> function) {
        return withConnection(conn -> conn.begin()
                .compose(tx -> function.apply(conn)
                        .compose(
                                result -> tx.commit().map(result),
                                failure -> failure instanceof TransactionRollbackException
                                        ? Future.failedFuture(failure)
                                        : tx.rollback().transform(v -> Future.<T>failedFuture(failure)))));
    }

    @Override
    public Query<RowSet<Row>> query(String sql) {
        return new PooledQuery<>(this, conn -> conn.query(sql));
    }

    @Override
    public PreparedQuery<RowSet<Row>> preparedQuery(String sql) {
        return new PooledQuery<>(this, conn -> conn.preparedQuery(sql));
    }

    @Override
    public PreparedQuery<RowSet<Row>> preparedQuery(String sql, PrepareOptions options) {
        return new PooledQuery<>(this, conn -> conn.preparedQuery(sql, options));
    }

    /**
     * Closes the connection's socket itself rather than handing it back to the pool, which then forgets it (as it
     * does any connection the server closes). The client has no public way to do this for a pooled connection.
     */
    static Future<Void> discard(SqlConnection conn) {
        if (!(conn instanceof SqlConnectionInternal internal)) {
            return Future.succeededFuture();
        }
        Connection pooled = internal.unwrap();
        Connection socket = pooled.unwrap();
        if (socket == pooled || !(pooled instanceof Connection.Holder holder)) {
            return Future.succeededFuture(); // not a pooled connection: closing it is its owner's business
        }
        Promise<Void> closed = Promise.promise();
        socket.close(holder, closed);
        return closed.future();
    }

    @Override
    public PgPool connectHandler(Handler<SqlConnection> handler) {
        pool.connectHandler(handler);
        return this;
    }

    @Override
    public PgPool connectionProvider(Function<Context, Future<SqlConnection>> provider) {
        pool.connectionProvider(provider);
        return this;
    }

    @Override
    public int size() {
        return pool.size();
    }

    @Override
    public void close(Handler<AsyncResult<Void>> handler) {
        pool.close(handler);
    }

    @Override
    public Future<Void> close() {
        return pool.close();
    }
}
