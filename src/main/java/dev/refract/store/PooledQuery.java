package dev.refract.store;

import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.sqlclient.PreparedQuery;
import io.vertx.sqlclient.Query;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.SqlResult;
import io.vertx.sqlclient.Tuple;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Collector;

/**
 * A query of the pool, run on a connection of {@link FailoverPool#withConnection}: the same query built on that
 * connection, so that mapping and collecting carry over. For {@code pool.query(sql)} the query built is a plain
 * {@link Query}, whose tuple forms are then never called (that type has none).
 */
final class PooledQuery<T> implements PreparedQuery<T> {

    private final FailoverPool pool;
    private final Function<SqlConnection, ? extends Query<T>> on;

    PooledQuery(FailoverPool pool, Function<SqlConnection, ? extends Query<T>> on) {
        this.pool = pool;
        this.on = on;
    }

    private PreparedQuery<T> prepared(SqlConnection conn) {
        return (PreparedQuery<T>) on.apply(conn);
    }

    @Override
    public Future<T> execute() {
        return pool.withConnection(conn -> on.apply(conn).execute());
    }

    @Override
    public void execute(Handler<AsyncResult<T>> handler) {
        execute().onComplete(handler);
    }

    @Override
    public Future<T> execute(Tuple tuple) {
        return pool.withConnection(conn -> prepared(conn).execute(tuple));
    }

    @Override
    public void execute(Tuple tuple, Handler<AsyncResult<T>> handler) {
        execute(tuple).onComplete(handler);
    }

    @Override
    public Future<T> executeBatch(List<Tuple> batch) {
        return pool.withConnection(conn -> prepared(conn).executeBatch(batch));
    }

    @Override
    public void executeBatch(List<Tuple> batch, Handler<AsyncResult<T>> handler) {
        executeBatch(batch).onComplete(handler);
    }

    @Override
    public <R> PreparedQuery<SqlResult<R>> collecting(Collector<Row, ?, R> collector) {
        return new PooledQuery<>(pool, conn -> on.apply(conn).collecting(collector));
    }

    @Override
    public <U> PreparedQuery<RowSet<U>> mapping(Function<Row, U> mapper) {
        return new PooledQuery<>(pool, conn -> on.apply(conn).mapping(mapper));
    }
}
