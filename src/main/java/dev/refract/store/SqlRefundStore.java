package dev.refract.store;

import dev.refract.refund.AuditEntry;
import dev.refract.refund.ConnectorAccount;
import dev.refract.refund.ConnectorRouter;
import dev.refract.refund.CreateRefund;
import dev.refract.refund.Owed;
import dev.refract.refund.PaymentLedger;
import dev.refract.refund.Recording;
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
    private static final String CHECK_VIOLATION = "23514";

    /**
     * The payment's ledger row, created if new, locked until the transaction ends (an upsert locks the row it
     * meets, as {@code FOR UPDATE} would): concurrent refunds of one payment are recorded one at a time.
     */
    static final String LOCK_LEDGER = """
            insert into payment_ledger (merchant_id, connector, connector_transaction_id)
            values ($1, $2, $3)
            on conflict (merchant_id, connector_transaction_id) do update set merchant_id = excluded.merchant_id
            returning *""";

    /** The first of the payments ($2) of the merchant ($1) that has a ledger row, locked. */
    static final String LOCK_LEDGER_OF_PAYMENTS = """
            select * from payment_ledger
            where merchant_id = $1 and connector_transaction_id = any($2)
            order by array_position($2, connector_transaction_id) limit 1
            for update""";

    /** Across merchants, for the operator API: MANUAL_REVIEW, and in flight after many attempts; oldest first. */
    static final String STUCK = "select * from refunds where state = 'MANUAL_REVIEW' or (state = any($1) and "
            + "attempts >= $2) order by updated_at limit $3";

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
                .execute(Tuple.of(Refund.pspReferenceFor(merchantId, merchantRefundId), merchantId))
                .map(rows -> ownRefund(rows, merchantId, merchantRefundId));
    }

    /** The row, if it is this merchant's refund of this id. */
    private static Refund ownRefund(RowSet<Row> rows, String merchantId, String merchantRefundId) {
        return ownRefund(firstRefund(rows), merchantId, merchantRefundId);
    }

    /** The refund found by PSP reference, if it is this merchant's of this id (anything else is a digest collision). */
    private static Refund ownRefund(Refund r, String merchantId, String merchantRefundId) {
        return r != null
                        && r.merchantId().equals(merchantId)
                        && r.merchantRefundId().equals(merchantRefundId)
                ? r
                : null;
    }

    @Override
    public Uni<Refund> findById(String merchantId, long id) {
        return pool.preparedQuery(RefundQueries.BY_ID)
                .execute(Tuple.of(id, merchantId))
                .map(SqlRefundStore::firstRefund);
    }

    @Override
    public Uni<Lookup> lookup(String merchantId, String merchantRefundId, String connectorTransactionId) {
        return pool.preparedQuery(RefundQueries.LOOKUP)
                .execute(Tuple.of(
                        Refund.pspReferenceFor(merchantId, merchantRefundId), merchantId, connectorTransactionId))
                .map(rows -> {
                    Row row = rows.iterator().next();
                    Refund existing = row.getLong("id") == null
                            ? null
                            : ownRefund(RowMapping.refund(row), merchantId, merchantRefundId);
                    RecordedPayment payment = row.getString("ledger_connector") == null
                            ? null
                            : new RecordedPayment(row.getString("ledger_connector"), ledgerOf(row, "ledger_"));
                    return new Lookup(existing, payment);
                });
    }

    /**
     * Records a new refund, and reserves its amount in the payment's ledger, in one statement when the ledger is as
     * the create read it: the first refund of a payment inserts the ledger row ({@link RefundWrites#RECORD_FIRST}),
     * a later one moves the row it read by a conditional update ({@link RefundWrites#RECORD_ON_SEEN_LEDGER}). When
     * the row has moved since, or the reservation is refused on what was read, the refund is recorded in one
     * transaction under the row's lock ({@link #recordUnderLock}), which decides on the row as it is. A refund
     * that already exists under this merchant_refund_id is the answer instead, and nothing is written.
     */
    @Override
    public Uni<Recorded> record(Recording recording) {
        CreateRefund command = recording.command();
        return recordAsRead(recording)
                .chain(recorded -> recorded != null ? Uni.createFrom().item(recorded) : recordUnderLock(recording))
                .onFailure(SqlRefundStore::isUniqueViolation)
                // a refund of this merchant_refund_id committed meanwhile: it is the answer
                .recoverWithUni(() ->
                        find(recording.merchantId(), command.merchantRefundId()).map(r -> new Recorded(r, false)));
    }

    /** The one-statement record on the ledger as the create read it; null when that is no longer the ledger. */
    private Uni<Recorded> recordAsRead(Recording recording) {
        PaymentLedger seen = recording.seenLedger();
        PaymentLedger.Reservation reservation;
        try {
            reservation = recording.reserveIn(seen == null ? PaymentLedger.EMPTY : seen);
        } catch (RefundError refusedOnWhatWasRead) {
            // decided again on the row under its lock: a refund of the payment may have ended since it was read
            return Uni.createFrom().nullItem();
        }
        Tuple parameters = recordParameters(recording, reservation);
        String statement = seen == null ? RefundWrites.RECORD_FIRST : RefundWrites.RECORD_ON_SEEN_LEDGER;
        if (seen != null) {
            parameters
                    .addValue(seen.currency())
                    .addValue(seen.capturedMinor())
                    .addValue(seen.inFlightMinor())
                    .addValue(seen.refundedMinor());
        }
        return pool.preparedQuery(statement)
                .execute(parameters)
                .map(rows -> rows.size() > 0 ? new Recorded(firstRefund(rows), true) : null);
    }

    /**
     * Records a new refund in one transaction of two statements: lock (or create) the payment's ledger row; then
     * the refund, its first event, what it owes and the ledger's reservation together ({@link RefundWrites#RECORD}).
     */
    private Uni<Recorded> recordUnderLock(Recording recording) {
        CreateRefund command = recording.command();
        return pool.withTransaction(conn -> lockLedger(
                        conn, recording.merchantId(), command.connectorTransactionId(), recording.connector())
                .chain(ledgerRow -> insert(conn, recording, ledgerRow)));
    }

    /** The payment's ledger row ({@link #LOCK_LEDGER}). */
    private Uni<Row> lockLedger(SqlConnection conn, String merchantId, String transactionId, String connector) {
        return conn.preparedQuery(LOCK_LEDGER)
                .execute(Tuple.of(merchantId, connector, transactionId))
                .map(rows -> rows.iterator().next());
    }

    private Uni<Recorded> insert(SqlConnection conn, Recording recording, Row ledgerRow) {
        CreateRefund command = recording.command();
        recording.requireConnectorOf(ledgerRow.getString("connector"));
        PaymentLedger.Reservation reservation;
        try {
            reservation = recording.reserveIn(ledgerOf(ledgerRow, ""));
        } catch (RefundError refused) {
            // an identical request recorded since the caller looked has taken the amount: it is the answer
            return find(conn, recording.merchantId(), command.merchantRefundId())
                    .map(found -> {
                        if (found == null) {
                            throw refused;
                        }
                        return new Recorded(found, false);
                    });
        }
        Tuple parameters = recordParameters(recording, reservation).addValue(ledgerRow.getLong("id"));
        return conn.preparedQuery(RefundWrites.RECORD)
                .execute(parameters)
                .chain(rows -> rows.size() > 0
                        ? Uni.createFrom().item(new Recorded(firstRefund(rows), true))
                        : find(conn, recording.merchantId(), command.merchantRefundId())
                                .map(r -> new Recorded(r, false)));
    }

    /** {@code $1}–{@code $24} of the three record statements: the event, what it owes, the refund, the ledger. */
    private static Tuple recordParameters(Recording recording, PaymentLedger.Reservation reservation) {
        CreateRefund command = recording.command();
        PaymentLedger reserved = reservation.ledger();
        Refund.Event first = recording.firstEvent(reservation.amount());
        String pspReference = recording.pspReference();
        return RefundWrites.eventAndOwed(first, Owed.by(first, command.metadata()), pspReference)
                .addValue(recording.merchantId())
                .addValue(command.merchantRefundId())
                .addValue(recording.connector())
                .addValue(command.connectorTransactionId())
                .addValue(reservation.amount().minorAmount())
                .addValue(reservation.amount().currency())
                .addValue(command.reason())
                .addValue(RowMapping.json(command.metadata()))
                .addValue(RowMapping.json(command.connectorOptions()))
                .addValue(command.fingerprint())
                .addValue(pspReference)
                .addValue(RowMapping.time(recording.firstAction()))
                .addValue(reserved.currency())
                .addValue(reserved.capturedMinor())
                .addValue(reserved.inFlightMinor());
    }

    @Override
    public Uni<Recorded> adopt(Refund.Applied adoption, List<String> paymentIds) {
        Refund r = adoption.refund();
        return pool.withTransaction(conn -> conn.preparedQuery(LOCK_LEDGER_OF_PAYMENTS)
                        .execute(Tuple.of(r.merchantId(), paymentIds.toArray(String[]::new)))
                        .chain(found -> found.size() > 0
                                ? Uni.createFrom().item(found.iterator().next())
                                : lockLedger(conn, r.merchantId(), paymentIds.get(0), r.connector()))
                        .chain(ledgerRow -> insertExternal(conn, adoption, ledgerRow)))
                .onFailure(RefundError.class)
                .recoverWithItem(refused -> {
                    LOG.warnf(
                            "external %s refund %s of merchant %s not adopted: %s; its event is kept for "
                                    + "reconciliation",
                            r.connector(), r.connectorRefundId(), r.merchantId(), refused.getMessage());
                    return new Recorded(null, false);
                });
    }

    private Uni<Recorded> insertExternal(SqlConnection conn, Refund.Applied adoption, Row ledgerRow) {
        Refund r = adoption.refund();
        String paymentId = ledgerRow.getString("connector_transaction_id");
        ConnectorRouter.requireSameConnector(paymentId, ledgerRow.getString("connector"), r.connector());
        PaymentLedger counted = ledgerOf(ledgerRow, "").withExternal(r.amount(), r.state());
        Tuple parameters = RefundWrites.eventAndOwed(adoption.event(), adoption.owed(), r.pspReference())
                .addValue(r.merchantId())
                .addValue(r.merchantRefundId())
                .addValue(ledgerRow.getLong("id"))
                .addValue(r.connector())
                .addValue(paymentId)
                .addValue(r.connectorRefundId())
                .addValue(r.state().name())
                .addValue(r.connectorStatus())
                .addValue(r.amount().minorAmount())
                .addValue(r.amount().currency())
                .addValue(RowMapping.json(r.metadata()))
                .addValue(RowMapping.json(r.connectorDetails()))
                .addValue(RowMapping.json(r.failure()))
                .addValue(r.fingerprint())
                .addValue(r.pspReference())
                .addValue(RowMapping.time(r.nextActionAt()))
                .addValue(counted.currency())
                .addValue(counted.inFlightMinor())
                .addValue(counted.refundedMinor());
        return conn.preparedQuery(RefundWrites.ADOPT)
                .execute(parameters)
                .chain(rows -> rows.size() > 0
                        ? Uni.createFrom().item(new Recorded(firstRefund(rows), true))
                        : find(conn, r.merchantId(), r.merchantRefundId())
                                .map(existing -> new Recorded(existing, false)));
    }

    /**
     * Saves an applied change in one statement ({@link RefundWrites#SAVE}): the refund under its version check, and
     * with it the event, what the change owes and the ledger's movement. A stale version writes nothing.
     */
    @Override
    public Uni<Refund> save(Refund.Applied applied) {
        Refund r = applied.refund();
        return pool.preparedQuery(RefundWrites.SAVE)
                .execute(saveParameters(applied))
                .onFailure(e -> e instanceof PgException pg && CHECK_VIOLATION.equals(pg.getSqlState()))
                .transform(e -> new LedgerRefused(r.id()))
                .map(rows -> {
                    if (rows.size() == 0) {
                        throw new StaleRefund(r.id());
                    }
                    return firstRefund(rows);
                });
    }

    /** {@code $1}–{@code $22} of {@link RefundWrites#SAVE}. */
    private static Tuple saveParameters(Refund.Applied applied) {
        Refund r = applied.refund();
        return RefundWrites.eventAndOwed(applied.event(), applied.owed(), r.pspReference())
                .addValue(r.state().name())
                .addValue(r.connectorRefundId())
                .addValue(r.connectorStatus())
                .addValue(RowMapping.json(r.connectorDetails()))
                .addValue(RowMapping.json(r.failure()))
                .addValue(r.amount().minorAmount())
                .addValue(r.attempts())
                .addValue(RowMapping.time(r.nextActionAt()))
                .addValue(r.id())
                .addValue(r.version())
                .addValue(applied.ledger().inFlight())
                .addValue(applied.ledger().refunded())
                .addValue(r.merchantId());
    }

    /**
     * An operator's change ({@link RefundWrites#SAVE_BY_OPERATOR}: the event names its operator) and its audit
     * trail entry, in one transaction. A stale version writes neither.
     */
    @Override
    public Uni<Refund> save(Refund.Applied applied, AuditEntry audit) {
        Refund r = applied.refund();
        Tuple parameters = saveParameters(applied).addValue(AuditTrail.actor(audit.actor()));
        return pool.withTransaction(conn -> conn.preparedQuery(RefundWrites.SAVE_BY_OPERATOR)
                .execute(parameters)
                .onFailure(e -> e instanceof PgException pg && CHECK_VIOLATION.equals(pg.getSqlState()))
                .transform(e -> new LedgerRefused(r.id()))
                .chain(rows -> {
                    if (rows.size() == 0) {
                        return Uni.createFrom().failure(new StaleRefund(r.id()));
                    }
                    Refund saved = firstRefund(rows);
                    return AuditTrail.record(conn, audit).replaceWith(saved);
                }));
    }

    /** The merchants with refunds due first, then each one's due refunds claimed ({@link PerMerchant}). */
    @Override
    public Uni<List<Refund>> claimDue(Instant now, int limit, Duration lease) {
        String[] inFlight = RefundState.IN_FLIGHT.stream().map(Enum::name).toArray(String[]::new);
        return pool.preparedQuery(RefundQueries.DUE_MERCHANTS)
                .execute(Tuple.tuple()
                        .addValue(RowMapping.time(now))
                        .addInteger(limit)
                        .addArrayOfString(inFlight))
                .chain(rows -> PerMerchant.claim(
                        PerMerchant.due(rows),
                        (merchantId, due) -> pool.preparedQuery(RefundQueries.CLAIM_DUE)
                                .execute(Tuple.tuple()
                                        .addValue(RowMapping.time(now))
                                        .addInteger(due)
                                        .addValue(RowMapping.time(now.plus(lease)))
                                        .addArrayOfString(inFlight)
                                        .addString(merchantId))
                                .map(claimed -> {
                                    List<Refund> refunds = new ArrayList<>();
                                    claimed.forEach(row -> refunds.add(RowMapping.refund(row)));
                                    return refunds;
                                })));
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
    public Uni<WebhookMatch> findForWebhook(
            String merchantId, String connector, String merchantRefundId, String connectorRefundId) {
        return webhooks.refundFor(merchantId, connector, merchantRefundId, connectorRefundId);
    }

    @Override
    public boolean isUnavailable(Throwable failure) {
        return DatabaseDown.isDatabaseDown(failure);
    }

    @Override
    public Uni<Void> markWebhookApplied(String merchantId, long webhookId, long refundId) {
        return webhooks.markApplied(merchantId, webhookId, refundId);
    }

    @Override
    public Uni<List<Refund>> stuck(int minAttempts, int limit) {
        return pool.preparedQuery(STUCK)
                .execute(Tuple.tuple()
                        .addArrayOfString(
                                RefundState.IN_FLIGHT.stream().map(Enum::name).toArray(String[]::new))
                        .addInteger(minAttempts)
                        .addInteger(limit))
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
        return new PaymentLedger(
                row.getString(prefix + "currency"),
                row.getLong(prefix + "captured_minor"),
                row.getLong(prefix + "in_flight_minor"),
                row.getLong(prefix + "refunded_minor"));
    }

    private static boolean isUniqueViolation(Throwable t) {
        return t instanceof PgException pg && UNIQUE_VIOLATION.equals(pg.getSqlState());
    }
}
