package dev.refract.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * V8 applied to a database that has data, as a rollout meets it: migrated to V7, filled, then migrated to V8. Every
 * row is kept as it was, the event log has each event's merchant, the new keys are in force, and what the previous
 * release still does while it serves (events without merchant_id, wallet moves with ON CONFLICT (event_id)) works.
 */
class MigrationWithDataTest {

    static final List<String> TABLES =
            List.of("merchants", "payment_ledger", "refunds", "refund_events", "webhook_events", "outbox");

    static EmbeddedPostgres postgres;
    static Connection sql;
    static final Map<String, String> before = new LinkedHashMap<>();
    static final Map<String, String> after = new LinkedHashMap<>();

    @BeforeAll
    static void migrateWithData() throws Exception {
        postgres = EmbeddedPostgres.builder().start();
        Migrations.configure(postgres.getPostgresDatabase()).target("7").load().migrate();
        sql = postgres.getPostgresDatabase().getConnection();
        execute("insert into merchants (id, name, api_key_hash) values ('m_a', 'A', 'ha'), ('m_b', 'B', 'hb')");
        execute("insert into payment_ledger (merchant_id, connector, connector_transaction_id, currency, "
                + "captured_minor, refunded_minor) select m, 'stripe', 'pi_' || m || g, 'USD', 1000, 100 "
                + "from generate_series(1, 300) g, unnest(array['m_a', 'm_b']) m");
        execute("insert into refunds (merchant_id, merchant_refund_id, ledger_id, connector, connector_transaction_id,"
                + " connector_refund_id, state, amount_minor, currency, fingerprint, psp_reference, created_at,"
                + " updated_at) select l.merchant_id, 'r' || l.id, l.id, 'stripe', l.connector_transaction_id,"
                + " 're_' || l.id, 'SUCCEEDED', 100, 'USD', 'f', 'rf_' || l.id, now(), now() from payment_ledger l");
        // a refund's history: two events each, written as V7 writes them (no merchant_id)
        execute("insert into refund_events (refund_id, from_state, to_state, cause, detail) select id, null,"
                + " 'RECEIVED', 'API', 'recorded' from refunds");
        execute("insert into refund_events (refund_id, from_state, to_state, cause, connector_status) select id,"
                + " 'RECEIVED', 'SUCCEEDED', 'PSP', 'succeeded' from refunds");
        execute("insert into outbox (merchant_id, refund_id, kind, event_id, event_type, payload, delivered_at)"
                + " select merchant_id, id, 'notification', 'evt_' || id, 'refund.succeeded', '{}',"
                + " case when id % 2 = 0 then now() end from refunds");
        execute(
                "insert into outbox (merchant_id, refund_id, kind, event_id, event_type, payload) select"
                        + " merchant_id, id, 'credyt', 'credyt:rf_' || id, 'credyt.adjustment', '{}' from refunds where id % 3 = 0");
        execute("insert into webhook_events (merchant_id, connector, event_id, connector_refund_id, payload, refund_id,"
                + " applied_at) select merchant_id, 'stripe', 'we_' || id, connector_refund_id, '{}',"
                + " case when id % 5 <> 0 then id end, case when id % 5 <> 0 then now() end from refunds");
        for (String table : TABLES) {
            before.put(table, fingerprint(table));
        }
        // to V8 exactly: a later migration may change these tables as it likes
        Migrations.configure(postgres.getPostgresDatabase()).target("8").load().migrate();
        for (String table : TABLES) {
            after.put(table, fingerprint(table));
        }
    }

    @AfterAll
    static void stop() throws Exception {
        sql.close();
        postgres.close();
    }

    static void execute(String statement) throws SQLException {
        try (Statement s = sql.createStatement()) {
            s.execute(statement);
        }
    }

    static String one(String query) throws SQLException {
        try (Statement s = sql.createStatement();
                ResultSet rs = s.executeQuery(query)) {
            rs.next();
            return rs.getString(1);
        }
    }

    /** Count and digest of every row as V7 had it (the column V8 adds left out). */
    static String fingerprint(String table) throws SQLException {
        return one("select count(*) || ':' || md5(coalesce(string_agg((to_jsonb(t) - 'merchant_id')::text, ','"
                + " order by (to_jsonb(t) ->> 'id')), '')) from " + table + " t");
    }

    static String sqlState(String statement) {
        SQLException e = assertThrows(SQLException.class, () -> execute(statement));
        return e.getSQLState();
    }

    @Test
    void everyRowIsKeptAsItWas() throws SQLException {
        assertEquals("8", one("select max(version::int) from flyway_schema_history"));
        assertEquals("1", one("select count(*) from flyway_schema_history where version = '8' and success"));
        for (String table : TABLES) {
            assertEquals(before.get(table), after.get(table), table);
        }
        assertEquals("1200", before.get("refund_events").substring(0, 4));
        assertEquals("600", before.get("refunds").substring(0, 3));
    }

    @Test
    void everyEventHasItsRefundsMerchant() throws SQLException {
        assertEquals(
                "0",
                one("select count(*) from refund_events e join refunds r on r.id = e.refund_id"
                        + " where e.merchant_id is distinct from r.merchant_id"));
        assertEquals(
                "NO",
                one("select is_nullable from information_schema.columns where table_name = 'refund_events'"
                        + " and column_name = 'merchant_id'"));
    }

    @Test
    void theNewKeysAreInForce() throws SQLException {
        for (String table : List.of("payment_ledger", "refunds", "refund_events", "webhook_events", "outbox")) {
            assertEquals(
                    "{id,merchant_id}",
                    one("select array_agg(a.attname order by k.n)::text from pg_constraint c,"
                            + " unnest(c.conkey) with ordinality k(attnum, n) join pg_attribute a on a.attnum = k.attnum"
                            + " where c.conrelid = '" + table + "'::regclass and a.attrelid = c.conrelid"
                            + " and c.contype = 'p'"),
                    table);
        }
        assertEquals("0", one("select count(*) from pg_constraint where contype = 'f' and not convalidated"));
        assertEquals("0", one("select count(*) from pg_index where not indisvalid"));
        // an event, an outbox row or a webhook naming another merchant's refund is refused by the foreign keys
        assertEquals(
                "23503",
                sqlState("insert into refund_events (refund_id, merchant_id, to_state, cause)"
                        + " select id, 'm_b', 'FAILED', 'API' from refunds where merchant_id = 'm_a' limit 1"));
        assertEquals(
                "23503",
                sqlState("insert into outbox (merchant_id, refund_id, kind, event_id, event_type, payload)"
                        + " select 'm_b', id, 'notification', 'evt_x', 'refund.failed', '{}' from refunds"
                        + " where merchant_id = 'm_a' limit 1"));
        assertEquals(
                "23503",
                sqlState("update webhook_events set refund_id = (select min(id) from refunds where merchant_id = 'm_a')"
                        + " where merchant_id = 'm_b' and refund_id is null"));
        assertEquals(
                "23503",
                sqlState("update refunds set ledger_id = (select min(id) from payment_ledger where merchant_id = 'm_b')"
                        + " where id = (select min(id) from refunds where merchant_id = 'm_a')"));
        assertEquals(
                "23502",
                sqlState("insert into refund_events (refund_id, to_state, cause) values (-1, 'FAILED', 'API')"));
        // the event log is append-only again
        assertEquals(
                "P0001",
                sqlState("update refund_events set detail = 'x' where id = (select min(id) from refund_events)"));
        assertEquals(
                "P0001",
                sqlState(
                        "update refund_events set merchant_id = merchant_id where id = (select min(id) from refund_events)"));
        assertEquals("P0001", sqlState("delete from refund_events where id = (select min(id) from refund_events)"));
    }

    @Test
    void whatThePreviousReleaseWritesStillWorks() throws SQLException {
        String refund = one("select min(id) from refunds where merchant_id = 'm_b'");
        execute("insert into refund_events (refund_id, from_state, to_state, cause) values (" + refund
                + ", 'SUCCEEDED', 'SUCCEEDED', 'SYNC')");
        assertEquals(
                "m_b",
                one("select merchant_id from refund_events where refund_id = " + refund + " and cause = 'SYNC'"));
        String inserted = "insert into outbox (merchant_id, refund_id, kind, event_id, event_type, payload) values"
                + " ('m_b', " + refund
                + ", 'credyt', 'credyt:v7', 'credyt.adjustment', '{}') on conflict (event_id) do nothing";
        execute(inserted);
        execute(inserted);
        assertEquals("1", one("select count(*) from outbox where event_id = 'credyt:v7'"));
        assertTrue(Long.parseLong(one("select count(*) from refund_events")) > 1200);
    }
}
