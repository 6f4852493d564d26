package dev.refract.store;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.refract.refund.RefundStore;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The plans of the hot queries, read with EXPLAIN from a real PostgreSQL: on empty tables, where a pooled
 * connection may make the generic plan it then keeps, and on a merchant with a large table. The generic plan is
 * forced here (only here) to see the plan a connection would keep; each query must use its one index, read a
 * handful of buffers, and filter nothing away.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class QueryPlanTest {

    static final int REFUNDS = 200_000;

    static EmbeddedPostgres postgres;
    static Connection sql;

    @BeforeAll
    static void migrate() throws Exception {
        postgres = EmbeddedPostgres.builder().start();
        Migrations.configure(postgres.getPostgresDatabase()).load().migrate();
        sql = postgres.getPostgresDatabase().getConnection();
        execute(
                "insert into merchants (id, name, api_key_hash) values ('m_big', 'Big', 'h1'), ('m_small', 'Small', 'h2')");
        execute("set plan_cache_mode = force_generic_plan");
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

    static String plan(String name, String query, String types, String args, boolean analyze) throws SQLException {
        execute("deallocate all");
        execute("prepare " + name + (types.isEmpty() ? "" : "(" + types + ")") + " as " + query);
        List<String> lines = new ArrayList<>();
        try (Statement s = sql.createStatement();
                ResultSet rs = s.executeQuery("explain (costs off" + (analyze ? ", analyze, buffers, timing off" : "")
                        + ") execute " + name + (args.isEmpty() ? "" : "(" + args + ")"))) {
            while (rs.next()) {
                lines.add(rs.getString(1));
            }
        }
        return String.join("\n", lines);
    }

    static String explainKept() throws SQLException {
        List<String> lines = new ArrayList<>();
        try (Statement s = sql.createStatement();
                ResultSet rs = s.executeQuery("explain (costs off) execute kept_claim(now(), 50, now(), "
                        + "'{RECEIVED,UNKNOWN,PENDING}', 'm_big')")) {
            while (rs.next()) {
                lines.add(rs.getString(1));
            }
        }
        return String.join("\n", lines);
    }

    /** The query's generic plan uses {@code index} for refunds, filters no rows of it away, and avoids the others. */
    static void assertUses(String plan, String index, Set<String> never) {
        assertTrue(
                plan.contains(" using " + index + " on refunds") || plan.contains(" using " + index + " on "),
                "expected " + index + " in\n" + plan);
        for (String other : never) {
            assertTrue(!plan.contains(" " + other + " "), "unexpected " + other + " in\n" + plan);
        }
        assertTrue(!plan.contains("Seq Scan on refunds"), "a sequential scan of refunds in\n" + plan);
        assertTrue(
                plan.lines().noneMatch(line -> line.trim().startsWith("Filter:")),
                "rows read to be thrown away in\n" + plan);
        assertTrue(
                !plan.contains("Rows Removed by Filter: ") || plan.contains("Rows Removed by Filter: 0"),
                "rows read and thrown away in\n" + plan);
    }

    static final Set<String> MERCHANT_WIDE = Set.of("refunds_newest_first", "refunds_by_payment");

    void checkEveryHotQuery(boolean analyze) throws SQLException {
        assertUses(
                plan(
                        "by_ref",
                        RefundQueries.BY_PSP_REFERENCE,
                        "text, text",
                        "'rf_00000000000000000000000000000077', 'm_big'",
                        analyze),
                "refunds_psp_reference_merchant",
                MERCHANT_WIDE);
        String lookup = plan(
                "lookup",
                RefundQueries.LOOKUP,
                "text, text, text",
                "'rf_00000000000000000000000000000077', 'm_big', 'pi_77'",
                analyze);
        assertUses(lookup, "refunds_psp_reference_merchant", MERCHANT_WIDE);
        assertTrue(lookup.contains("payment_ledger_merchant_id_connector_transaction_id_key"), lookup);
        assertUses(
                plan(
                        "not_exists",
                        "select 1 where not exists (select 1 from refunds where psp_reference = $1 and merchant_id = $2)",
                        "text, text",
                        "'rf_x', 'm_big'",
                        analyze),
                "refunds_psp_reference_merchant",
                MERCHANT_WIDE);
        assertUses(
                plan(
                        "by_psp_id",
                        RefundQueries.BY_CONNECTOR_REFUND,
                        "text, text, text",
                        "'stripe', 're_77', 'm_big'",
                        analyze),
                "refunds_by_connector_refund",
                MERCHANT_WIDE);
        RefundStore.RefundFilter page = new RefundStore.RefundFilter(Set.of(), null, null, null, null, 20, null);
        assertUses(
                plan("page", RefundQueries.listing("m", page).sql(), "text, int", "'m_big', 21", analyze),
                "refunds_newest_first",
                Set.of("refunds_by_payment"));
        assertTrue(
                !plan("page", RefundQueries.listing("m", page).sql(), "text, int", "'m_big', 21", false)
                        .contains("Sort"),
                "the first page is read in index order");
        RefundStore.RefundFilter next = new RefundStore.RefundFilter(
                Set.of(),
                null,
                null,
                null,
                null,
                20,
                new RefundStore.Cursor(Instant.parse("2026-01-01T00:00:00Z"), 150_000));
        assertUses(
                plan(
                        "next",
                        RefundQueries.listing("m", next).sql(),
                        "text, timestamptz, bigint, int",
                        "'m_big', '2026-01-01T00:00:00Z', 150000, 21",
                        analyze),
                "refunds_newest_first",
                Set.of("refunds_by_payment"));
        RefundStore.RefundFilter payment = new RefundStore.RefundFilter(Set.of(), null, "pi_77", null, null, 20, null);
        String byPayment = plan(
                "by_payment",
                RefundQueries.listing("m", payment).sql(),
                "text, text, int",
                "'m_big', 'pi_77', 21",
                analyze);
        assertUses(byPayment, "refunds_by_payment", Set.of("refunds_newest_first"));
        assertTrue(!byPayment.contains("Sort"), byPayment);
        if (!analyze) {
            return; // the janitor's claim is checked on the large table only: see the test below
        }
        // the claim filters on state within the due index, which holds in-flight refunds only
        String claim = plan(
                "claim",
                RefundQueries.CLAIM_DUE,
                "timestamptz, int, timestamptz, text[], text",
                "now(), 50, now(), '{RECEIVED,UNKNOWN,PENDING}', 'm_big'",
                false);
        assertTrue(
                claim.contains("refunds_due")
                        && claim.contains("Index Scan using refunds_id_merchant on refunds")
                        && !claim.contains("Seq Scan on refunds")
                        && !claim.contains("Join")
                        && !claim.contains("refunds_newest_first")
                        && !claim.contains("refunds_by_payment"),
                claim);
        String outbox = plan(
                "outbox_claim",
                OutboxStore.CLAIM_DUE,
                "timestamptz, int, timestamptz, text",
                "now(), 50, now(), 'm_big'",
                false);
        assertTrue(
                outbox.contains("outbox_due")
                        && outbox.contains("Index Scan using outbox_id_merchant on outbox")
                        && !outbox.contains("Seq Scan on outbox o")
                        && !outbox.contains("Seq Scan on outbox "),
                outbox);
        // retention reads the oldest delivered (applied) rows from their own index, then deletes them by key
        for (String prune : List.of(RetentionStore.PRUNE_OUTBOX, RetentionStore.PRUNE_WEBHOOK_EVENTS)) {
            String pruning = plan("prune", prune, "timestamptz, int, text", "now(), 500, 'm_big'", false);
            assertTrue(
                    pruning.contains("Index Scan using outbox_delivered")
                                    && pruning.contains("Index Scan using outbox_id_merchant")
                            || pruning.contains("Index Scan using webhook_events_applied")
                                    && pruning.contains("Index Scan using webhook_events_id_merchant"),
                    pruning);
            assertTrue(
                    !pruning.contains("Sort") && !pruning.contains("Seq Scan") && !pruning.contains("Join"), pruning);
        }
    }

    /**
     * A request's API key is found by its hash through the one global unique index: on an empty table, as a fresh
     * deployment's connections plan it, and beside 100,000 keys, before and after ANALYZE. A merchant's keys are
     * listed newest first (a key's id begins with its creation time), and a key's last use written, through the primary key
     * that leads with the merchant. (A table of a single
     * page is rightly read whole, as the janitor's claim is below; that plan is not kept as the table grows, since
     * autovacuum analyzes it after 50 rows and a tenth of it changed, and every key in use is updated once a minute.)
     */
    @Test
    void anApiKeyIsFoundByItsHashThroughItsIndexOnAnEmptyAndAFullTable() throws SQLException {
        execute("truncate api_keys");
        for (int round = 0; round < 3; round++) {
            if (round == 2) {
                execute("analyze api_keys");
            }
            if (round == 1) {
                execute("insert into api_keys (merchant_id, id, name, mode, key_hash) select 'm_big', 'key_' || "
                        + "lpad(to_hex(g), 32, '0'), 'bulk', 'full', md5(g::text) || md5((g + 1)::text) "
                        + "from generate_series(1, 100000) g");
            }
            String lookup = plan("key", KeyCredentials.LOOKUP, "text", "md5('7') || md5('8')", true);
            assertTrue(lookup.contains("Index Scan using api_keys_key_hash_key on api_keys"), lookup);
            assertTrue(!lookup.contains("Seq Scan on api_keys"), lookup);
            assertTrue(
                    lookup.contains("api_keys k (actual rows=" + (round == 0 ? 0 : 1) + " loops=1)"),
                    "the one key, or none on the empty table:\n" + lookup);
            String list = plan("list", ApiKeyStore.LIST, "text", "'m_small'", true);
            assertTrue(
                    list.contains("Index Scan Backward using api_keys_pkey on api_keys")
                            && !list.contains("Sort")
                            && !list.contains("Seq Scan on api_keys"),
                    list);
            String used = plan(
                    "used",
                    ApiKeyStore.MARK_USED,
                    "text, text, timestamptz",
                    "'m_big', 'key_" + "0".repeat(31) + "7', '2026-01-01T00:00:00Z'",
                    false);
            assertTrue(used.contains("api_keys_pkey") && !used.contains("Seq Scan on api_keys"), used);
        }
    }

    /**
     * On empty tables the janitor's claim reads the whole (empty) merchant, which is the right plan there; it is not
     * kept as the table grows, because autovacuum's first ANALYZE of refunds invalidates every cached plan on it.
     * The request path's reads, on the other hand, are held to their index even on empty tables. It runs first: the
     * tables are empty when it starts.
     */
    @Test
    @Order(1)
    void everyHotQueryHasItsOnePlanOnEmptyTablesAndOnALargeMerchant() throws SQLException {
        checkEveryHotQuery(false); // what a connection opened on a fresh deployment plans
        execute("prepare kept_claim(timestamptz, int, timestamptz, text[], text) as " + RefundQueries.CLAIM_DUE);
        String empty = explainKept();
        assertTrue(
                empty.contains("Seq Scan on refunds") || empty.contains("Filter: (id = ANY ($1))"),
                "an empty table is read whole (one index or none), rightly:\n" + empty);

        execute(
                "insert into payment_ledger (merchant_id, connector, connector_transaction_id, currency, captured_minor,"
                        + " refunded_minor) select 'm_big', 'stripe', 'pi_' || g, 'USD', 1000, 100 from generate_series(1, "
                        + REFUNDS + ") g");
        execute("insert into refunds (merchant_id, merchant_refund_id, ledger_id, connector, connector_transaction_id,"
                + " connector_refund_id, state, amount_minor, currency, fingerprint, psp_reference, created_at, updated_at)"
                + " select 'm_big', 'r' || g, g, 'stripe', 'pi_' || g, 're_' || g, 'SUCCEEDED', 100, 'USD', 'f',"
                + " 'rf_' || lpad(to_hex(g), 32, '0'), timestamptz '2025-01-01' + g * interval '1 minute',"
                + " timestamptz '2025-01-01' + g * interval '1 minute' from generate_series(1, " + REFUNDS + ") g");
        // delivered notifications and applied webhook events pile up until retention removes them
        execute("insert into outbox (merchant_id, refund_id, kind, event_id, event_type, payload, delivered_at, "
                + "created_at) select 'm_big', g, 'notification', 'evt_' || g, 'refund.succeeded', '{}', "
                + "timestamptz '2025-01-01' + g * interval '1 minute', timestamptz '2025-01-01' + g * interval '1 minute' "
                + "from generate_series(1, " + REFUNDS + ") g");
        execute("insert into webhook_events (merchant_id, connector, event_id, payload, refund_id, received_at, "
                + "applied_at) select 'm_big', 'stripe', 'evt_' || g, '{}', g, timestamptz '2025-01-01' + g * interval "
                + "'1 minute', timestamptz '2025-01-01' + g * interval '1 minute' from generate_series(1, " + REFUNDS
                + ") g");
        execute("analyze");
        String kept = explainKept();
        assertTrue(
                kept.contains("refunds_due")
                        && kept.contains("Index Scan using refunds_id_merchant on refunds")
                        && !kept.contains("Seq Scan on refunds")
                        && MERCHANT_WIDE.stream().noneMatch(kept::contains),
                "the plan the connection had kept was made again after the ANALYZE:\n" + kept);
        checkEveryHotQuery(true);

        // the backlog gauges, read every few seconds on every replica, count through partial indexes of what waits
        String backlog = plan("backlog", BacklogStore.BACKLOG, "", "", true);
        assertTrue(
                backlog.contains("refunds_manual_review")
                        && backlog.contains("refunds_due")
                        && !backlog.contains("Seq Scan on refunds")
                        && !backlog.contains("Seq Scan on outbox"),
                "the backlog read scans no table:\n" + backlog);

        checkTheConsolesReads();

        // and reading one refund of a large merchant costs what it costs in an empty table: a few buffers
        String read = plan(
                "by_ref",
                RefundQueries.BY_PSP_REFERENCE,
                "text, text",
                "'rf_" + "0".repeat(29) + "04d', 'm_big'",
                true);
        Matcher buffers = Pattern.compile("Buffers: shared (?:hit=(\\d+))?\\s*(?:read=(\\d+))?")
                .matcher(read);
        assertTrue(buffers.find(), read);
        long touched = (buffers.group(1) == null ? 0 : Long.parseLong(buffers.group(1)))
                + (buffers.group(2) == null ? 0 : Long.parseLong(buffers.group(2)));
        assertTrue(touched <= 5, touched + " buffers for one refund:\n" + read);
    }

    /**
     * Reconciliation's reads and writes, on a merchant with 60,000 refunds at two PSPs, 2,000 runs and a run of
     * 100,000 items: each from its index, none scanning a table. A run reads the window's refunds in creation order
     * along the merchant's newest-first index (the other PSP's passed over: no index of their own, which the webhooks'
     * read by PSP refund id would be offered, see the test above), finds the refunds of a page of PSP records by their
     * ids and references, and its items by key; the lists read the newest runs and a run's exceptions in order.
     */
    @Test
    @Order(2)
    void reconciliationsQueriesUseTheirIndexes() throws SQLException {
        execute("insert into merchants (id, name, api_key_hash) values ('m_recon', 'Recon', 'h3')");
        execute("insert into connector_accounts (merchant_id, connector, enabled, credentials_enc) values "
                + "('m_recon', 'stripe', true, 'x'), ('m_recon', 'exodus', true, 'x')");
        execute(
                "insert into payment_ledger (merchant_id, connector, connector_transaction_id, currency, captured_minor)"
                        + " select 'm_recon', case when g % 2 = 0 then 'stripe' else 'exodus' end, 'pr_' || g, 'USD', 1000"
                        + " from generate_series(1, 60000) g");
        execute("insert into refunds (merchant_id, merchant_refund_id, ledger_id, connector, connector_transaction_id,"
                + " connector_refund_id, state, amount_minor, currency, fingerprint, psp_reference, created_at, updated_at)"
                + " select 'm_recon', 'rr' || g, l.id, l.connector, l.connector_transaction_id, 're_r' || g,"
                + " case when g % 10 = 0 then 'PENDING' else 'SUCCEEDED' end, 100, 'USD', 'f', 'rf_r' || lpad(to_hex(g), 30, '0'),"
                + " timestamptz '2026-01-01' + g * interval '10 seconds', timestamptz '2026-01-01' + g * interval '10 seconds'"
                + " from payment_ledger l, lateral (select substring(l.connector_transaction_id from 4)::int as g) n"
                + " where l.merchant_id = 'm_recon'");
        execute(
                "insert into reconciliation_runs (merchant_id, id, connector, window_from, window_to, source, started_by,"
                        + " status, started_at, finished_at, lease_until) select 'm_recon', 'rec_' || lpad(to_hex(g), 32, '0'),"
                        + " 'stripe', timestamptz '2026-01-01' + g * interval '1 day', timestamptz '2026-01-02' + g * interval '1 day',"
                        + " 'list', 'schedule', case when g = 7 then 'running' else 'completed' end,"
                        + " timestamptz '2026-01-02' + g * interval '1 day', timestamptz '2026-01-02' + g * interval '1 day',"
                        + " null from generate_series(1, 2000) g");
        // and the daily runs of 20 other merchants' accounts
        execute("insert into merchants (id, name, api_key_hash) select 'm_daily' || g, 'Daily', 'hd' || g"
                + " from generate_series(1, 20) g");
        execute(
                "insert into reconciliation_runs (merchant_id, id, connector, window_from, window_to, source, started_by,"
                        + " status, started_at) select 'm_daily' || (g % 20 + 1), 'rec_' || lpad(to_hex(100000 + g), 32, '0'),"
                        + " 'stripe', timestamptz '2026-01-01' + g * interval '1 hour', timestamptz '2026-01-02' + g * interval"
                        + " '1 hour', 'list', 'schedule', 'completed', timestamptz '2026-01-02' + g * interval '1 hour'"
                        + " from generate_series(1, 20000) g");
        execute("insert into reconciliation_items (merchant_id, run_id, item_key, kind, refund_id, counted, created_at)"
                + " select 'm_recon', 'rec_' || lpad(to_hex(1), 32, '0'), 'psp:re_r' || g,"
                + " case when g % 50 = 0 then 'mismatched' else 'matched' end, g, true,"
                + " timestamptz '2026-01-03' + g * interval '1 second' from generate_series(1, 100000) g");
        execute("insert into reconciliation_psp_records (merchant_id, run_id, line, connector_refund_id, outcome,"
                + " adoptable) select 'm_recon', 'rec_' || lpad(to_hex(2), 32, '0'), g, 're_s' || g, 'succeeded', true"
                + " from generate_series(1, 20000) g");
        execute("analyze");
        String run = "'rec_" + "0".repeat(31) + "1'";
        for (String[] read : List.of(
                new String[] {
                    ReconciliationQueries.WINDOW,
                    "text, text, timestamptz, timestamptz, timestamptz, bigint, int",
                    "'m_recon', 'exodus', '2026-01-02', '2026-01-03', '2026-01-02', 0, 50",
                    "refunds_newest_first"
                },
                new String[] {
                    ReconciliationQueries.UNSEEN,
                    "text, text, timestamptz, timestamptz, timestamptz, bigint, int, text",
                    "'m_recon', 'stripe', '2026-01-02', '2026-01-03', '2026-01-02', 0, 200, " + run,
                    "refunds_newest_first"
                },
                new String[] {
                    ReconciliationQueries.REFUNDS_OF,
                    "text, text[], text[], text",
                    "'stripe', '{re_r2,re_r4,re_r6}', '{rf_r" + "0".repeat(29) + "2}', 'm_recon'",
                    "refunds_by_connector_refund"
                },
                new String[] {
                    ReconciliationQueries.RESOLVED_BY_OPERATOR,
                    "bigint[], text",
                    "'{1,2,3}', 'm_recon'",
                    "refund_events_by_operator"
                },
                new String[] {ReconciliationQueries.BY_ID, "text", run, "reconciliation_runs_by_id"},
                new String[] {
                    ReconciliationQueries.CLAIM,
                    "text, timestamptz, timestamptz",
                    "'replica-a', now(), now()",
                    "reconciliation_runs_claimable"
                },
                new String[] {
                    ReconciliationQueries.NEXT_PAYMENT,
                    "text, text, text",
                    "'m_recon', 'stripe', 'pr_100'",
                    "payment_ledger_merchant_id_connector_transaction_id_key"
                },
                new String[] {
                    ReconciliationQueries.STAGED,
                    "text, text, bigint, int",
                    "'m_recon', 'rec_" + "0".repeat(31) + "2', 500, 200",
                    "reconciliation_psp_records_pkey"
                },
                new String[] {
                    ReconciliationReads.EXCEPTIONS,
                    "text, text, bigint, int",
                    "'m_recon', " + run + ", 0, 101",
                    "reconciliation_items_exceptions"
                },
                new String[] {
                    ReconciliationReads.RUNS_OF_MERCHANT,
                    "text, timestamptz, text, int",
                    "'m_recon', '9999-12-31', '', 21",
                    "reconciliation_runs_newest"
                },
                new String[] {
                    ReconciliationReads.RUNS,
                    "timestamptz, text, int",
                    "'9999-12-31', '', 51",
                    "reconciliation_runs_all_newest"
                },
                new String[] {
                    ReconciliationReads.ATTENTION,
                    "timestamptz, int",
                    "'2026-01-04', 100",
                    "reconciliation_items_attention"
                },
                new String[] {
                    ReconciliationReads.ACCOUNTS, "text[]", "'{stripe,exodus}'", "reconciliation_runs_by_account"
                })) {
            String p = plan("recon", read[0], read[1], read[2], true);
            assertTrue(p.contains(read[3]), "expected " + read[3] + " in\n" + p);
            for (String table : List.of(
                    "refunds",
                    "reconciliation_runs",
                    "reconciliation_items",
                    "reconciliation_psp_records",
                    "refund_events")) {
                assertTrue(!p.contains("Seq Scan on " + table + " "), "a sequential scan of " + table + " in\n" + p);
            }
        }
        // the missing sweep reads only the window's refunds of its PSP, and their items by key
        String unseen = plan(
                "recon",
                ReconciliationQueries.UNSEEN,
                "text, text, timestamptz, timestamptz, timestamptz, bigint, int, text",
                "'m_recon', 'stripe', '2026-01-02', '2026-01-03', '2026-01-02', 0, 200, " + run,
                true);
        assertTrue(unseen.contains("reconciliation_items_by_refund") && !unseen.contains("Sort"), unseen);
    }

    /**
     * The operator console's reads, on the large table: each from an index of what it lists, none scanning refunds
     * or the outbox. A payment looked up across merchants goes through each merchant's payment index.
     */
    void checkTheConsolesReads() throws SQLException {
        execute(
                "insert into refund_events (refund_id, merchant_id, to_state, cause) select g, 'm_big', 'SUCCEEDED', 'PSP' "
                        + "from generate_series(1, " + REFUNDS + ") g");
        execute("analyze refund_events");
        RefundStore.RefundFilter payment = new RefundStore.RefundFilter(Set.of(), null, "pi_77", null, null, 50, null);
        String byPayment =
                plan("any_payment", ConsoleStore.acrossMerchants(payment).sql(), "text, int", "'pi_77', 51", true);
        assertTrue(byPayment.contains("refunds_by_payment") && !byPayment.contains("Seq Scan on refunds"), byPayment);
        RefundStore.RefundFilter newest = new RefundStore.RefundFilter(Set.of(), null, null, null, null, 50, null);
        String recent = plan("any_newest", ConsoleStore.acrossMerchants(newest).sql(), "int", "51", true);
        assertTrue(
                recent.contains("Index Scan Backward using refunds_id_merchant on refunds") && !recent.contains("Sort"),
                recent);
        for (String[] read : List.of(
                new String[] {ConsoleStore.MANUAL_REVIEW, "int", "100", "refunds_manual_review"},
                new String[] {
                    ConsoleStore.UNSETTLED, "text[], int, int", "'{RECEIVED,UNKNOWN,PENDING}', 3, 100", "refunds_due"
                },
                new String[] {
                    ConsoleStore.EXTERNAL,
                    "timestamptz, int",
                    "now() - interval '30 days', 100",
                    "refunds_external_by_time"
                },
                new String[] {ConsoleStore.EVENTS, "bigint, text", "77, 'm_big'", "refund_events_by_refund"},
                new String[] {
                    ConsoleStore.WEBHOOKS, "bigint, text, text", "77, 'm_big', 're_77'", "webhook_events_by_refund"
                },
                new String[] {ConsoleStore.OUTBOX_OF_REFUND, "bigint, text", "77, 'm_big'", "outbox_by_refund"},
                new String[] {ConsoleStore.FAILING, "int", "100", "outbox_due"})) {
            String p = plan("console", read[0], read[1], read[2], true);
            assertTrue(p.contains(read[3]), "expected " + read[3] + " in\n" + p);
            assertTrue(!p.contains("Seq Scan on refunds") && !p.contains("Seq Scan on outbox"), p);
        }
        String webhooks = plan("console", ConsoleStore.WEBHOOKS, "bigint, text, text", "77, 'm_big', 're_77'", true);
        assertTrue(webhooks.contains("webhook_events_unmatched"), webhooks);
    }
}
