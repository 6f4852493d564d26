package dev.refract.support;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Direct SQL on the test database, to check what was really written (and, rarely, to disturb it). The static
 * methods speak to the shared test database; {@link #at} to another server, such as one a test stops.
 */
public final class Db {

    private Db() {}

    /** A database server of its own on this port. */
    public static Server at(int port) {
        return new Server(port);
    }

    private static Server shared() {
        return new Server(PostgresResource.port());
    }

    public static List<Map<String, Object>> query(String sql, Object... args) {
        return shared().query(sql, args);
    }

    public static Map<String, Object> one(String sql, Object... args) {
        return shared().one(sql, args);
    }

    public static long count(String sql, Object... args) {
        return shared().count(sql, args);
    }

    public static int execute(String sql, Object... args) {
        return shared().execute(sql, args);
    }

    /**
     * The payment's ledger row next to the refunds that should explain it: in flight = sum of unsettled
     * refunds (pending and manual review), refunded = sum of succeeded ones.
     */
    public static void assertLedgerConsistent(String merchantId, String connectorTransactionId) {
        shared().assertLedgerConsistent(merchantId, connectorTransactionId);
    }

    /** SQL on one server. */
    public record Server(int port) {

        private Connection connect() throws SQLException {
            return DriverManager.getConnection(
                    "jdbc:postgresql://localhost:" + port + "/postgres", "postgres", "postgres");
        }

        public List<Map<String, Object>> query(String sql, Object... args) {
            try (Connection c = connect();
                    PreparedStatement s = c.prepareStatement(sql)) {
                for (int i = 0; i < args.length; i++) {
                    s.setObject(i + 1, args[i]);
                }
                try (ResultSet rs = s.executeQuery()) {
                    ResultSetMetaData md = rs.getMetaData();
                    List<Map<String, Object>> rows = new ArrayList<>();
                    while (rs.next()) {
                        Map<String, Object> row = new LinkedHashMap<>();
                        for (int i = 1; i <= md.getColumnCount(); i++) {
                            row.put(md.getColumnLabel(i), rs.getObject(i));
                        }
                        rows.add(row);
                    }
                    return rows;
                }
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }

        public Map<String, Object> one(String sql, Object... args) {
            List<Map<String, Object>> rows = query(sql, args);
            if (rows.size() != 1) {
                throw new IllegalStateException("expected one row, got " + rows.size() + " for " + sql);
            }
            return rows.get(0);
        }

        public long count(String sql, Object... args) {
            return ((Number) one(sql, args).values().iterator().next()).longValue();
        }

        public int execute(String sql, Object... args) {
            try (Connection c = connect();
                    PreparedStatement s = c.prepareStatement(sql)) {
                for (int i = 0; i < args.length; i++) {
                    s.setObject(i + 1, args[i]);
                }
                return s.executeUpdate();
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }

        /** See {@link Db#assertLedgerConsistent}. */
        public void assertLedgerConsistent(String merchantId, String connectorTransactionId) {
            Map<String, Object> ledger = one(
                    "select in_flight_minor, refunded_minor, captured_minor from payment_ledger "
                            + "where merchant_id = ? and connector_transaction_id = ?",
                    merchantId,
                    connectorTransactionId);
            Map<String, Object> sums = one(
                    "select "
                            + "coalesce(sum(amount_minor) filter (where state in ('RECEIVED','UNKNOWN','PENDING','MANUAL_REVIEW')), 0) as in_flight, "
                            + "coalesce(sum(amount_minor) filter (where state = 'SUCCEEDED'), 0) as refunded "
                            + "from refunds where merchant_id = ? and connector_transaction_id = ?",
                    merchantId,
                    connectorTransactionId);
            long inFlight = ((Number) ledger.get("in_flight_minor")).longValue();
            long refunded = ((Number) ledger.get("refunded_minor")).longValue();
            if (inFlight != ((Number) sums.get("in_flight")).longValue()
                    || refunded != ((Number) sums.get("refunded")).longValue()) {
                throw new AssertionError("ledger " + ledger + " does not match its refunds " + sums);
            }
            Object captured = ledger.get("captured_minor");
            if (captured != null && inFlight + refunded > ((Number) captured).longValue()) {
                throw new AssertionError("over-refunded: " + ledger);
            }
        }
    }
}
