package dev.refract.console;

import dev.refract.admin.OperatorSettings;
import dev.refract.admin.Resolution;
import dev.refract.admin.Resolutions;
import dev.refract.admin.Role;
import dev.refract.admin.RoleRequired;
import dev.refract.http.Limits;
import dev.refract.refund.AuditAction;
import dev.refract.refund.AuditEntry;
import dev.refract.refund.CreateRefund;
import dev.refract.refund.Merchant;
import dev.refract.refund.Refund;
import dev.refract.refund.RefundError;
import dev.refract.refund.RefundService;
import dev.refract.refund.RefundState;
import dev.refract.store.AuditTrail;
import dev.refract.store.ConsoleStore;
import dev.refract.store.MerchantDirectory;
import dev.refract.store.ProposalStore;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateData;
import io.quarkus.qute.TemplateInstance;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * One refund with its whole history (timeline, fields, PSP webhooks, what it owes), and the operator's actions on
 * it: sync, cancel, resolve. Each action goes through the same service as the admin API, with the same checks and
 * the same event log, and answers with a redirect to this page (or this page again, with what went wrong).
 */
@Path("/console")
@Produces(MediaType.TEXT_HTML)
@ConsolePage
@ConsoleAccess
@RoleRequired(Role.VIEWER)
public class RefundPage {

    private static final Logger LOG = Logger.getLogger(RefundPage.class);
    private static final String AT = "/refunds/{merchant_id}/{merchant_refund_id}";

    private static final Map<String, String> NOTICES = Map.of(
            "synced", "Asked the PSP for the refund's status.",
            "cancelled", "The PSP cancelled the refund.",
            "resolved", "The refund is resolved; the reason is in its timeline.",
            "proposed",
                    "Your resolution is proposed. Four eyes: a second operator confirms it with the same decision.");

    /** A resolution proposed under four eyes, waiting for a second operator; {@code mine} if the viewer made it. */
    @TemplateData
    record ProposalRow(
            String by, String status, String reason, String refundedMinorAmount, String expires, boolean mine) {}

    @TemplateData
    record View(
            String merchantId,
            String merchantRefundId,
            String action,
            String status,
            String amount,
            List<Views.Field> fields,
            List<Views.EventRow> events,
            List<Views.WebhookRow> webhooks,
            List<Views.OutboxRow> notifications,
            List<Views.OutboxRow> wallet,
            boolean cancellable,
            boolean resolvable,
            boolean contradicted,
            boolean fourEyes,
            ProposalRow proposal) {}

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance refund(Views.Chrome chrome, View page);
    }

    private final ConsoleStore store;
    private final ConsoleSession session;
    private final ConsoleChrome chrome;
    private final RefundService refunds;
    private final Resolutions resolutions;
    private final MerchantDirectory directory;
    private final AuditTrail audit;
    private final OperatorSettings settings;

    RefundPage(
            ConsoleStore store,
            ConsoleSession session,
            ConsoleChrome chrome,
            RefundService refunds,
            Resolutions resolutions,
            MerchantDirectory directory,
            AuditTrail audit,
            OperatorSettings settings) {
        this.store = store;
        this.session = session;
        this.chrome = chrome;
        this.refunds = refunds;
        this.resolutions = resolutions;
        this.directory = directory;
        this.audit = audit;
        this.settings = settings;
    }

    @GET
    @Path(AT)
    public Uni<Response> refund(
            @RestPath("merchant_id") String merchantId,
            @RestPath("merchant_refund_id") String merchantRefundId,
            @RestQuery("done") String done) {
        return page(merchantId, merchantRefundId, ConsoleChrome.notice(NOTICES, done), null, 200);
    }

    @POST
    @Path(AT + "/sync")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @RoleRequired(Role.OPERATOR)
    public Uni<Response> sync(
            @RestPath("merchant_id") String merchantId,
            @RestPath("merchant_refund_id") String merchantRefundId,
            @RestForm("csrf") String csrf) {
        return act(
                csrf,
                merchantId,
                merchantRefundId,
                m -> refunds.sync(m, merchantRefundId)
                        .call(r -> audit.record(afterwards(AuditAction.REFUND_SYNC, r)))
                        .replaceWith("synced"));
    }

    @POST
    @Path(AT + "/cancel")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @RoleRequired(Role.OPERATOR)
    public Uni<Response> cancel(
            @RestPath("merchant_id") String merchantId,
            @RestPath("merchant_refund_id") String merchantRefundId,
            @RestForm("csrf") String csrf) {
        return act(
                csrf,
                merchantId,
                merchantRefundId,
                m -> refunds.cancel(m, merchantRefundId)
                        .call(r -> audit.record(afterwards(AuditAction.REFUND_CANCEL, r)))
                        .replaceWith("cancelled"));
    }

    @POST
    @Path(AT + "/resolve")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @RoleRequired(Role.OPERATOR)
    public Uni<Response> resolve(
            @RestPath("merchant_id") String merchantId,
            @RestPath("merchant_refund_id") String merchantRefundId,
            @RestForm("csrf") String csrf,
            @RestForm("status") String status,
            @RestForm("reason") String reason,
            @RestForm("refunded_minor_amount") String refundedMinorAmount) {
        return act(csrf, merchantId, merchantRefundId, m -> {
            Resolution resolution =
                    Resolution.of(status, reason, Forms.minorAmount("refunded_minor_amount", refundedMinorAmount));
            return resolutions
                    .resolve(session.actor(), merchantId, merchantRefundId, resolution)
                    .map(outcome -> outcome instanceof Resolutions.Outcome.Proposed ? "proposed" : "resolved");
        });
    }

    /** A sync or cancel done, for the audit trail: what the refund is now. */
    private AuditEntry afterwards(AuditAction action, Refund r) {
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("status", r.status().name());
        detail.put("state", r.state().name());
        detail.put("connector_status", r.connectorStatus());
        return new AuditEntry(session.actor(), action, AuditEntry.refund(r.merchantId(), r.merchantRefundId()), detail);
    }

    @ServerExceptionMapper
    Response failure(Throwable e) {
        return ConsoleChrome.failurePage(e);
    }

    private Uni<Response> act(
            String csrf, String merchantId, String merchantRefundId, Function<Merchant, Uni<String>> action) {
        if (!session.acceptsCsrf(csrf)) {
            return Uni.createFrom().item(ConsoleChrome.forbidden());
        }
        return merchant(merchantId)
                .chain(m -> m == null
                        ? Uni.createFrom().failure(new RefundError.RefundNotFound(merchantRefundId))
                        : Uni.createFrom().deferred(() -> action.apply(m)))
                .map(done -> {
                    LOG.infof(
                            "console: refund %s of %s %s by %s",
                            merchantRefundId, merchantId, done, session.actor().display());
                    return Response.seeOther(URI.create(Links.refund(merchantId, merchantRefundId) + "?done=" + done))
                            .build();
                })
                .onFailure(ConsoleChrome::answerable)
                .recoverWithUni(
                        e -> page(merchantId, merchantRefundId, null, e.getMessage(), ConsoleChrome.statusOf(e)));
    }

    private Uni<Merchant> merchant(String merchantId) {
        if (!Limits.isId(merchantId)) {
            return Uni.createFrom().nullItem();
        }
        return directory.get(merchantId).map(m -> m == null ? null : MerchantDirectory.toMerchant(m));
    }

    private Uni<Response> page(String merchantId, String merchantRefundId, String notice, String error, int status) {
        if (!Limits.isId(merchantId) || !CreateRefund.isMerchantRefundId(merchantRefundId)) {
            return chrome.notFound("refund " + merchantRefundId + " of " + merchantId);
        }
        return store.refund(merchantId, merchantRefundId).chain(refund -> {
            if (refund == null) {
                return chrome.notFound("refund " + merchantRefundId + " of " + merchantId);
            }
            return Uni.combine()
                    .all()
                    .unis(store.history(refund), resolutions.standing(refund))
                    .asTuple()
                    .chain(found -> ConsoleChrome.render(
                            Templates.refund(
                                    chrome.chrome("Refund " + merchantRefundId, "refunds", notice, error),
                                    view(refund, found.getItem1(), proposal(found.getItem2()))),
                            status));
        });
    }

    private ProposalRow proposal(ProposalStore.Proposal p) {
        if (p == null) {
            return null;
        }
        return new ProposalRow(
                p.proposedBy().display(),
                p.status(),
                p.reason(),
                p.refundedMinorAmount() == null ? null : Long.toString(p.refundedMinorAmount()),
                Times.at(p.proposedAt().plus(settings.fourEyesProposalTtl())),
                p.proposedBy().samePersonAs(session.actor()));
    }

    private View view(Refund r, ConsoleStore.History history, ProposalRow proposal) {
        List<Views.EventRow> events = history.events().stream()
                .map(e -> new Views.EventRow(
                        Times.at(e.at()),
                        e.fromState(),
                        e.toState(),
                        e.cause(),
                        e.connectorStatus(),
                        e.detail(),
                        e.actor() == null ? null : e.actor().display()))
                .toList();
        List<Views.WebhookRow> webhooks = history.webhooks().stream()
                .map(w -> new Views.WebhookRow(
                        Times.at(w.receivedAt()),
                        w.connector(),
                        w.eventId(),
                        w.eventType(),
                        w.appliedAt() == null ? "kept, not applied" : Times.at(w.appliedAt())))
                .toList();
        List<Views.OutboxRow> notifications = new ArrayList<>();
        List<Views.OutboxRow> wallet = new ArrayList<>();
        for (ConsoleStore.OutboxItem item : history.outbox()) {
            ("notification".equals(item.kind()) ? notifications : wallet).add(Rows.outbox(item));
        }
        return new View(
                r.merchantId(),
                r.merchantRefundId(),
                Links.refund(r.merchantId(), r.merchantRefundId()),
                r.status().name(),
                Amounts.format(r.amount()),
                fields(r),
                events,
                webhooks,
                notifications,
                wallet,
                r.state().inFlight(),
                r.state() == RefundState.MANUAL_REVIEW,
                r.awaitsOperator(),
                resolutions.needsFourEyes(r),
                proposal);
    }

    /** Every field of the refund, its internal state beside its public status; never an account's credentials. */
    private static List<Views.Field> fields(Refund r) {
        List<Views.Field> fields = new ArrayList<>();
        field(fields, "merchant_id", r.merchantId());
        field(fields, "merchant_refund_id", r.merchantRefundId());
        field(fields, "status", r.status().name());
        field(fields, "state", r.state().name());
        field(fields, "amount", Amounts.format(r.amount()));
        field(
                fields,
                "minor amount",
                r.amount().minorAmount() + " " + r.amount().currency());
        field(fields, "connector", r.connector());
        field(fields, "connector_transaction_id", r.connectorTransactionId());
        field(fields, "connector_refund_id", r.connectorRefundId());
        field(fields, "connector_status", r.connectorStatus());
        field(fields, "psp_reference", r.pspReference());
        field(fields, "reason", r.reason());
        field(fields, "metadata", r.metadata().isEmpty() ? null : r.metadata().toString());
        field(
                fields,
                "connector_options",
                r.connectorOptions().isEmpty() ? null : r.connectorOptions().toString());
        field(
                fields,
                "connector_details",
                r.connectorDetails().isEmpty() ? null : r.connectorDetails().toString());
        if (r.failure() != null) {
            field(fields, "error.type", r.failure().type());
            field(fields, "error.code", r.failure().code().wire());
            field(fields, "error.message", r.failure().message());
            field(fields, "error.connector_code", r.failure().connectorCode());
            field(fields, "error.connector_message", r.failure().connectorMessage());
        }
        field(fields, "attempts", Integer.toString(r.attempts()));
        field(fields, "next_action_at", Times.at(r.nextActionAt()));
        field(fields, "made outside Refract", r.external() ? "yes, adopted from a PSP webhook" : "no");
        field(fields, "version", Long.toString(r.version()));
        field(fields, "created_at", Times.at(r.createdAt()));
        field(fields, "updated_at", Times.at(r.updatedAt()));
        return fields;
    }

    private static void field(List<Views.Field> fields, String name, String value) {
        fields.add(new Views.Field(name, value == null || value.isEmpty() ? "—" : value));
    }
}
