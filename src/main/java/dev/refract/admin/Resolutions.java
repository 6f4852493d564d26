package dev.refract.admin;

import dev.refract.http.ApiException;
import dev.refract.http.Limits;
import dev.refract.refund.Actor;
import dev.refract.refund.AuditAction;
import dev.refract.refund.AuditEntry;
import dev.refract.refund.Merchant;
import dev.refract.refund.Refund;
import dev.refract.refund.RefundService;
import dev.refract.store.MerchantDirectory;
import dev.refract.store.ProposalStore;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.jboss.logging.Logger;

/**
 * An operator's resolution of a MANUAL_REVIEW refund, from the admin API or the console: at once, or with four eyes
 * for a refund of at least {@code refract.operators.four-eyes-minor-amount}. Then the first operator's resolve is a
 * proposal (202); a different operator confirms it by resolving with the same decision; the same operator again is
 * refused ({@code four_eyes_required}), and a different decision while one stands is a conflict ({@code
 * four_eyes_mismatch}: nothing changes, and the proposal stands until it is confirmed or expires). The admin token
 * names nobody, so it can be neither of the two: where four eyes apply it is refused. Every step is in the audit
 * trail, written with it.
 */
@ApplicationScoped
public class Resolutions {

    private static final Logger LOG = Logger.getLogger(Resolutions.class);

    /** What a resolve did: resolved the refund, or recorded a proposal that waits for a second operator. */
    public sealed interface Outcome {
        record Resolved(Refund refund) implements Outcome {}

        record Proposed(ProposalStore.Proposal proposal, Instant expiresAt) implements Outcome {}
    }

    private final MerchantDirectory merchants;
    private final RefundService refunds;
    private final ProposalStore proposals;
    private final OperatorSettings settings;

    Resolutions(
            MerchantDirectory merchants, RefundService refunds, ProposalStore proposals, OperatorSettings settings) {
        this.merchants = merchants;
        this.refunds = refunds;
        this.proposals = proposals;
        this.settings = settings;
    }

    /** The amount from which four eyes apply, or null when they are off. */
    public Long fourEyesFrom() {
        return settings.fourEyesMinorAmount().isPresent()
                ? settings.fourEyesMinorAmount().getAsLong()
                : null;
    }

    public Uni<Outcome> resolve(Actor by, String merchantId, String merchantRefundId, Resolution decision) {
        if (!Limits.isId(merchantId)) {
            throw new ApiException(404, "invalid_request_error", "merchant_not_found", "no such merchant", null);
        }
        return merchants.get(merchantId).chain(m -> {
            if (m == null) {
                throw new ApiException(404, "invalid_request_error", "merchant_not_found", "no such merchant", null);
            }
            Merchant merchant = MerchantDirectory.toMerchant(m);
            return refunds.get(merchant, merchantRefundId)
                    .chain(refund -> needsFourEyes(refund)
                            ? withFourEyes(by, merchant, refund, decision)
                            : resolved(by, merchant, merchantRefundId, decision, null));
        });
    }

    /** The standing proposal of a refund for the console to show, or null. */
    public Uni<ProposalStore.Proposal> standing(Refund refund) {
        return needsFourEyes(refund)
                ? standingProposal(refund)
                : Uni.createFrom().nullItem();
    }

    public boolean needsFourEyes(Refund refund) {
        Long from = fourEyesFrom();
        return from != null && refund.amount().minorAmount() >= from;
    }

    private Uni<Outcome> withFourEyes(Actor by, Merchant merchant, Refund refund, Resolution decision) {
        if (!(by instanceof Actor.Operator operator)) {
            throw fourEyesRequired("resolving a refund of " + refund.amount().minorAmount() + " "
                    + refund.amount().currency() + " minor units takes two operators signed in as themselves; the"
                    + " admin token names nobody, so it can be neither");
        }
        // refused now, as the resolve would be, rather than proposed and refused at the confirmation
        refund.resolve(decision.to(), decision.reason(), decision.refundedMinorAmount(), by, Instant.now());
        return standingProposal(refund).chain(standing -> {
            if (standing == null) {
                return propose(operator, refund, decision);
            }
            if (standing.proposedBy().samePersonAs(operator)) {
                throw fourEyesRequired("you proposed this resolution; a second operator must confirm it");
            }
            if (!sameDecision(standing, decision)) {
                throw new ApiException(
                        409,
                        "invalid_request_error",
                        "four_eyes_mismatch",
                        standing.proposedBy().display() + " proposed " + standing.status() + " (\"" + standing.reason()
                                + "\""
                                + (standing.refundedMinorAmount() == null
                                        ? ""
                                        : ", refunded_minor_amount " + standing.refundedMinorAmount())
                                + "); confirm it with the same decision, or let it expire at "
                                + expiry(standing) + " and propose another",
                        null);
            }
            return resolved(by, merchant, refund.merchantRefundId(), decision, standing)
                    .call(() -> proposals.forget(merchant.id(), refund.merchantRefundId()));
        });
    }

    private Uni<ProposalStore.Proposal> standingProposal(Refund refund) {
        return proposals.standing(
                refund.merchantId(),
                refund.merchantRefundId(),
                refund.version(),
                Instant.now().minus(settings.fourEyesProposalTtl()));
    }

    private Uni<Outcome> propose(Actor.Operator by, Refund refund, Resolution decision) {
        ProposalStore.Proposal proposal = new ProposalStore.Proposal(
                refund.merchantId(),
                refund.merchantRefundId(),
                refund.version(),
                decision.to().name(),
                decision.reason(),
                decision.refundedMinorAmount(),
                by,
                null);
        Map<String, Object> detail = detail(decision);
        detail.put("four_eyes", "proposed");
        AuditEntry audit = new AuditEntry(
                by,
                AuditAction.REFUND_RESOLVE,
                AuditEntry.refund(refund.merchantId(), refund.merchantRefundId()),
                detail);
        return proposals
                .propose(proposal, Instant.now().minus(settings.fourEyesProposalTtl()), audit)
                .map(made -> {
                    if (made == null) {
                        throw new ApiException(
                                409,
                                "invalid_request_error",
                                "four_eyes_mismatch",
                                "another operator proposed a resolution of this refund just now; read it and confirm"
                                        + " it, or let it expire",
                                null);
                    }
                    LOG.infof(
                            "refund %s of %s: resolution proposed by %s, waiting for a second operator",
                            refund.merchantRefundId(), refund.merchantId(), by.display());
                    return new Outcome.Proposed(made, expiry(made));
                });
    }

    private Uni<Outcome> resolved(
            Actor by,
            Merchant merchant,
            String merchantRefundId,
            Resolution decision,
            ProposalStore.Proposal proposal) {
        Map<String, Object> detail = detail(decision);
        if (proposal != null) {
            detail.put("four_eyes", "confirmed");
            detail.put("proposed_by", proposal.proposedBy());
        }
        AuditEntry audit = new AuditEntry(
                by, AuditAction.REFUND_RESOLVE, AuditEntry.refund(merchant.id(), merchantRefundId), detail);
        return refunds.resolve(
                        merchant,
                        merchantRefundId,
                        decision.to(),
                        decision.reason(),
                        decision.refundedMinorAmount(),
                        audit)
                .map(Outcome.Resolved::new);
    }

    private Instant expiry(ProposalStore.Proposal proposal) {
        return proposal.proposedAt().plus(settings.fourEyesProposalTtl());
    }

    private static boolean sameDecision(ProposalStore.Proposal proposal, Resolution decision) {
        return proposal.status().equals(decision.to().name())
                && proposal.reason().equals(decision.reason())
                && Objects.equals(proposal.refundedMinorAmount(), decision.refundedMinorAmount());
    }

    private static Map<String, Object> detail(Resolution decision) {
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("status", decision.to().name());
        detail.put("reason", decision.reason());
        if (decision.refundedMinorAmount() != null) {
            detail.put("refunded_minor_amount", decision.refundedMinorAmount());
        }
        return detail;
    }

    private static ApiException fourEyesRequired(String message) {
        return new ApiException(403, "invalid_request_error", "four_eyes_required", message, null);
    }
}
