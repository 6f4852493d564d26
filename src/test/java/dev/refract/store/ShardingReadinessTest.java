package dev.refract.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.refract.refund.RefundState;
import dev.refract.refund.RefundStore;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The schema and the SQL stay ready to be distributed by merchant_id (Citus; docs/scaling.md): read from the migrated
 * schema itself and from every statement the store issues. Tables are discovered, so a table a later migration adds is
 * held to the same rules unless it is listed below as an exception, with its reason.
 */
class ShardingReadinessTest {

    /** Tables that are not distributed by merchant_id, and why. Every other table is a merchant's data. */
    static final Map<String, String> NOT_DISTRIBUTED = Map.of(
            "merchants",
            "reference table: who the merchants are, looked up by API key hash for any merchant on every request and"
                    + " joined by every create's notification check; one small row per merchant",
            "api_keys",
            "reference table, as merchants: a request's key is looked up by its hash, unique across merchants,"
                    + " before the merchant is known; a few small rows per merchant",
            "audit_log",
            "local table: the operators' audit trail, keyed by its own id; an entry may name no merchant, and"
                    + " merchant_id is carried only to filter by",
            "console_sessions",
            "local table: the operators' console sign-ins, no merchant's data",
            "psp_call_slots",
            "local table: each replica's report of its PSP calls for the fleet's console page",
            "psp_breakers",
            "local table: each replica's circuit breakers for the fleet's console page",
            "flyway_schema_history",
            "local table: Flyway's own record of the migrations");

    /** Unique indexes without merchant_id kept for a while, and why; each must be dropped before distributing. */
    static final Map<String, String> TRANSITIONAL_KEYS = Map.of(
            "outbox_event_id_key",
            "V7's replicas, still serving while V8 is applied, insert wallet moves with ON CONFLICT (event_id), which"
                    + " fails without this index; dropped once no replica runs V7 (step 1 of docs/scaling.md)");

    /** Statements that do not name one merchant, by class and constant, and why that is acceptable. */
    static final Map<String, String> CROSS_MERCHANT = new TreeMap<>(Map.ofEntries(
            Map.entry("BacklogStore.BACKLOG", "operators' gauges: counts over every merchant, one aggregate per shard"),
            Map.entry("ConsoleStore.MANUAL_REVIEW", "the console's list across merchants, bounded by a limit"),
            Map.entry("ConsoleStore.UNSETTLED", "the console's list across merchants, bounded by a limit"),
            Map.entry("ConsoleStore.EXTERNAL", "the console's list across merchants, bounded by a limit"),
            Map.entry("ConsoleStore.FAILING", "the console's list across merchants, bounded by a limit"),
            Map.entry("ConsoleStore.OUTBOX_BACKLOG", "the console's outbox summary: counts over every merchant"),
            Map.entry("ConsoleStore.RETRY_NOW", "an operator's click on one outbox item of any merchant, by its id"),
            Map.entry("ConsoleStore.acrossMerchants", "the console's refund search across merchants, bounded"),
            Map.entry("SqlRefundStore.STUCK", "the operator API's list of stuck refunds across merchants, bounded"),
            Map.entry(
                    "RefundQueries.OWNER_OF_CONNECTOR_REFUND",
                    "a webhook event this merchant has no refund for: whether its PSP refund id is another merchant's"
                            + " (two merchants at one PSP account), so that it is never adopted; a read without locks,"
                            + " one row, only before an adoption"),
            Map.entry(
                    "RefundQueries.DUE_MERCHANTS",
                    "which merchants have refunds due: a read without locks, limited on each shard; the janitor then"
                            + " claims each merchant's refunds with one single-shard FOR UPDATE SKIP LOCKED"),
            Map.entry("OutboxStore.DUE_MERCHANTS", "which merchants have deliveries due; as the janitor's"),
            Map.entry(
                    "ReconciliationQueries.BY_ID",
                    "an operator reads one reconciliation run by its id, of any merchant; one row by its index"),
            Map.entry(
                    "ReconciliationQueries.CLAIM",
                    "a replica claims one running reconciliation run of any merchant (a few runs a day per account);"
                            + " split like the janitor's claim before distributing (docs/scaling.md)"),
            Map.entry(
                    "ReconciliationQueries.SCHEDULE",
                    "the daily schedule: one run for each enabled account of every merchant, once a day"),
            Map.entry("ReconciliationReads.RUNS", "the operators' list of runs across merchants, bounded by a limit"),
            Map.entry(
                    "RetentionStore.PRUNABLE_OUTBOX", "which merchants have delivered rows to prune; as the janitor's"),
            Map.entry(
                    "RetentionStore.PRUNABLE_WEBHOOK_EVENTS",
                    "which merchants have applied events to prune; as the janitor's")));

    static EmbeddedPostgres postgres;
    static Connection sql;

    @BeforeAll
    static void migrate() throws Exception {
        postgres = EmbeddedPostgres.builder().start();
        Migrations.configure(postgres.getPostgresDatabase()).load().migrate();
        sql = postgres.getPostgresDatabase().getConnection();
    }

    @AfterAll
    static void stop() throws Exception {
        sql.close();
        postgres.close();
    }

    static List<String> strings(String query) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Statement s = sql.createStatement();
                ResultSet rs = s.executeQuery(query)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    static Set<String> merchantTables() throws SQLException {
        Set<String> tables = new TreeSet<>(strings("select table_name from information_schema.tables"
                + " where table_schema = 'public' and table_type = 'BASE TABLE'"));
        assertTrue(tables.containsAll(NOT_DISTRIBUTED.keySet()), "an exception names no table: " + tables);
        tables.removeAll(NOT_DISTRIBUTED.keySet());
        return tables;
    }

    @Test
    void everyMerchantTableCarriesMerchantIdInEveryKey() throws SQLException {
        Set<String> merchant = merchantTables();
        assertTrue(merchant.containsAll(Set.of("refunds", "refund_events", "payment_ledger", "outbox")), "" + merchant);
        List<String> violations = new ArrayList<>();
        for (String table : merchant) {
            if (strings("select 1 from information_schema.columns where table_schema = 'public' and table_name = '"
                            + table + "' and column_name = 'merchant_id' and is_nullable = 'NO'")
                    .isEmpty()) {
                violations.add(table + ": no merchant_id NOT NULL column");
            }
            if (strings("select 1 from pg_constraint where conrelid = 'public." + table
                            + "'::regclass and contype = 'p'")
                    .isEmpty()) {
                violations.add(table + ": no primary key (Citus moves shards by their replica identity)");
            }
        }
        // every unique index (primary keys, unique constraints, partial unique indexes alike) of a merchant table
        for (String row : strings("""
                select i.indexrelid::regclass || ' on ' || t.relname from pg_index i
                join pg_class t on t.oid = i.indrelid join pg_namespace n on n.oid = t.relnamespace
                where n.nspname = 'public' and i.indisunique and not exists (
                    select 1 from pg_attribute a where a.attrelid = t.oid and a.attname = 'merchant_id'
                      and a.attnum = any(i.indkey))""")) {
            String index = row.substring(0, row.indexOf(' '));
            String table = row.substring(row.lastIndexOf(' ') + 1);
            if (merchant.contains(table) && !TRANSITIONAL_KEYS.containsKey(index)) {
                violations.add(row + ": a unique key without merchant_id");
            }
        }
        // every foreign key: between merchant tables it maps merchant_id to merchant_id; and nothing that is not a
        // merchant's data refers to a merchant table (a reference or local table cannot point into a shard)
        for (String row : strings("""
                select c.conname || ' ' || c.conrelid::regclass || ' ' || c.confrelid::regclass || ' ' ||
                       coalesce((select bool_or(fa.attname = 'merchant_id' and ra.attname = 'merchant_id')
                                 from unnest(c.conkey, c.confkey) as k(f, r)
                                 join pg_attribute fa on fa.attrelid = c.conrelid and fa.attnum = k.f
                                 join pg_attribute ra on ra.attrelid = c.confrelid and ra.attnum = k.r), false)
                from pg_constraint c where c.contype = 'f'""")) {
            String[] f = row.split(" ");
            boolean from = merchant.contains(f[1]);
            boolean to = merchant.contains(f[2]);
            if (to && !from) {
                violations.add(f[0] + ": " + f[1] + " (not distributed) refers to the merchant table " + f[2]);
            } else if (from && to && !"true".equals(f[3])) {
                violations.add(f[0] + ": " + f[1] + " -> " + f[2] + " does not map merchant_id to merchant_id");
            }
        }
        assertEquals(List.of(), violations);
        for (String index : TRANSITIONAL_KEYS.keySet()) {
            assertEquals(
                    1,
                    strings("select 1 from pg_class where relname = '" + index + "'")
                            .size(),
                    index);
        }
    }

    @Test
    void everyStatementOfTheStoreNamesOneMerchantOrIsADocumentedException() throws Exception {
        Set<String> merchant = merchantTables();
        Map<String, String> statements = Statements.all();
        assertTrue(statements.size() > 30, "found only " + statements.keySet());
        List<String> violations = new ArrayList<>();
        for (Map.Entry<String, String> statement : statements.entrySet()) {
            String name = statement.getKey().replaceAll("#.*", "");
            if (CROSS_MERCHANT.containsKey(name)) {
                continue;
            }
            List<String> unpinned = MerchantScope.unpinned(statement.getValue(), merchant);
            if (!unpinned.isEmpty()) {
                violations.add(statement.getKey() + " leaves " + unpinned + " to any merchant");
            }
        }
        assertEquals(List.of(), violations);
        Set<String> names = new TreeSet<>();
        statements.keySet().forEach(k -> names.add(k.replaceAll("#.*", "")));
        Set<String> stale = new TreeSet<>(CROSS_MERCHANT.keySet());
        stale.removeAll(names);
        assertEquals(Set.of(), stale, "exceptions that name no statement");
    }

    /** The check itself: what it must refuse, and what it must let through. */
    @Test
    void theCheckRefusesAStatementOfAnyMerchantAndAcceptsOneOfOne() {
        Set<String> t = Set.of("refunds", "refund_events", "outbox", "payment_ledger");
        assertEquals(List.of("refunds"), MerchantScope.unpinned("select * from refunds where id = $1", t));
        assertEquals(List.of(), MerchantScope.unpinned("select * from refunds where id = $1 and merchant_id = $2", t));
        assertEquals(
                List.of("refunds"),
                MerchantScope.unpinned(
                        "select * from refunds where id = $1 and exists (select 1 from outbox where merchant_id = $2)",
                        t));
        assertEquals(
                List.of("outbox o"),
                MerchantScope.unpinned(
                        "select * from refunds r join outbox o on o.refund_id = r.id" + " where r.merchant_id = $1",
                        t));
        assertEquals(
                List.of(),
                MerchantScope.unpinned(
                        "select * from refunds r join outbox o on o.refund_id = r.id"
                                + " and o.merchant_id = r.merchant_id where r.merchant_id = $1",
                        t));
        assertEquals(
                List.of("refund_events"),
                MerchantScope.unpinned("insert into refund_events (refund_id) values ($1)", t));
        assertEquals(List.of("outbox"), MerchantScope.unpinned("update outbox set attempts = 1 where id = $1", t));
        assertEquals(
                List.of("refunds"),
                MerchantScope.unpinned(
                        "update refunds set x = 1 where id = any(array(select id from refunds"
                                + " where merchant_id = $1))",
                        t));
    }

    /** Every SQL statement the store issues: its constants, and the texts its builders make. */
    static final class Statements {

        private static final Pattern SQL = Pattern.compile("(?is)^\\s*(select|insert|update|delete|with)\\s.+");

        static Map<String, String> all() throws Exception {
            Map<String, String> found = new TreeMap<>();
            for (Class<?> type : storeClasses()) {
                for (Field field : type.getDeclaredFields()) {
                    int mod = field.getModifiers();
                    if (Modifier.isStatic(mod) && Modifier.isFinal(mod) && field.getType() == String.class) {
                        field.setAccessible(true);
                        String value = (String) field.get(null);
                        if (value != null && SQL.matcher(value).matches()) {
                            found.put(type.getSimpleName() + "." + field.getName(), value);
                        }
                    }
                }
            }
            Instant t = Instant.parse("2026-01-01T00:00:00Z");
            RefundStore.Cursor cursor = new RefundStore.Cursor(t, 7);
            List<RefundStore.RefundFilter> filters = List.of(
                    new RefundStore.RefundFilter(Set.of(), null, null, null, null, 20, null),
                    new RefundStore.RefundFilter(Set.of(RefundState.PENDING), "stripe", "pi_1", t, t, 20, cursor));
            for (int i = 0; i < filters.size(); i++) {
                found.put(
                        "RefundQueries.listing#" + i,
                        RefundQueries.listing("m", filters.get(i)).sql());
                found.put(
                        "ConsoleStore.acrossMerchants#" + i,
                        ConsoleStore.acrossMerchants(filters.get(i)).sql());
            }
            return found;
        }

        private static List<Class<?>> storeClasses() throws IOException, URISyntaxException, ClassNotFoundException {
            Path dir = Path.of(SqlRefundStore.class
                            .getProtectionDomain()
                            .getCodeSource()
                            .getLocation()
                            .toURI())
                    .resolve("dev/refract/store");
            List<Class<?>> classes = new ArrayList<>();
            try (Stream<Path> files = Files.list(dir)) {
                for (Path p : files.toList()) {
                    String file = p.getFileName().toString();
                    if (file.endsWith(".class")) {
                        classes.add(Class.forName("dev.refract.store." + file.substring(0, file.length() - 6)));
                    }
                }
            }
            return classes;
        }
    }

    /**
     * Statements reach the database only as constants of the store (or its builders' texts), so that the check above
     * sees every one: no SQL literal handed to the client in place, and no SQL client used outside the store.
     */
    @Test
    void noStatementIsWrittenWhereTheCheckCannotSeeIt() throws IOException {
        Pattern inline = Pattern.compile("\\.(preparedQuery|query)\\(\\s*\"");
        Pattern panache =
                Pattern.compile("ConnectorAccountEntity\\.<\\w+>(list|find|stream|delete|update|count)\\(\\s*\"(\\w+)");
        List<String> violations = new ArrayList<>();
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            for (Path p : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                String text = Files.readString(p);
                if (!p.toString().contains("/dev/refract/store/")) {
                    // (dev/DevDatabase writes the dev-mode demo merchant over JDBC: a reference table, dev mode only)
                    if (text.contains("import io.vertx.mutiny.sqlclient")
                            || text.contains("import io.vertx.sqlclient")
                            || text.contains("import io.vertx.pgclient")) {
                        violations.add(p + ": the SQL client used outside the store");
                    }
                    continue;
                }
                Matcher m = inline.matcher(text);
                while (m.find()) {
                    violations.add(p + ": " + m.group() + " (SQL must be a constant of the store)");
                }
                Matcher hql = panache.matcher(text);
                while (hql.find()) {
                    if (!hql.group(2).equals("merchantId")) {
                        violations.add(p + ": connector accounts read by " + hql.group(2) + ", not by merchant");
                    }
                }
            }
        }
        assertEquals(List.of(), violations);
    }
}
