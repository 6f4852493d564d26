package dev.refract.console;

import dev.refract.admin.AdminRequests;
import dev.refract.admin.MerchantAdmin;
import dev.refract.admin.Resolution;
import dev.refract.http.ApiException;
import dev.refract.http.Cursors;
import dev.refract.http.ErrorStatus;
import dev.refract.http.Limits;
import dev.refract.outbound.PspCallStats;
import dev.refract.refund.Connector;
import dev.refract.refund.ConnectorRegistry;
import dev.refract.refund.CreateRefund;
import dev.refract.refund.Merchant;
import dev.refract.refund.Refund;
import dev.refract.refund.RefundError;
import dev.refract.refund.RefundService;
import dev.refract.refund.RefundState;
import dev.refract.refund.RefundStatus;
import dev.refract.refund.RefundStore;
import dev.refract.store.ConsoleStore;
import dev.refract.store.DatabaseDown;
import dev.refract.store.MerchantDirectory;
import io.quarkus.qute.CheckedTemplate;
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
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * The operator console's pages, server-rendered from Qute templates: refunds by filter, one refund with its
 * whole history and the operator's actions, what needs attention, the PSPs' breakers and recent calls, merchants
 * and the outbox. Every action is a form post that carries the session's CSRF token and answers with a redirect
 * to the page it changed (or that page again, with what went wrong). Actions go through the same services as the
 * admin API, with the same checks and the same event log.
 */
@Path("/console")
@Produces(MediaType.TEXT_HTML)
@ConsolePage
@ConsoleAccess
public class ConsolePages {

    private static final Logger LOG = Logger.getLogger(ConsolePages.class);
    private static final int PAGE = 50;
    private static final int MAX_PAGE = 200;
    private static final int ATTENTION = 100;
    private static final int MERCHANTS = 500;

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance refunds(Views.Chrome chrome, Views.RefundsPage page);

        static native TemplateInstance refund(Views.Chrome chrome, Views.RefundPage page);

        static native TemplateInstance attention(Views.Chrome chrome, Views.AttentionPage page);

        static native TemplateInstance psps(Views.Chrome chrome, Views.PspsPage page);

        static native TemplateInstance merchants(Views.Chrome chrome, Views.MerchantsPage page);

        static native TemplateInstance merchant(Views.Chrome chrome, Views.MerchantPage page);

        static native TemplateInstance outbox(Views.Chrome chrome, Views.OutboxPage page);

        static native TemplateInstance notFound(Views.Chrome chrome, String what);
    }

    private final ConsoleStore store;
    private final ConsoleSession session;
    private final ConsoleSettings settings;
    private final RefundService refunds;
    private final MerchantDirectory directory;
    private final MerchantAdmin admin;
    private final ConnectorRegistry connectors;
    private final FleetPsps fleet;

    ConsolePages(
            ConsoleStore store,
            ConsoleSession session,
            ConsoleSettings settings,
            RefundService refunds,
            MerchantDirectory directory,
            MerchantAdmin admin,
            ConnectorRegistry connectors,
            FleetPsps fleet) {
        this.store = store;
        this.session = session;
        this.settings = settings;
        this.refunds = refunds;
        this.directory = directory;
        this.admin = admin;
        this.connectors = connectors;
        this.fleet = fleet;
    }

    @GET
    public Response start() {
        return Response.seeOther(URI.create("/console/refunds")).build();
    }

    // ---- Refunds ------------------------------------------------------------------------------------------------

    @GET
    @Path("/refunds")
    public Uni<Response> refunds(
            @RestQuery("merchant") String merchant,
            @RestQuery("status") String status,
            @RestQuery("connector") String connector,
            @RestQuery("connector_transaction_id") String transaction,
            @RestQuery("from") String from,
            @RestQuery("to") String to,
            @RestQuery("cursor") String cursor,
            @RestQuery("limit") Integer limit) {
        int size = limit == null ? PAGE : Math.min(Math.max(limit, 1), MAX_PAGE);
        Views.Filter filter = new Views.Filter(
                blankToNull(merchant),
                blankToNull(status),
                blankToNull(connector),
                blankToNull(transaction),
                blankToNull(from),
                blankToNull(to));
        Uni<RefundStore.RefundPage> found;
        String problem;
        try {
            found = store.refunds(filter.merchant(), query(filter, cursor, size));
            problem = null;
        } catch (IllegalArgumentException bad) {
            found = Uni.createFrom().item(new RefundStore.RefundPage(List.of(), false));
            problem = bad.getMessage();
        }
        Uni<RefundStore.RefundPage> listed = found;
        String error = problem;
        return merchantChoices(filter.merchant())
                .chain(choices -> listed.chain(page -> {
                    Instant now = Instant.now();
                    List<Views.RefundRow> rows =
                            page.data().stream().map(r -> row(r, now)).toList();
                    String next = null;
                    if (page.hasMore()) {
                        Refund last = page.data().get(page.data().size() - 1);
                        next = "/console/refunds?" + queryString(filter, Cursors.encode(last.createdAt(), last.id()))
                                + (size == PAGE ? "" : "&limit=" + size);
                    }
                    return render(
                            Templates.refunds(
                                    chrome("Refunds", "refunds", null, error),
                                    new Views.RefundsPage(
                                            filter,
                                            choices,
                                            statusChoices(filter.status()),
                                            connectorChoices(filter.connector()),
                                            rows,
                                            next)),
                            error == null ? 200 : 400);
                }));
    }

    @GET
    @Path("/refunds/{merchant_id}/{merchant_refund_id}")
    public Uni<Response> refund(
            @RestPath("merchant_id") String merchantId,
            @RestPath("merchant_refund_id") String merchantRefundId,
            @RestQuery("done") String done) {
        return refundPage(merchantId, merchantRefundId, notice(done), null, 200);
    }

    @POST
    @Path("/refunds/{merchant_id}/{merchant_refund_id}/sync")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Uni<Response> sync(
            @RestPath("merchant_id") String merchantId,
            @RestPath("merchant_refund_id") String merchantRefundId,
            @RestForm("csrf") String csrf) {
        return act(csrf, merchantId, merchantRefundId, "synced", m -> refunds.sync(m, merchantRefundId));
    }

    @POST
    @Path("/refunds/{merchant_id}/{merchant_refund_id}/cancel")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Uni<Response> cancel(
            @RestPath("merchant_id") String merchantId,
            @RestPath("merchant_refund_id") String merchantRefundId,
            @RestForm("csrf") String csrf) {
        return act(csrf, merchantId, merchantRefundId, "cancelled", m -> refunds.cancel(m, merchantRefundId));
    }

    @POST
    @Path("/refunds/{merchant_id}/{merchant_refund_id}/resolve")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Uni<Response> resolve(
            @RestPath("merchant_id") String merchantId,
            @RestPath("merchant_refund_id") String merchantRefundId,
            @RestForm("csrf") String csrf,
            @RestForm("status") String status,
            @RestForm("reason") String reason,
            @RestForm("refunded_minor_amount") String refundedMinorAmount) {
        return act(csrf, merchantId, merchantRefundId, "resolved", m -> {
            Resolution resolution = Resolution.of(status, reason, minorAmount(refundedMinorAmount));
            return refunds.resolve(
                    m, merchantRefundId, resolution.to(), resolution.reason(), resolution.refundedMinorAmount());
        });
    }

    private Uni<Response> act(
            String csrf,
            String merchantId,
            String merchantRefundId,
            String done,
            Function<Merchant, Uni<Refund>> action) {
        if (!session.acceptsCsrf(csrf)) {
            return Uni.createFrom().item(forbidden());
        }
        return merchant(merchantId)
                .chain(m -> m == null
                        ? Uni.createFrom().failure(new RefundError.RefundNotFound(merchantRefundId))
                        : Uni.createFrom().deferred(() -> action.apply(m)))
                .map(r -> {
                    LOG.infof("console: refund %s of %s %s by an operator", merchantRefundId, merchantId, done);
                    return Response.seeOther(URI.create(refundHref(merchantId, merchantRefundId) + "?done=" + done))
                            .build();
                })
                .onFailure(ConsolePages::answerable)
                .recoverWithUni(e -> refundPage(merchantId, merchantRefundId, null, e.getMessage(), statusOf(e)));
    }

    private Uni<Response> refundPage(
            String merchantId, String merchantRefundId, String notice, String error, int status) {
        if (!Limits.isId(merchantId) || !CreateRefund.isMerchantRefundId(merchantRefundId)) {
            return notFound("refund " + merchantRefundId + " of " + merchantId);
        }
        return store.refund(merchantId, merchantRefundId).chain(refund -> {
            if (refund == null) {
                return notFound("refund " + merchantRefundId + " of " + merchantId);
            }
            return store.history(refund)
                    .chain(history -> render(
                            Templates.refund(
                                    chrome("Refund " + merchantRefundId, "refunds", notice, error),
                                    refundView(refund, history)),
                            status));
        });
    }

    private Views.RefundPage refundView(Refund r, ConsoleStore.History history) {
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
        List<Views.EventRow> events = history.events().stream()
                .map(e -> new Views.EventRow(
                        Times.at(e.at()), e.fromState(), e.toState(), e.cause(), e.connectorStatus(), e.detail()))
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
            ("notification".equals(item.kind()) ? notifications : wallet).add(outboxRow(item));
        }
        return new Views.RefundPage(
                r.merchantId(),
                r.merchantRefundId(),
                refundHref(r.merchantId(), r.merchantRefundId()),
                r.status().name(),
                Amounts.format(r.amount()),
                fields,
                events,
                webhooks,
                notifications,
                wallet,
                r.state().inFlight(),
                r.state() == RefundState.MANUAL_REVIEW,
                r.awaitsOperator());
    }

    // ---- Needs attention ----------------------------------------------------------------------------------------

    @GET
    @Path("/attention")
    public Uni<Response> attention() {
        int minAttempts = settings.unsettledAttempts();
        Instant now = Instant.now();
        return Uni.combine()
                .all()
                .unis(
                        store.manualReview(ATTENTION),
                        store.unsettled(minAttempts, ATTENTION),
                        store.external(now.minus(settings.externalWindow()), ATTENTION))
                .with((review, unsettled, external) -> {
                    List<Views.RefundRow> contradicted = new ArrayList<>();
                    List<Views.RefundRow> manual = new ArrayList<>();
                    for (Refund r : review) {
                        (r.awaitsOperator() ? contradicted : manual).add(row(r, now));
                    }
                    return new Views.AttentionPage(
                            manual,
                            contradicted,
                            unsettled.stream().map(r -> row(r, now)).toList(),
                            external.stream().map(r -> row(r, now)).toList(),
                            minAttempts,
                            settings.externalWindow().toDays());
                })
                .chain(page ->
                        render(Templates.attention(chrome("Needs attention", "attention", null, null), page), 200));
    }

    // ---- PSPs ---------------------------------------------------------------------------------------------------

    @GET
    @Path("/psps")
    public Uni<Response> psps() {
        return fleet.fleet().chain(psps -> {
            List<Views.PspRow> rows = new ArrayList<>();
            int replicas = 1;
            for (FleetPsps.Psp psp : psps) {
                replicas = Math.max(replicas, psp.replicas());
                long attempts = 0;
                long failures = 0;
                long refused = 0;
                long millis = 0;
                for (PspCallStats.Slot s : psp.slots()) {
                    attempts += s.attempts();
                    failures += s.failures();
                    refused += s.refused();
                    millis += s.totalMillis();
                }
                String breaker = psp.worstBreaker();
                rows.add(new Views.PspRow(
                        psp.connector(),
                        breaker,
                        breaker.toLowerCase(Locale.ROOT).replace('_', '-'),
                        breakerDetail(psp),
                        attempts,
                        failures,
                        refused,
                        attempts == 0 ? "–" : String.format(Locale.ROOT, "%.1f %%", 100.0 * failures / attempts),
                        attempts == 0 ? "–" : millis / attempts + " ms",
                        Charts.failures(psp.slots()),
                        Charts.latency(psp.slots())));
            }
            return render(
                    Templates.psps(
                            chrome("PSPs", "psps", null, null),
                            new Views.PspsPage(
                                    rows, PspCallStats.WINDOW.toMinutes(), PspCallStats.SLOT.toSeconds(), replicas)),
                    200);
        });
    }

    /** "CLOSED on 3 replicas", or "OPEN on 1 of 3 replicas · CLOSED on 2". */
    private static String breakerDetail(FleetPsps.Psp psp) {
        StringJoiner detail = new StringJoiner(" · ");
        for (String state : FleetPsps.WORST_FIRST) {
            int n = psp.breakers().getOrDefault(state, 0);
            if (n == 0) {
                continue;
            }
            if (detail.length() == 0) {
                detail.add(state + " on " + (n == psp.replicas() ? "" : n + " of ") + psp.replicas()
                        + (psp.replicas() == 1 ? " replica" : " replicas"));
            } else {
                detail.add(state + " on " + n);
            }
        }
        return detail.toString();
    }

    // ---- Merchants ----------------------------------------------------------------------------------------------

    @GET
    @Path("/merchants")
    public Uni<Response> merchants() {
        return merchantsPage(null, null, 200);
    }

    @POST
    @Path("/merchants")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Uni<Response> createMerchant(
            @RestForm("csrf") String csrf, @RestForm("merchant_id") String merchantId, @RestForm("name") String name) {
        if (!session.acceptsCsrf(csrf)) {
            return Uni.createFrom().item(forbidden());
        }
        return Uni.createFrom()
                .deferred(() -> admin.create(merchantId == null ? null : merchantId.strip(), name))
                .chain(created -> {
                    LOG.infof("console: merchant %s created by an operator", created.merchantId());
                    return merchantsPage(
                            new Views.CreatedMerchant(
                                    created.merchantId(), merchantHref(created.merchantId()), created.apiKey()),
                            null,
                            201);
                })
                .onFailure(ConsolePages::answerable)
                .recoverWithUni(e -> merchantsPage(null, e.getMessage(), statusOf(e)));
    }

    private Uni<Response> merchantsPage(Views.CreatedMerchant created, String error, int status) {
        return store.merchants(MERCHANTS)
                .chain(list -> render(
                        Templates.merchants(
                                chrome(
                                        "Merchants",
                                        "merchants",
                                        created == null ? null : "Merchant " + created.id() + " created.",
                                        error),
                                new Views.MerchantsPage(
                                        list.stream()
                                                .map(ConsolePages::merchantRow)
                                                .toList(),
                                        created)),
                        status));
    }

    @GET
    @Path("/merchants/{merchant_id}")
    public Uni<Response> merchant(@RestPath("merchant_id") String merchantId, @RestQuery("done") String done) {
        return merchantPage(merchantId, notice(done), null, 200);
    }

    @POST
    @Path("/merchants/{merchant_id}")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Uni<Response> updateMerchant(
            @RestPath("merchant_id") String merchantId,
            @RestForm("csrf") String csrf,
            @RestForm("name") String name,
            @RestForm("default_connector") String defaultConnector,
            @RestForm("webhook_url") String webhookUrl,
            @RestForm("webhook_secret") String webhookSecret) {
        if (!session.acceptsCsrf(csrf)) {
            return Uni.createFrom().item(forbidden());
        }
        // an empty secret field keeps the secret that is set: a secret is only ever set or replaced here
        AdminRequests.UpdateMerchant update = new AdminRequests.UpdateMerchant(
                name,
                defaultConnector == null ? null : defaultConnector.strip(),
                webhookUrl == null ? null : webhookUrl.strip(),
                webhookSecret == null || webhookSecret.isEmpty() ? null : webhookSecret);
        return merchantAction(merchantId, "saved", () -> admin.update(merchantId, update));
    }

    @POST
    @Path("/merchants/{merchant_id}/connectors")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Uni<Response> putAccount(
            @RestPath("merchant_id") String merchantId,
            @RestForm("csrf") String csrf,
            @RestForm("connector") String connector,
            @RestForm("enabled") String enabled,
            @RestForm("credentials") String credentials,
            @RestForm("settings") String accountSettings,
            @RestForm("webhook_secret") String webhookSecret) {
        if (!session.acceptsCsrf(csrf)) {
            return Uni.createFrom().item(forbidden());
        }
        return merchantAction(
                merchantId,
                "account-saved",
                () -> admin.putConnector(
                        merchantId,
                        connector,
                        new AdminRequests.PutConnector(
                                pairs("credentials", credentials),
                                webhookSecret == null || webhookSecret.isEmpty() ? null : webhookSecret,
                                "on".equals(enabled),
                                pairs("settings", accountSettings))));
    }

    private Uni<Response> merchantAction(String merchantId, String done, Supplier<Uni<?>> action) {
        return Uni.createFrom()
                .deferred(action)
                .map(saved -> {
                    LOG.infof("console: merchant %s %s by an operator", merchantId, done);
                    return Response.seeOther(URI.create(merchantHref(merchantId) + "?done=" + done))
                            .build();
                })
                .onFailure(ConsolePages::answerable)
                .recoverWithUni(e -> merchantPage(merchantId, null, e.getMessage(), statusOf(e)));
    }

    private Uni<Response> merchantPage(String merchantId, String notice, String error, int status) {
        if (!Limits.isId(merchantId)) {
            return notFound("merchant " + merchantId);
        }
        return directory.get(merchantId).chain(m -> {
            if (m == null) {
                return notFound("merchant " + merchantId);
            }
            return admin.connectors(merchantId).chain(accounts -> {
                List<Views.AccountRow> rows = accounts.stream()
                        .map(a -> new Views.AccountRow(
                                a.connector(),
                                a.enabled(),
                                a.settings().isEmpty() ? "" : new TreeMap<>(a.settings()).toString(),
                                String.join(", ", a.credentialKeys()),
                                a.webhookSecretSet()))
                        .toList();
                List<Views.Choice> kinds = new ArrayList<>();
                for (Connector c : connectors.all()) {
                    kinds.add(new Views.Choice(c.name(), false));
                }
                if (connectors.findAccountKind("credyt").isPresent()) {
                    kinds.add(new Views.Choice("credyt", false));
                }
                Views.MerchantRow merchant = new Views.MerchantRow(
                        m.id, merchantHref(m.id), m.name, m.defaultConnector, m.webhookUrl, m.webhookSecretEnc != null);
                return render(
                        Templates.merchant(
                                chrome("Merchant " + m.id, "merchants", notice, error),
                                new Views.MerchantPage(merchant, merchantHref(m.id), rows, kinds)),
                        status);
            });
        });
    }

    // ---- Outbox -------------------------------------------------------------------------------------------------

    @GET
    @Path("/outbox")
    public Uni<Response> outbox(@RestQuery("done") String done) {
        return outboxPage(notice(done), null, 200);
    }

    @POST
    @Path("/outbox/{id}/retry")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Uni<Response> retry(@RestPath("id") long id, @RestForm("csrf") String csrf) {
        if (!session.acceptsCsrf(csrf)) {
            return Uni.createFrom().item(forbidden());
        }
        return store.retryNow(id).chain(retried -> {
            if (!retried) {
                return outboxPage(null, "Outbox item " + id + " is delivered already, or there is no such item.", 409);
            }
            LOG.infof("console: outbox item %d made due now by an operator", id);
            return Uni.createFrom()
                    .item(Response.seeOther(URI.create("/console/outbox?done=retried"))
                            .build());
        });
    }

    private Uni<Response> outboxPage(String notice, String error, int status) {
        Instant now = Instant.now();
        return Uni.combine()
                .all()
                .unis(store.outboxBacklog(), store.failingDeliveries(ATTENTION))
                .with((backlog, failing) -> new Views.OutboxPage(
                        backlog.stream()
                                .map(b -> new Views.BacklogRow(
                                        b.kind(),
                                        b.undelivered(),
                                        b.failing(),
                                        Times.at(b.oldest()),
                                        Times.age(b.oldest(), now)))
                                .toList(),
                        failing.stream().map(ConsolePages::outboxRow).toList()))
                .chain(page -> render(Templates.outbox(chrome("Outbox", "outbox", notice, error), page), status));
    }

    // ---- shared -------------------------------------------------------------------------------------------------

    static Response forbidden() {
        return Response.status(Response.Status.FORBIDDEN)
                .type(MediaType.TEXT_PLAIN_TYPE)
                .entity("This form has expired or did not come from the console. Go back, reload the page and try"
                        + " again.")
                .build();
    }

    private Uni<Response> notFound(String what) {
        return render(Templates.notFound(chrome("Not found", "", null, null), what), 404);
    }

    private static Uni<Response> render(TemplateInstance page, int status) {
        return page.createUni()
                .map(html -> Response.status(status)
                        .type(MediaType.TEXT_HTML_TYPE.withCharset("UTF-8"))
                        .entity(html)
                        .build());
    }

    private Views.Chrome chrome(String title, String tab, String notice, String error) {
        return new Views.Chrome(title, tab, session.csrfToken(), notice, error);
    }

    private static final Map<String, String> NOTICES = Map.of(
            "synced", "Asked the PSP for the refund's status.",
            "cancelled", "The PSP cancelled the refund.",
            "resolved", "The refund is resolved; the reason is in its timeline.",
            "saved", "The merchant's settings are saved.",
            "account-saved", "The PSP account is saved.",
            "retried", "The item is due now; the outbox delivers it on its next run.");

    private static String notice(String done) {
        return done == null ? null : NOTICES.get(done);
    }

    private Uni<Merchant> merchant(String merchantId) {
        if (!Limits.isId(merchantId)) {
            return Uni.createFrom().nullItem();
        }
        return directory.get(merchantId).map(m -> m == null ? null : MerchantDirectory.toMerchant(m));
    }

    /** Failures an operator can act on, answered on the page; anything else is the server's 500. */
    private static boolean answerable(Throwable e) {
        return e instanceof ApiException || e instanceof RefundError;
    }

    private static int statusOf(Throwable e) {
        if (e instanceof ApiException api) {
            return api.status();
        }
        return ErrorStatus.of(((RefundError) e).code()).status();
    }

    /**
     * What no page answered itself, as a page rather than the API's JSON: the database out of reach as a 503, an
     * unexpected failure as a 500 that says it is logged, never its details.
     */
    @ServerExceptionMapper
    Response failure(Throwable e) {
        return failurePage(e);
    }

    /** What a console request that failed answers: the reason where the operator can act on it, else a plain apology. */
    static Response failurePage(Throwable e) {
        if (answerable(e)) {
            return text(statusOf(e), e.getMessage());
        }
        if (DatabaseDown.isDatabaseDown(e)) {
            return text(503, "The database cannot be reached just now. Try again in a moment.");
        }
        LOG.error("console: a page failed", e);
        return text(500, "Something went wrong; it is logged. Try again, or look at the service's log.");
    }

    private static Response text(int status, String message) {
        return Response.status(status)
                .type(MediaType.TEXT_PLAIN_TYPE.withCharset("UTF-8"))
                .entity(message)
                .build();
    }

    private static Long minorAmount(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return Long.parseLong(text.strip());
        } catch (NumberFormatException e) {
            throw ApiException.invalid("refunded_minor_amount", "refunded_minor_amount must be a whole number");
        }
    }

    /** "name=value" lines of a form's text area; a line without "=" is refused, naming the field. */
    private static Map<String, String> pairs(String field, String text) {
        Map<String, String> pairs = new LinkedHashMap<>();
        if (text == null) {
            return pairs;
        }
        for (String line : text.split("\\R")) {
            if (line.isBlank()) {
                continue;
            }
            int eq = line.indexOf('=');
            if (eq <= 0) {
                throw ApiException.invalid(field, field + " must be lines of name=value");
            }
            pairs.put(line.substring(0, eq).strip(), line.substring(eq + 1).strip());
        }
        return pairs;
    }

    private Uni<List<Views.Choice>> merchantChoices(String selected) {
        return store.merchants(MERCHANTS)
                .map(list -> list.stream()
                        .map(m -> new Views.Choice(m.id(), m.id().equals(selected)))
                        .toList());
    }

    private static List<Views.Choice> statusChoices(String selected) {
        List<Views.Choice> choices = new ArrayList<>();
        for (RefundStatus s : RefundStatus.values()) {
            choices.add(new Views.Choice(s.name(), s.name().equals(selected)));
        }
        return choices;
    }

    private List<Views.Choice> connectorChoices(String selected) {
        List<Views.Choice> choices = new ArrayList<>();
        for (Connector c : connectors.all()) {
            choices.add(new Views.Choice(c.name(), c.name().equals(selected)));
        }
        return choices;
    }

    private static RefundStore.RefundFilter query(Views.Filter filter, String cursor, int size) {
        if (filter.merchant() != null && !Limits.isId(filter.merchant())) {
            throw new IllegalArgumentException("There is no merchant " + filter.merchant() + ".");
        }
        Set<RefundState> states = EnumSet.noneOf(RefundState.class);
        if (filter.status() != null) {
            try {
                states.addAll(RefundState.of(RefundStatus.valueOf(filter.status())));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("status must be one of PENDING, SUCCEEDED, FAILED, MANUAL_REVIEW.");
            }
        }
        if (filter.connectorTransactionId() != null
                && !CreateRefund.isConnectorTransactionId(filter.connectorTransactionId())) {
            throw new IllegalArgumentException("That is not a connector_transaction_id any PSP gives out.");
        }
        Instant from = day(filter.from(), "from");
        Instant to = day(filter.to(), "to");
        if (to != null) {
            to = to.plus(1, ChronoUnit.DAYS); // the whole of the last day
        }
        if (from != null && to != null && !from.isBefore(to)) {
            throw new IllegalArgumentException("from must be on or before to.");
        }
        return new RefundStore.RefundFilter(
                states, filter.connector(), filter.connectorTransactionId(), from, to, size, cursor(cursor));
    }

    private static Instant day(String text, String field) {
        if (text == null) {
            return null;
        }
        try {
            return LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(field + " must be a date, as 2026-12-01.");
        }
    }

    /** The merchant API's cursor, its refusal answered in the console's words. */
    private static RefundStore.Cursor cursor(String cursor) {
        if (cursor == null || cursor.isBlank()) {
            return null;
        }
        try {
            return Cursors.decode(cursor);
        } catch (ApiException e) {
            throw new IllegalArgumentException(
                    "That page link is not one the console made; start from the first page.");
        }
    }

    private static String queryString(Views.Filter f, String cursor) {
        StringJoiner q = new StringJoiner("&");
        param(q, "merchant", f.merchant());
        param(q, "status", f.status());
        param(q, "connector", f.connector());
        param(q, "connector_transaction_id", f.connectorTransactionId());
        param(q, "from", f.from());
        param(q, "to", f.to());
        param(q, "cursor", cursor);
        return q.toString();
    }

    private static void param(StringJoiner q, String name, String value) {
        if (value != null) {
            q.add(name + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8));
        }
    }

    private static Views.RefundRow row(Refund r, Instant now) {
        String why = "";
        if (r.state() == RefundState.MANUAL_REVIEW && r.failure() != null) {
            why = r.failure().code().wire() + ": " + r.failure().message();
        } else if (r.state().inFlight()) {
            why = r.attempts() + " attempts" + (r.connectorStatus() == null ? "" : ", PSP says " + r.connectorStatus());
        } else if (r.external()) {
            why = "made outside Refract";
        }
        return new Views.RefundRow(
                r.merchantId(),
                r.merchantRefundId(),
                refundHref(r.merchantId(), r.merchantRefundId()),
                r.status().name(),
                r.state().name(),
                r.connector(),
                r.connectorTransactionId(),
                Amounts.format(r.amount()),
                Times.at(r.createdAt()),
                Times.age(r.createdAt(), now),
                why);
    }

    private static Views.OutboxRow outboxRow(ConsoleStore.OutboxItem item) {
        return new Views.OutboxRow(
                item.id(),
                item.kind(),
                item.eventType(),
                item.eventId(),
                item.attempts(),
                Times.at(item.createdAt()),
                item.deliveredAt() == null ? Times.at(item.nextAttemptAt()) : "",
                item.deliveredAt() == null ? "" : Times.at(item.deliveredAt()),
                item.lastError(),
                refundHref(item.merchantId(), item.merchantRefundId()),
                item.merchantRefundId(),
                item.deliveredAt() == null);
    }

    private static Views.MerchantRow merchantRow(ConsoleStore.MerchantRow m) {
        return new Views.MerchantRow(
                m.id(), merchantHref(m.id()), m.name(), m.defaultConnector(), m.webhookUrl(), m.webhookSecretSet());
    }

    private static void field(List<Views.Field> fields, String name, String value) {
        fields.add(new Views.Field(name, value == null || value.isEmpty() ? "—" : value));
    }

    static String refundHref(String merchantId, String merchantRefundId) {
        return "/console/refunds/" + segment(merchantId) + "/" + segment(merchantRefundId);
    }

    private static String merchantHref(String merchantId) {
        return "/console/merchants/" + segment(merchantId);
    }

    private static String segment(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
