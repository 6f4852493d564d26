package dev.refract.store;

import dev.refract.refund.Actor;
import dev.refract.refund.AuditEntry;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;

/**
 * Four eyes: resolutions of large MANUAL_REVIEW refunds proposed by one operator and waiting for a second. A proposal
 * stands for the refund's version it was made on, and until it is older than the proposal TTL; one that no longer
 * stands is replaced by the next proposal.
 */
@ApplicationScoped
public class ProposalStore {

    /** A proposed resolution: the decision ({@code status}, {@code reason}, the amount refunded) and who made it. */
    public record Proposal(
            String merchantId,
            String merchantRefundId,
            long refundVersion,
            String status,
            String reason,
            Long refundedMinorAmount,
            Actor.Operator proposedBy,
            Instant proposedAt) {}

    static final String PROPOSE = """
            insert into resolution_proposals (merchant_id, merchant_refund_id, refund_version, status, reason,
                                              refunded_minor_amount, proposed_by_subject, proposed_by_name, proposed_at)
            values ($1, $2, $3, $4, $5, $6, $7, $8, clock_timestamp())
            on conflict (merchant_id, merchant_refund_id) do update
                set refund_version = excluded.refund_version, status = excluded.status, reason = excluded.reason,
                    refunded_minor_amount = excluded.refunded_minor_amount,
                    proposed_by_subject = excluded.proposed_by_subject, proposed_by_name = excluded.proposed_by_name,
                    proposed_at = excluded.proposed_at
                where resolution_proposals.refund_version <> excluded.refund_version
                   or resolution_proposals.proposed_at < $9
            returning *""";

    static final String STANDING = """
            select * from resolution_proposals where merchant_id = $1 and merchant_refund_id = $2
            and refund_version = $3 and proposed_at >= $4""";

    static final String FORGET = "delete from resolution_proposals where merchant_id = $1 and merchant_refund_id = $2";

    private final Pool pool;

    ProposalStore(Pool pool) {
        this.pool = pool;
    }

    /** The proposal that stands for this version of the refund (made after {@code madeAfter}), or null. */
    public Uni<Proposal> standing(String merchantId, String merchantRefundId, long version, Instant madeAfter) {
        return pool.preparedQuery(STANDING)
                .execute(Tuple.of(merchantId, merchantRefundId, version, RowMapping.time(madeAfter)))
                .map(rows -> rows.size() == 0 ? null : proposal(rows.iterator().next()));
    }

    /**
     * Records the proposal, replacing one that no longer stands, and its audit entry, in one transaction. Answers
     * null, writing nothing, when another proposal stands (one made at the same moment by someone else).
     */
    public Uni<Proposal> propose(Proposal p, Instant staleBefore, AuditEntry audit) {
        Tuple args = Tuple.tuple()
                .addValue(p.merchantId())
                .addValue(p.merchantRefundId())
                .addValue(p.refundVersion())
                .addValue(p.status())
                .addValue(p.reason())
                .addValue(p.refundedMinorAmount())
                .addValue(p.proposedBy().subject())
                .addValue(p.proposedBy().name())
                .addValue(RowMapping.time(staleBefore));
        return pool.withTransaction(conn -> conn.preparedQuery(PROPOSE)
                .execute(args)
                .chain(rows -> {
                    if (rows.size() == 0) {
                        return Uni.createFrom().nullItem();
                    }
                    Proposal made = proposal(rows.iterator().next());
                    return AuditTrail.record(conn, audit).replaceWith(made);
                }));
    }

    /** Forgets the refund's proposal, once it was confirmed (or can no longer be). */
    public Uni<Void> forget(String merchantId, String merchantRefundId) {
        return pool.preparedQuery(FORGET)
                .execute(Tuple.of(merchantId, merchantRefundId))
                .replaceWithVoid();
    }

    private static Proposal proposal(Row row) {
        return new Proposal(
                row.getString("merchant_id"),
                row.getString("merchant_refund_id"),
                row.getLong("refund_version"),
                row.getString("status"),
                row.getString("reason"),
                row.getLong("refunded_minor_amount"),
                new Actor.Operator(row.getString("proposed_by_subject"), row.getString("proposed_by_name")),
                RowMapping.instant(row.getOffsetDateTime("proposed_at")));
    }
}
