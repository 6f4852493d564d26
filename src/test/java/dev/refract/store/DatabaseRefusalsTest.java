package dev.refract.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.refract.store.DatabaseDown.Refusal;
import dev.refract.support.PostgresResource;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.SqlConnection;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Each way a real PostgreSQL says "not now" that can be provoked on one server, as the reactive client reports it,
 * and how {@link DatabaseDown} takes it; and that {@link FailoverPool} drops a connection that refused a write as
 * read-only. Everything happens in a database and a role of this test's own, so that the settings it flips touch
 * no other test.
 */
class DatabaseRefusalsTest {

    static final String DB = "refusals";
    static final String ROLE = "refusals_app";
    static Vertx vertx;

    @BeforeAll
    static void start() throws Exception {
        new PostgresResource().start();
        vertx = Vertx.vertx();
        admin("drop database if exists " + DB + " with (force)");
        admin("drop role if exists " + ROLE);
        admin("create role " + ROLE + " login password 'refusals'");
        admin("create database " + DB + " owner " + ROLE);
        try (Connection c = connect(DB);
                Statement s = c.createStatement()) {
            s.execute("create table probe (id int primary key, n int not null default 0)");
            s.execute("insert into probe (id) values (1), (2)");
            s.execute("grant all on probe to " + ROLE);
        }
    }

    @AfterAll
    static void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    static Connection connect(String database) throws SQLException {
        return DriverManager.getConnection(
                "jdbc:postgresql://localhost:" + PostgresResource.port() + "/" + database, "postgres", "postgres");
    }

    static void admin(String sql) throws SQLException {
        try (Connection c = connect("postgres");
                Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    static Pool pool(int maxSize, int acquireTimeoutMillis) {
        return PgBuilder.pool()
                .with(new PoolOptions()
                        .setMaxSize(maxSize)
                        .setConnectionTimeout(acquireTimeoutMillis)
                        .setConnectionTimeoutUnit(TimeUnit.MILLISECONDS))
                .connectingTo(new PgConnectOptions()
                        .setHost("localhost")
                        .setPort(PostgresResource.port())
                        .setDatabase(DB)
                        .setUser(ROLE)
                        .setPassword("refusals"))
                .using(vertx)
                .build();
    }

    static <T> T await(Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    }

    static Throwable failureOf(Future<?> future) throws Exception {
        try {
            await(future);
        } catch (ExecutionException e) {
            return e.getCause();
        }
        throw new AssertionError("expected a failure");
    }

    /** The failure is the server's, with this SQLSTATE, and DatabaseDown takes it as this refusal. */
    static void assertRefusal(Throwable failure, String sqlState, Refusal expected) {
        assertTrue(failure instanceof PgException, failure.toString());
        assertEquals(sqlState, ((PgException) failure).getSqlState(), failure.toString());
        assertEquals(expected, DatabaseDown.refusal(failure), failure.toString());
    }

    static int backendPid(Pool pool) throws Exception {
        return await(pool.query("select pg_backend_pid()").execute())
                .iterator()
                .next()
                .getInteger(0);
    }

    static boolean backendAlive(int pid) throws SQLException {
        try (Connection c = connect("postgres");
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select count(*) from pg_stat_activity where pid = " + pid)) {
            rs.next();
            return rs.getInt(1) == 1;
        }
    }

    @Test
    void aDatabaseSetReadOnlyRefusesWritesWith25006AndIsUnavailable() throws Exception {
        admin("alter database " + DB + " set default_transaction_read_only = on");
        Pool pool = pool(2, 2_000);
        try {
            Throwable failure =
                    failureOf(pool.query("update probe set n = n + 1").execute());
            assertRefusal(failure, "25006", Refusal.UNAVAILABLE);
            assertTrue(DatabaseDown.isReadOnly(failure));
        } finally {
            pool.close();
            admin("alter database " + DB + " reset default_transaction_read_only");
        }
    }

    @Test
    void aConnectionThatRefusedAWriteAsReadOnlyIsDroppedFromThePool() throws Exception {
        FailoverPool pool = new FailoverPool(pool(1, 2_000));
        try {
            int first = backendPid(pool);
            // that session alone turns read-only, as every session of a server being demoted does
            await(pool.query("set default_transaction_read_only = on").execute());
            assertEquals(first, backendPid(pool), "one connection in this pool: the same session");
            Throwable refused = failureOf(pool.withTransaction(
                    conn -> conn.query("update probe set n = n + 1").execute()));
            assertRefusal(refused, "25006", Refusal.UNAVAILABLE);

            assertFalse(backendAlive(first), "the read-only session was closed, not handed back");
            int second = backendPid(pool);
            assertNotEquals(first, second, "the next work reconnected");
            assertEquals(
                    1,
                    await(pool.query("update probe set n = n + 1 where id = 1").execute())
                            .rowCount());

            // the pool's own queries too
            await(pool.query("set default_transaction_read_only = on").execute());
            assertRefusal(
                    failureOf(
                            pool.preparedQuery("update probe set n = n + 1").execute(io.vertx.sqlclient.Tuple.tuple())),
                    "25006",
                    Refusal.UNAVAILABLE);
            assertFalse(backendAlive(second));
            assertNotEquals(second, backendPid(pool));
        } finally {
            pool.close();
        }
    }

    @Test
    void aFailureThatIsNotReadOnlyKeepsItsConnection() throws Exception {
        FailoverPool pool = new FailoverPool(pool(1, 2_000));
        try {
            int pid = backendPid(pool);
            assertRefusal(failureOf(pool.query("select 1 / 0").execute()), "22012", null);
            assertEquals(pid, backendPid(pool));
        } finally {
            pool.close();
        }
    }

    @Test
    void aDatabaseThatAcceptsNoConnectionsIs55000AndAtItsConnectionLimit53300() throws Exception {
        Pool pool = pool(2, 2_000);
        try {
            admin("alter database " + DB + " with allow_connections false");
            assertRefusal(failureOf(pool.query("select 1").execute()), "55000", Refusal.UNAVAILABLE);
            admin("alter database " + DB + " with allow_connections true");
            admin("alter database " + DB + " with connection limit 0");
            assertRefusal(failureOf(pool.query("select 1").execute()), "53300", Refusal.UNAVAILABLE);
        } finally {
            admin("alter database " + DB + " with allow_connections true connection limit -1");
            pool.close();
        }
    }

    @Test
    void aPoolWithNoConnectionFreeWithinItsAcquisitionTimeoutIsUnavailable() throws Exception {
        FailoverPool pool = new FailoverPool(pool(1, 300));
        try {
            SqlConnection held = await(pool.getConnection());
            Throwable waited = failureOf(pool.getConnection());
            assertEquals(Refusal.UNAVAILABLE, DatabaseDown.refusal(waited), waited.toString());
            Throwable queried = failureOf(pool.query("select 1").execute());
            assertEquals(Refusal.UNAVAILABLE, DatabaseDown.refusal(queried), queried.toString());
            await(held.close());
            assertEquals(1, await(pool.query("select 1").execute()).size(), "and serves again once one is free");
        } finally {
            pool.close();
        }
    }

    @Test
    void aStatementCancelledOrALockNotObtainedIsARetry() throws Exception {
        Pool pool = pool(2, 2_000);
        try {
            Throwable timedOut = failureOf(pool.withConnection(conn -> conn.query("set statement_timeout = 50")
                    .execute()
                    .compose(v -> conn.query("select pg_sleep(2)").execute())));
            assertRefusal(timedOut, "57014", Refusal.ROLLED_BACK);

            SqlConnection holder = await(pool.getConnection());
            await(holder.query("begin").execute());
            await(holder.query("lock table probe in access exclusive mode").execute());
            Throwable locked = failureOf(pool.withConnection(conn -> conn.query("set lock_timeout = 50")
                    .execute()
                    .compose(v -> conn.query("select * from probe").execute())));
            assertRefusal(locked, "55P03", Refusal.ROLLED_BACK);
            await(holder.query("rollback").execute());
            await(holder.close());
        } finally {
            pool.close();
        }
    }

    @Test
    void aSerializationFailureAndADeadlockAreRetries() throws Exception {
        Pool pool = pool(2, 2_000);
        try {
            SqlConnection a = await(pool.getConnection());
            SqlConnection b = await(pool.getConnection());
            // a snapshot older than a committed update of the same row
            await(a.query("begin isolation level repeatable read").execute());
            await(a.query("select n from probe where id = 1").execute());
            await(b.query("update probe set n = n + 1 where id = 1").execute());
            assertRefusal(
                    failureOf(a.query("update probe set n = n + 1 where id = 1").execute()),
                    "40001",
                    Refusal.ROLLED_BACK);
            await(a.query("rollback").execute());

            // two transactions that each wait for the other's row
            await(a.query("begin").execute());
            await(b.query("begin").execute());
            await(a.query("update probe set n = n + 1 where id = 1").execute());
            await(b.query("update probe set n = n + 1 where id = 2").execute());
            Future<?> aWaits =
                    a.query("update probe set n = n + 1 where id = 2").execute();
            Future<?> bWaits =
                    b.query("update probe set n = n + 1 where id = 1").execute();
            io.vertx.core.Promise<Throwable> victim = io.vertx.core.Promise.promise();
            aWaits.onFailure(victim::tryComplete);
            bWaits.onFailure(victim::tryComplete);
            assertRefusal(await(victim.future()), "40P01", Refusal.ROLLED_BACK);
            await(a.query("rollback").execute()); // the victim's locks go, the other's update goes through
            await(b.query("rollback").execute());
            await(a.close());
            await(b.close());
        } finally {
            pool.close();
        }
    }

    @Test
    void aSessionTerminatedByTheServerIs57P01() throws Exception {
        Pool pool = pool(1, 2_000);
        try {
            int pid = backendPid(pool);
            Future<?> sleeping = pool.query("select pg_sleep(30)").execute();
            Thread.sleep(200);
            admin("select pg_terminate_backend(" + pid + ")");
            // the server's FATAL 57P01, or the connection found closed or reset first, depending on what the client
            // reads before the socket goes
            Throwable terminated = failureOf(sleeping);
            if (terminated instanceof PgException pg) {
                assertEquals("57P01", pg.getSqlState());
            } else {
                assertTrue(
                        terminated instanceof io.vertx.sqlclient.ClosedConnectionException
                                || terminated instanceof java.io.IOException,
                        terminated.toString());
            }
            assertEquals(Refusal.UNAVAILABLE, DatabaseDown.refusal(terminated));
        } finally {
            pool.close();
        }
    }

    /** The rest of the table, which one server cannot be made to produce on demand (a full disk, a crash). */
    @Test
    void statesThatAreNotTheServersToExplainStayErrors() {
        for (String bug :
                new String[] {"42601", "42P01", "23505", "22012", "08P01", "28P01", "3D000", "54000", "XX000"}) {
            assertNull(DatabaseDown.ofState(bug), bug);
        }
        for (String down :
                new String[] {"08006", "08001", "53100", "53200", "57P01", "57P02", "57P03", "57P04", "58030"}) {
            assertEquals(Refusal.UNAVAILABLE, DatabaseDown.ofState(down), down);
        }
    }
}
