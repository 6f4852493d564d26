package dev.refract.store;

import dev.refract.refund.Cause;
import dev.refract.refund.ConnectorAccount;
import dev.refract.refund.CreateRefund;
import dev.refract.refund.Money;
import dev.refract.refund.PaymentLedger;
import dev.refract.refund.Refund;
import dev.refract.refund.RefundError;
import dev.refract.refund.RefundState;
import dev.refract.refund.RefundStore;
import dev.refract.refund.WebhookEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.pgclient.PgException;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * The refund store on the reactive PostgreSQL client. The money path is plain SQL on purpose: the row lock of
 * a create, the version check of an update and the SKIP LOCKED claim of the janitor are each one visible
 * statement, with no ORM deciding when to flush.
 */
@ApplicationScoped
public class SqlRefundStore implements RefundStore {

    private static final Logger LOG = Logger.getLogger(SqlRefundStore.class);
    private static final String UNIQUE_VIOLATION = "23505";

    private final Pool pool;
    private final AccountStore accounts;
    private final WebhookRows webhooks;

    SqlRefundStore(Pool pool, AccountStore accounts) {
        this.pool = pool;
        this.accounts = accounts;
        this.webhooks = new WebhookRows(pool);
    }

    @Override
    public Uni<Refund> find(String merchantId, String merchantRefundId) {
        return find(pool, merchantId, merchantRefundId);
    }

    /** On the pool, or inside a transaction on its connection: by the PSP reference the two derive. */
    static Uni<Refund> find(SqlClient client, String merchantId, String merchantRefundId) {
        return client.preparedQuery(RefundQueries.BY_PSP_REFERENCE)
                .execute(Tuple.of(Refund.pspReferenceFor(merchantId, merchantRefundId)))
                .map(rows -> ownRefund(rows, merchantId, merchantRefundId));
    }

    /** The row, if it is this merchant's refund of this id. */
    private static Refund ownRefund(RowSet<Row> rows, String merchantId, String merchantRefundId) {
        return ownRefund(firstRefund(rows), merchantId, merchantRefundId);
    }

    /** The refund found by PSP reference, if it is this merchant's of this id (anything else is a digest collision). */
    private static Refund ownRefund(Refund r, String merchantId, String merchantRefundId) {
        return r != null && r.merchantId().equals(merchantId) && r.merchantRefundId().equals(merchantRefundId)
                ? r : null;
    }

    @Override
    public Uni<Refund> findById(long id) {
        return pool.preparedQuery("select * from refunds where id = $1").execute(Tuple.of(id))
                .map(SqlRefundStore::firstRefund);
    }

    @Override
    public Uni<Lookup> lookup(String merchantId, String merchantRefundId, String connectorTransactionId) {
        return pool.preparedQuery(RefundQueries.LOOKUP)
                .execute(Tuple.of(Refund.pspReferenceFor(merchantId, merchantRefundId), merchantId,
                        connectorTransactionId))
                .map(rows -> {
                    Row row = rows.iterator().next();
                    Refund existing = row.getLong("id") == null ? null
                            : ownRefund(RowMapping.refund(row), merchantId, merchantRefundId);
                    RecordedPayment payment = row.getString("ledger_connector") == null ? null
                            : new RecordedPayment(row.getString("ledger_connector"), ledgerOf(row, "ledger_"));
                    return new Lookup(existing, payment);
                });
    }

    /**
     * Records a new refund in one transaction of two statements: lock (or create) the payment's ledger row; then
     * the refund, its first event, its notification and the ledger's reservation together. A refund that already
     * exists under this merchant_refund_id is the answer instead (read by a third), and nothing is written.
     */
    @Override
    public Uni<Recorded> record(String merchantId, CreateRefund command, String connector, Money captured,
                                Instant firstAction) {
        return pool.withTransaction(conn -> lockLedger(conn, merchantId, command.connectorTransactionId(), connector)
                        .chain(ledgerRow -> insert(conn, merchantId, command, connector, captured, firstAction, ledgerRow)))
                .onFailure(SqlRefundStore::isUniqueViolation)
                // belt and braces: the insert yields to an existing merchant_refund_id by itself
                .recoverWithUni(() -> find(merchantId, command.merchantRefundId()).map(r -> new Recorded(r, false)));
    }

    /**
     * The payment's ledger row, created if new, locked until the transaction ends (an upsert locks the row it
     * meets, as {@code FOR UPDATE} would): concurrent refunds of one payment are recorded one at a time.
     */
    private Uni<Row> lockLedger(SqlConnection conn, String merchantId, String transactionId, String connector) {
        return conn.preparedQuery("insert into payment_ledger (merchant_id, connector, connector_transaction_id) "
                        + "values ($1, $2, $3) on conflict (merchant_id, connector_transaction_id) "
                        + "do update set merchant_id = excluded.merchant_id returning *")
                .execute(Tuple.of(merchantId, connector, transactionId))
                .map(rows -> {
                    Row row = rows.iterator().next();
                    String recorded = row.getString("connector");
                    if (!recorded.equals(connector)) {
                        throw RefundError.InvalidRequest.of("connector", "payment " + transactionId
                                + " was refunded through " + recorded + ", not " + connector);
                    }
                    return row;
                });
    }

    private Uni<Recorded> insert(SqlConnection conn, String merchantId, CreateRefund command, String connector,
                                 Money captured, Instant firstAction, Row ledgerRow) {
        long ledgerId = ledgerRow.getLong("id");
        PaymentLedger.Reservation reservation;
        try {
            reservation = ledgerOf(ledgerRow, "").reserve(command.amount(), captured);
        } catch (RefundError refused) {
            // an identical request recorded since the caller looked has taken the amount: it is the answer
            return find(conn, merchantId, command.merchantRefundId()).map(found -> {
                if (found == null) {
                    throw refused;
                }
                return new Recorded(found, false);
            });
        }
        PaymentLedger reserved = reservation.ledger();
        String pspReference = Refund.pspReferenceFor(merchantId, command.merchantRefundId());
        Statement statement = new Statement();
        String merchant = statement.parameter(merchantId);
        String merchantRefundId = statement.parameter(command.merchantRefundId());
        String ledger = statement.parameter(ledgerId, "bigint");
        // inserted only if the merchant_refund_id is new; the check reads without waiting on anyone's row lock
        statement.with("r", "insert into refunds (merchant_id, merchant_refund_id, ledger_id, connector, "
                + "connector_transaction_id, state, amount_minor, currency, reason, metadata, connector_options, "
                + "fingerprint, psp_reference, next_action_at, created_at, updated_at) select "
                + String.join(", ", merchant, merchantRefundId, ledger, statement.parameter(connector),
                        statement.parameter(command.connectorTransactionId()),
                        statement.parameter(RefundState.RECEIVED.name()),
                        statement.parameter(reservation.amount().minorAmount(), "bigint"),
                        statement.parameter(reservation.amount().currency()), statement.parameter(command.reason()),
                        statement.parameter(RowMapping.json(command.metadata()), "jsonb"),
                        statement.parameter(RowMapping.json(command.connectorOptions()), "jsonb"),
                        statement.parameter(command.fingerprint()), statement.parameter(pspReference),
                        statement.parameter(RowMapping.time(firstAction), "timestamptz"))
                + ", clock_timestamp(), clock_timestamp() where not exists (select 1 from refunds where psp_reference = "
                + statement.parameter(pspReference) + ") "
                + "on conflict (merchant_id, merchant_refund_id) do nothing returning *");
        Refund.Event created = new Refund.Event(null, RefundState.RECEIVED, Cause.API, null,
                "recorded " + reservation.amount());
        appendEvent(statement, "r", created);
        OutboxWrites.afterChange(statement, "r", pspReference, created);
        statement.with("reserved", "update payment_ledger set currency = " + statement.parameter(reserved.currency())
                + ", captured_minor = " + statement.parameter(reserved.capturedMinor())
                + ", in_flight_minor = " + statement.parameter(reserved.inFlightMinor())
                + ", updated_at = now() where id = " + ledger + " and exists (select 1 from r)");
        return conn.preparedQuery(statement.sql("r")).execute(statement.parameters())
                .chain(rows -> rows.size() > 0
                        ? Uni.createFrom().item(new Recorded(firstRefund(rows), true))
                        : find(conn, merchantId, command.merchantRefundId()).map(r -> new Recorded(r, false)));
    }

    @Override
    public Uni<Recorded> adopt(Refund.Applied adoption, List<String> paymentIds) {
        Refund r = adoption.refund();
        return pool.withTransaction(conn -> conn.preparedQuery("select * from payment_ledger where merchant_id = $1 "
                                + "and connector_transaction_id = any($2) "
                                + "order by array_position($2, connector_transaction_id) limit 1 for update")
                        .execute(Tuple.of(r.merchantId(), paymentIds.toArray(String[]::new)))
                        .chain(found -> found.size() > 0 ? Uni.createFrom().item(found.iterator().next())
                                : lockLedger(conn, r.merchantId(), paymentIds.get(0), r.connector()))
                        .chain(ledgerRow -> insertExternal(conn, adoption, ledgerRow)))
                .onFailure(RefundError.class).recoverWithItem(refused -> {
                    LOG.warnf("external %s refund %s of merchant %s not adopted: %s; its event is kept for "
                            + "reconciliation", r.connector(), r.connectorRefundId(), r.merchantId(),
                            refused.getMessage());
                    return new Recorded(null, false);
                });
    }

    private Uni<Recorded> insertExternal(SqlConnection conn, Refund.Applied adoption, Row ledgerRow) {
        Refund r = adoption.refund();
        String paymentId = ledgerRow.getString("connector_transaction_id");
        if (!ledgerRow.getString("connector").equals(r.connector())) {
            throw RefundError.InvalidRequest.of("connector", "payment " + paymentId + " was refunded through "
                    + ledgerRow.getString("connector") + ", not " + r.connector());
        }
        PaymentLedger counted = ledgerOf(ledgerRow, "").withExternal(r.amount(), r.state());
        Statement statement = new Statement();
        String merchant = statement.parameter(r.merchantId());
        statement.with("r", "insert into refunds (merchant_id, merchant_refund_id, ledger_id, connector, "
                + "connector_transaction_id, connector_refund_id, state, connector_status, amount_minor, currency, "
                + "metadata, connector_details, error, fingerprint, psp_reference, next_action_at, external, "
                + "created_at, updated_at) values (" + String.join(", ", merchant,
                        statement.parameter(r.merchantRefundId()),
                        statement.parameter(ledgerRow.getLong("id"), "bigint"), statement.parameter(r.connector()),
                        statement.parameter(paymentId), statement.parameter(r.connectorRefundId()),
                        statement.parameter(r.state().name()), statement.parameter(r.connectorStatus()),
                        statement.parameter(r.amount().minorAmount(), "bigint"),
                        statement.parameter(r.amount().currency()),
                        statement.parameter(RowMapping.json(r.metadata()), "jsonb"),
                        statement.parameter(RowMapping.json(r.connectorDetails()), "jsonb"),
                        statement.parameter(RowMapping.json(r.failure()), "jsonb"),
                        statement.parameter(r.fingerprint()), statement.parameter(r.pspReference()),
                        statement.parameter(RowMapping.time(r.nextActionAt()), "timestamptz"))
                + ", true, clock_timestamp(), clock_timestamp()) on conflict do nothing returning *");
        appendEvent(statement, "r", adoption.event());
        OutboxWrites.afterChange(statement, "r", r.pspReference(), adoption.event());
        statement.with("counted", "update payment_ledger set currency = " + statement.parameter(counted.currency())
                + ", in_flight_minor = " + statement.parameter(counted.inFlightMinor())
                + ", refunded_minor = " + statement.parameter(counted.refundedMinor())
                + ", updated_at = now() where id = " + statement.parameter(ledgerRow.getLong("id"), "bigint")
                + " and exists (select 1 from r)");
        return conn.preparedQuery(statement.sql("r")).execute(statement.parameters())
                .chain(rows -> rows.size() > 0
                        ? Uni.createFrom().item(new Recorded(firstRefund(rows), true))
                        : find(conn, r.merchantId(), r.merchantRefundId()).map(existing -> new Recorded(existing, false)));
    }

    /**
     * Saves an applied change in one statement: the refund under its version check, and with it the event, what
     * the change owes the outbox and the ledger's movement. A stale version writes nothing.
     */
    @Override
    public Uni<Refund> save(Refund.Applied applied) {
        Refund r = applied.refund();
        Statement statement = new Statement();
        statement.with("s", "update refunds set state = " + statement.parameter(r.state().name())
                + ", connector_refund_id = " + statement.parameter(r.connectorRefundId())
                + ", connector_status = " + statement.parameter(r.connectorStatus())
                + ", connector_details = " + statement.parameter(RowMapping.json(r.connectorDetails()))
                + ", error = " + statement.parameter(RowMapping.json(r.failure()))
                + ", amount_minor = " + statement.parameter(r.amount().minorAmount(), "bigint")
                + ", attempts = " + statement.parameter(r.attempts())
                + ", next_action_at = " + statement.parameter(RowMapping.time(r.nextActionAt()))
                + ", version = version + 1, updated_at = clock_timestamp() where id = " + statement.parameter(r.id())
                + " and version = " + statement.parameter(r.version()) + " returning *");
        if (applied.event() != null) {
            appendEvent(statement, "s", applied.event());
            OutboxWrites.afterChange(statement, "s", r.pspReference(), applied.event());
        }
        if (!applied.ledger().isZero()) {
            statement.with("moved", "update payment_ledger set in_flight_minor = in_flight_minor + "
                    + statement.parameter(applied.ledger().inFlight()) + ", refunded_minor = refunded_minor + "
                    + statement.parameter(applied.ledger().refunded()) + ", updated_at = now() "
                    + "where id = (select ledger_id from s)");
        }
        return pool.preparedQuery(statement.sql("s")).execute(statement.parameters()).map(rows -> {
            if (rows.size() == 0) {
                throw new StaleRefund(r.id());
            }
            return firstRefund(rows);
        });
    }

    private static void appendEvent(Statement statement, String source, Refund.Event event) {
        statement.with("logged", "insert into refund_events (refund_id, from_state, to_state, cause, "
                + "connector_status, detail) select id, "
                + statement.parameter(event.from() == null ? null : event.from().name()) + ", "
                + statement.parameter(event.to().name()) + ", " + statement.parameter(event.cause().name()) + ", "
                + statement.parameter(event.connectorStatus()) + ", " + statement.parameter(event.detail())
                + " from " + source);
    }

    @Override
    public Uni<List<Refund>> claimDue(Instant now, int limit, Duration lease) {
        return pool.preparedQuery(RefundQueries.CLAIM_DUE)
                .execute(Tuple.tuple()
                        .addValue(RowMapping.time(now))
                        .addInteger(limit)
                        .addValue(RowMapping.time(now.plus(lease)))
                        .addArrayOfString(RefundState.IN_FLIGHT.stream().map(Enum::name).toArray(String[]::new)))
                .map(rows -> {
                    List<Refund> claimed = new ArrayList<>();
                    rows.forEach(row -> claimed.add(RowMapping.refund(row)));
                    return claimed;
                });
    }

    @Override
    public Uni<RefundPage> list(String merchantId, RefundFilter filter) {
        RefundQueries.Listing listing = RefundQueries.listing(merchantId, filter);
        return pool.preparedQuery(listing.sql()).execute(listing.args()).map(rows -> {
            List<Refund> data = new ArrayList<>();
            rows.forEach(row -> data.add(RowMapping.refund(row)));
            boolean hasMore = data.size() > filter.limit();
            return new RefundPage(hasMore ? data.subList(0, filter.limit()) : data, hasMore);
        });
    }

    @Override
    public Uni<StoredWebhook> recordWebhook(String merchantId, String connector, WebhookEvent event) {
        return webhooks.record(merchantId, connector, event);
    }

    @Override
    public Uni<Refund> findForWebhook(String merchantId, String connector, String merchantRefundId,
                                      String connectorRefundId) {
        return webhooks.refundFor(merchantId, connector, merchantRefundId, connectorRefundId);
    }

    @Override
    public Uni<Void> markWebhookApplied(long webhookId, long refundId) {
        return webhooks.markApplied(webhookId, refundId);
    }

    @Override
    public Uni<List<Refund>> stuck(int minAttempts, int limit) {
        return pool.preparedQuery("select * from refunds where state = 'MANUAL_REVIEW' or (state = any($1) and "
                        + "attempts >= $2) order by updated_at limit $3")
                .execute(Tuple.tuple()
                        .addArrayOfString(RefundState.IN_FLIGHT.stream().map(Enum::name).toArray(String[]::new))
                        .addInteger(minAttempts).addInteger(limit))
                .map(rows -> {
                    List<Refund> refunds = new ArrayList<>();
                    rows.forEach(row -> refunds.add(RowMapping.refund(row)));
                    return refunds;
                });
    }

    @Override
    public Uni<List<ConnectorAccount>> accounts(String merchantId) {
        return accounts.forMerchant(merchantId);
    }

    static Refund firstRefund(RowSet<Row> rows) {
        return rows.size() == 0 ? null : RowMapping.refund(rows.iterator().next());
    }

    /** The ledger's totals from a row, its columns named with {@code prefix} (empty for a payment_ledger row). */
    private static PaymentLedger ledgerOf(Row row, String prefix) {
        return new PaymentLedger(row.getString(prefix + "currency"), row.getLong(prefix + "captured_minor"),
                row.getLong(prefix + "in_flight_minor"), row.getLong(prefix + "refunded_minor"));
    }

    private static boolean isUniqueViolation(Throwable t) {
        return t instanceof PgException pg && UNIQUE_VIOLATION.equals(pg.getSqlState());
    }
}
