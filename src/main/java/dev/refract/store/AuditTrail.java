package dev.refract.store;

import dev.refract.refund.Actor;
import dev.refract.refund.AuditAction;
import dev.refract.refund.AuditEntry;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

/**
 * The audit trail: every operator action with its actor, append-only ({@code audit_log}, whose trigger refuses
 * updates, deletes and truncation). An action that writes to the database records its entry in the same
 * transaction, so that the two are written or neither:
 *
 * <ul>
 *   <li>inside a Panache (Hibernate Reactive) transaction, {@link #record(AuditEntry)} joins it: {@code
 *       Panache.withTransaction(() -> change().call(() -> audit.record(entry)))};
 *   <li>on the reactive SQL client, {@link #record(SqlClient, AuditEntry)} writes on the transaction's connection:
 *       {@code pool.withTransaction(conn -> change(conn).call(() -> AuditTrail.record(conn, entry)))};
 *   <li>an action that is no database write of its own (a sync, a reconciliation started) calls {@link
 *       #record(AuditEntry)} after it, which then opens a transaction of its own.
 * </ul>
 *
 * Nothing on the merchants' request path writes here.
 */
@ApplicationScoped
public class AuditTrail {

    static final String INSERT = """
            insert into audit_log (actor_kind, actor_subject, actor_name, action, target, merchant_id, detail)
            values ($1, $2, $3, $4, $5, $6, $7::jsonb)""";

    /** The same for Hibernate's native queries, which number their parameters their own way. */
    private static final String NATIVE_INSERT = """
            insert into audit_log (actor_kind, actor_subject, actor_name, action, target, merchant_id, detail)
            values (?1, ?2, ?3, ?4, ?5, ?6, cast(cast(?7 as text) as jsonb))""";

    /** At most this many entries per page. */
    public static final int MAX_PAGE = 100;

    private final Pool pool;

    AuditTrail(Pool pool) {
        this.pool = pool;
    }

    /** The entry of one action, in the Panache transaction in progress (joined), else in one of its own. */
    public Uni<Void> record(AuditEntry entry) {
        return Panache.withTransaction(() -> Panache.getSession()
                        .chain(session -> session.createNativeQuery(NATIVE_INSERT)
                                .setParameter(1, entry.actor().kind())
                                .setParameter(2, entry.actor().subject())
                                .setParameter(3, name(entry.actor()))
                                .setParameter(4, entry.action().wire())
                                .setParameter(5, entry.target())
                                .setParameter(6, entry.merchantId())
                                .setParameter(7, detail(entry).encode())
                                .executeUpdate()))
                .replaceWithVoid();
    }

    /**
     * The entry of an action that wrote nothing of its own in a transaction (a reconciliation run started), on a
     * connection of the pool: callable from any thread, a worker's included.
     */
    public Uni<Void> recordAfter(AuditEntry entry) {
        return record(pool, entry);
    }

    /** {@code record(new AuditEntry(actor, action, target, detail))}. */
    public Uni<Void> record(Actor actor, AuditAction action, String target, Map<String, Object> detail) {
        return record(new AuditEntry(actor, action, target, detail));
    }

    /** The entry on the reactive SQL client: on a transaction's connection, it commits or rolls back with it. */
    public static Uni<Void> record(SqlClient connection, AuditEntry entry) {
        return connection.preparedQuery(INSERT).execute(tuple(entry)).replaceWithVoid();
    }

    static Tuple tuple(AuditEntry entry) {
        return Tuple.tuple()
                .addValue(entry.actor().kind())
                .addValue(entry.actor().subject())
                .addValue(name(entry.actor()))
                .addValue(entry.action().wire())
                .addValue(entry.target())
                .addValue(entry.merchantId())
                .addValue(detail(entry));
    }

    /** The actor as the trail and the refund event log write it: {"kind", "subject", "name"}, or {"kind"}. */
    public static JsonObject actor(Actor actor) {
        JsonObject json = new JsonObject().put("kind", actor.kind());
        if (actor instanceof Actor.Operator o) {
            json.put("subject", o.subject());
            if (o.name() != null) {
                json.put("name", o.name());
            }
        }
        return json;
    }

    private static String name(Actor actor) {
        return actor instanceof Actor.Operator o ? o.name() : null;
    }

    private static JsonObject detail(AuditEntry entry) {
        JsonObject json = new JsonObject();
        entry.detail().forEach((name, value) -> json.put(name, jsonValue(value)));
        return json;
    }

    private static Object jsonValue(Object value) {
        if (value instanceof Actor a) {
            return actor(a);
        }
        if (value instanceof Collection<?> c) {
            return new JsonArray(new ArrayList<>(c));
        }
        return value;
    }

    /** A stored entry, as the API and the console show it. */
    public record Line(
            long id,
            Instant at,
            String actorKind,
            String actorSubject,
            String actorName,
            String action,
            String target,
            String merchantId,
            Map<String, Object> detail) {}

    /**
     * What to list: each filter null for any. {@code actor} is an operator's subject, or {@code admin_token} for the
     * admin token; {@code before} the id the previous page ended at.
     */
    public record Query(String actor, String action, String target, String merchantId, Long before, int limit) {}

    public record Page(List<Line> data, boolean hasMore) {}

    /**
     * Newest first. Each filter adds its condition, so that each combination reads through its index; the id is
     * the cursor: ids only grow, so entries written while someone pages sort before every page already read.
     */
    public Uni<Page> list(Query query) {
        StringJoiner where = new StringJoiner(" and ", " where ", "").setEmptyValue("");
        Tuple args = Tuple.tuple();
        if (query.actor() != null) {
            if ("admin_token".equals(query.actor())) {
                where.add("actor_kind = 'admin_token'");
            } else {
                args.addValue(query.actor());
                where.add("actor_kind = 'operator' and actor_subject = $" + args.size());
            }
        }
        if (query.action() != null) {
            args.addValue(query.action());
            where.add("action = $" + args.size());
        }
        if (query.target() != null) {
            args.addValue(query.target());
            where.add("target = $" + args.size());
        }
        if (query.merchantId() != null) {
            args.addValue(query.merchantId());
            where.add("merchant_id = $" + args.size());
        }
        if (query.before() != null) {
            args.addValue(query.before());
            where.add("id < $" + args.size());
        }
        args.addValue(query.limit() + 1);
        String sql = "select * from audit_log" + where + " order by id desc limit $" + args.size();
        return pool.preparedQuery(sql).execute(args).map(rows -> {
            List<Line> lines = new ArrayList<>();
            rows.forEach(row -> lines.add(line(row)));
            boolean more = lines.size() > query.limit();
            return new Page(more ? lines.subList(0, query.limit()) : lines, more);
        });
    }

    private static Line line(Row row) {
        JsonObject detail = row.getJsonObject("detail");
        return new Line(
                row.getLong("id"),
                row.getOffsetDateTime("at").toInstant(),
                row.getString("actor_kind"),
                row.getString("actor_subject"),
                row.getString("actor_name"),
                row.getString("action"),
                row.getString("target"),
                row.getString("merchant_id"),
                detail == null ? Map.of() : new LinkedHashMap<>(detail.getMap()));
    }
}
