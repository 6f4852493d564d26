package dev.refract.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.refract.support.AppInstance;
import dev.refract.support.PostgresResource;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxException;
import io.vertx.core.impl.NoStackTraceThrowable;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.net.SocketException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What the reactive client really reports when the database is away, against a real PostgreSQL, and that a
 * failure of the statement itself is never mistaken for an outage (that one is a bug to see, not a 503 to retry).
 */
class DatabaseDownShapesTest {

    static Vertx vertx;

    @BeforeAll
    static void start() {
        new PostgresResource().start();
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    static Pool pool(int port) {
        return Pool.pool(
                vertx,
                new PgConnectOptions()
                        .setHost("localhost")
                        .setPort(port)
                        .setDatabase("postgres")
                        .setUser("postgres")
                        .setPassword("postgres")
                        .setConnectTimeout(2_000),
                new PoolOptions().setMaxSize(2));
    }

    static Throwable failureOf(Future<?> future) throws Exception {
        try {
            future.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return e.getCause();
        }
        throw new AssertionError("expected a failure");
    }

    @Test
    void aServerThatIsNotThereIsDown() throws Exception {
        Pool pool = pool(AppInstance.freePort());
        try {
            Throwable failure = failureOf(pool.query("select 1").execute());
            assertTrue(DatabaseDown.isDatabaseDown(failure), failure.toString());
            assertTrue(DatabaseDown.isDatabaseDown(new CompletionException(failure)), "found under a wrapper too");
        } finally {
            pool.close();
        }
    }

    @Test
    void aConnectionTheServerTerminatesMidStatementIsDown() throws Exception {
        Pool pool = pool(PostgresResource.port());
        Pool killer = pool(PostgresResource.port());
        try {
            SqlConnection victim = pool.getConnection()
                    .toCompletionStage()
                    .toCompletableFuture()
                    .get(10, TimeUnit.SECONDS);
            int pid = victim.query("select pg_backend_pid()")
                    .execute()
                    .toCompletionStage()
                    .toCompletableFuture()
                    .get(10, TimeUnit.SECONDS)
                    .iterator()
                    .next()
                    .getInteger(0);
            Future<?> sleeping = victim.query("select pg_sleep(30)").execute();
            boolean terminated = killer.preparedQuery("select pg_terminate_backend($1)")
                    .execute(Tuple.of(pid))
                    .toCompletionStage()
                    .toCompletableFuture()
                    .get(10, TimeUnit.SECONDS)
                    .iterator()
                    .next()
                    .getBoolean(0);
            assertTrue(terminated);
            Throwable failure = failureOf(sleeping);
            assertTrue(DatabaseDown.isDatabaseDown(failure), failure.toString());
            // and the next command on that dead connection fails in yet another shape, also an outage
            Throwable next = failureOf(victim.query("select 1").execute());
            assertTrue(DatabaseDown.isDatabaseDown(next), next.toString());
        } finally {
            pool.close();
            killer.close();
        }
    }

    @Test
    void aStatementTheServerRefusesIsNotAnOutage() throws Exception {
        Pool pool = pool(PostgresResource.port());
        try {
            Throwable syntax = failureOf(pool.query("selec 1").execute());
            assertEquals("42601", ((PgException) syntax).getSqlState());
            assertFalse(DatabaseDown.isDatabaseDown(syntax));
            Throwable check = failureOf(pool.query("select 1 / 0").execute());
            assertEquals("22012", ((PgException) check).getSqlState());
            assertFalse(DatabaseDown.isDatabaseDown(check));
        } finally {
            pool.close();
        }
    }

    @Test
    void theShapesOfALostConnectionAreEachAnOutage() {
        assertTrue(DatabaseDown.isDatabaseDown(
                new NoStackTraceThrowable("Connection is not active now, current status: CLOSED")));
        assertTrue(DatabaseDown.isDatabaseDown(
                new NoStackTraceThrowable("Pending requests failed to be sent due to connection has been closed.")));
        assertTrue(DatabaseDown.isDatabaseDown(new VertxException(
                "Pending requests failed to be sent due to connection has been closed.",
                new SocketException("Connection reset"))));
        assertTrue(DatabaseDown.isDatabaseDown(new RuntimeException(new SocketException("Connection reset"))));
        assertTrue(DatabaseDown.isDatabaseDown(
                new PgException("the database system is shutting down", "FATAL", "57P03", null)));
        assertTrue(DatabaseDown.isDatabaseDown(
                new PgException("sorry, too many clients already", "FATAL", "53300", null)));
        assertFalse(DatabaseDown.isDatabaseDown(new PgException("duplicate key", "ERROR", "23505", null)));
        assertFalse(DatabaseDown.isDatabaseDown(new NoStackTraceThrowable("something else entirely")));
        assertFalse(DatabaseDown.isDatabaseDown(new IllegalStateException("a bug of ours")));
    }
}
