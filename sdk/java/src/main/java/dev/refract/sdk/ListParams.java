package dev.refract.sdk;

import dev.refract.sdk.model.RefundStatus;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The filters of {@link RefractClient#list}: statuses (any of), connector, payment, a creation window
 * ({@code createdFrom} inclusive, {@code createdTo} exclusive) and the page size (1–100, default 20).
 */
public final class ListParams {

    private final List<RefundStatus> statuses = new ArrayList<>();
    private String connector;
    private String connectorTransactionId;
    private Instant createdFrom;
    private Instant createdTo;
    private Integer limit;

    public static ListParams all() {
        return new ListParams();
    }

    public ListParams status(RefundStatus... statuses) {
        this.statuses.addAll(List.of(statuses));
        return this;
    }

    public ListParams connector(String connector) {
        this.connector = connector;
        return this;
    }

    public ListParams connectorTransactionId(String connectorTransactionId) {
        this.connectorTransactionId = connectorTransactionId;
        return this;
    }

    public ListParams createdFrom(Instant createdFrom) {
        this.createdFrom = createdFrom;
        return this;
    }

    public ListParams createdTo(Instant createdTo) {
        this.createdTo = createdTo;
        return this;
    }

    /** Refunds per page fetched, 1 to 100; the iteration itself goes on across pages. */
    public ListParams limit(int limit) {
        this.limit = limit;
        return this;
    }

    /** The query string of one page, starting after {@code cursor} (null: the first page). */
    String query(String cursor) {
        List<String> q = new ArrayList<>();
        statuses.forEach(s -> q.add("status=" + enc(s.getValue())));
        add(q, "connector", connector);
        add(q, "connector_transaction_id", connectorTransactionId);
        add(q, "created_from", createdFrom == null ? null : createdFrom.toString());
        add(q, "created_to", createdTo == null ? null : createdTo.toString());
        add(q, "limit", limit == null ? null : limit.toString());
        add(q, "cursor", cursor);
        return q.isEmpty() ? "" : "?" + String.join("&", q);
    }

    private static void add(List<String> q, String name, String value) {
        if (value != null) {
            q.add(name + "=" + enc(value));
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
