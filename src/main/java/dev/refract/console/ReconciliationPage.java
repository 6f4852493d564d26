package dev.refract.console;

import dev.refract.admin.OperatorReconciliations;
import dev.refract.admin.Role;
import dev.refract.admin.RoleRequired;
import dev.refract.http.ApiException;
import dev.refract.http.Limits;
import dev.refract.refund.ConnectorRegistry;
import dev.refract.refund.ReconciliationRun;
import dev.refract.refund.Reconciliations;
import dev.refract.store.ConsoleStore;
import dev.refract.store.ReconciliationReads;
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
import java.util.List;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * The console's Reconciliation page: the runs, newest first, with their counts; one run with its exceptions, each
 * linking to its refund; and a form to start a run, which goes through the same service as the admin API. A page of
 * its own, behind the console's gate (session, CSRF on its form, security headers) like every console page.
 */
@Path("/console/reconciliation")
@Produces(MediaType.TEXT_HTML)
@ConsolePage
@ConsoleAccess
@RoleRequired(Role.VIEWER)
public class ReconciliationPage {

    private static final Logger LOG = Logger.getLogger(ReconciliationPage.class);
    private static final int RUNS = 50;
    private static final int EXCEPTIONS = 200;
    private static final int MERCHANTS = 500;

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance runs(Views.Chrome chrome, ReconciliationViews.RunsPage page);

        static native TemplateInstance run(Views.Chrome chrome, ReconciliationViews.RunPage page);
    }

    private final OperatorReconciliations reconciliations;
    private final ConsoleStore store;
    private final ConsoleSession session;
    private final ConnectorRegistry connectors;
    private final ConsoleChrome chrome;

    ReconciliationPage(
            OperatorReconciliations reconciliations,
            ConsoleStore store,
            ConsoleSession session,
            ConnectorRegistry connectors,
            ConsoleChrome chrome) {
        this.reconciliations = reconciliations;
        this.store = store;
        this.session = session;
        this.connectors = connectors;
        this.chrome = chrome;
    }

    @GET
    public Uni<Response> runs(
            @RestQuery("merchant") String merchant,
            @RestQuery("cursor") String cursor,
            @RestQuery("done") String done) {
        String selected = merchant == null || merchant.isBlank() ? null : merchant.strip();
        return runsPage(
                selected,
                cursor,
                "started".equals(done) ? "The run is started; it shows here as it goes." : null,
                null,
                200);
    }

    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @RoleRequired(Role.OPERATOR)
    public Uni<Response> start(
            @RestForm("csrf") String csrf,
            @RestForm("merchant_id") String merchantId,
            @RestForm("connector") String connector,
            @RestForm("from") String from,
            @RestForm("to") String to) {
        if (!session.acceptsCsrf(csrf)) {
            return Uni.createFrom().item(ConsoleChrome.forbidden());
        }
        return Uni.createFrom()
                .deferred(() -> reconciliations.start(
                        session.actor(),
                        merchantId == null ? null : merchantId.strip(),
                        connector,
                        day("from", from),
                        day("to", to).plusSeconds(86_400)))
                .map(run -> {
                    LOG.infof(
                            "console: reconciliation run %s of %s at %s started by %s",
                            run.id(),
                            run.merchantId(),
                            run.connector(),
                            session.actor().display());
                    return Response.seeOther(URI.create(runHref(run.id()) + "?done=started"))
                            .build();
                })
                .onFailure(ConsoleChrome::answerable)
                .recoverWithUni(e -> runsPage(merchantId, null, null, e.getMessage(), ConsoleChrome.statusOf(e)));
    }

    @GET
    @Path("/{id}")
    public Uni<Response> run(
            @RestPath("id") String id, @RestQuery("cursor") String cursor, @RestQuery("done") String done) {
        long after = cursor == null || !cursor.matches("[0-9]{1,18}") ? 0 : Long.parseLong(cursor);
        return reconciliations
                .run(id)
                .chain(run -> reconciliations.exceptions(run, EXCEPTIONS, after).chain(page -> {
                    List<ReconciliationViews.ExceptionRow> rows = page.exceptions().stream()
                            .map(e -> exceptionRow(run, e.item()))
                            .toList();
                    String next = page.hasMore()
                            ? runHref(run.id()) + "?cursor="
                                    + page.exceptions()
                                            .get(page.exceptions().size() - 1)
                                            .seq()
                            : null;
                    ReconciliationRun.Report report = run.report();
                    return ConsoleChrome.render(
                            Templates.run(
                                    chrome(
                                            "Reconciliation run " + run.id(),
                                            "started".equals(done) ? "The run is started; reload to see it go." : null,
                                            null),
                                    new ReconciliationViews.RunPage(
                                            row(run),
                                            run.source().wire(),
                                            run.pspRecords(),
                                            run.stoppedAt(),
                                            report == null
                                                    ? null
                                                    : report.name() + ": " + report.entries() + " entries, "
                                                            + report.refunds() + " refunds"
                                                            + (report.batches().isEmpty()
                                                                    ? ""
                                                                    : ", batches "
                                                                            + String.join(", ", report.batches())),
                                            rows,
                                            next)),
                            200);
                }))
                .onFailure(ApiException.class)
                .recoverWithUni(e -> chrome.notFound("reconciliation run " + id));
    }

    private Uni<Response> runsPage(String merchant, String cursor, String notice, String error, int status) {
        if (merchant != null && !Limits.isId(merchant)) {
            return chrome.notFound("merchant " + merchant);
        }
        ReconciliationReads.RunCursor after = decode(cursor);
        return store.merchants(MERCHANTS)
                .chain(merchants -> reconciliations.runs(merchant, RUNS, after).chain(page -> {
                    List<ReconciliationViews.Choice> merchantChoices = merchants.stream()
                            .map(m -> new ReconciliationViews.Choice(m.id(), m.id().equals(merchant)))
                            .toList();
                    List<ReconciliationViews.Choice> connectorChoices = new ArrayList<>();
                    connectors
                            .all()
                            .forEach(c -> Reconciliations.sourceOf(c)
                                    .filter(s -> s != ReconciliationRun.Source.REPORT)
                                    .ifPresent(s ->
                                            connectorChoices.add(new ReconciliationViews.Choice(c.name(), false))));
                    String next = null;
                    if (page.hasMore()) {
                        ReconciliationRun last = page.runs().get(page.runs().size() - 1);
                        next = "/console/reconciliation?cursor=" + encode(last)
                                + (merchant == null ? "" : "&merchant=" + segment(merchant));
                    }
                    return ConsoleChrome.render(
                            Templates.runs(
                                    chrome("Reconciliation", notice, error),
                                    new ReconciliationViews.RunsPage(
                                            merchant,
                                            merchantChoices,
                                            connectorChoices,
                                            page.runs().stream()
                                                    .map(ReconciliationPage::row)
                                                    .toList(),
                                            next,
                                            LocalDate.now(ZoneOffset.UTC)
                                                    .minusDays(1)
                                                    .toString())),
                            status);
                }));
    }

    static ReconciliationViews.RunRow row(ReconciliationRun run) {
        ReconciliationRun.Counts c = run.counts();
        return new ReconciliationViews.RunRow(
                run.id(),
                runHref(run.id()),
                run.merchantId(),
                run.connector(),
                Times.at(run.from()) + " – " + Times.at(run.to()),
                run.status().wire(),
                run.startedBy().wire(),
                Times.at(run.startedAt()),
                Times.at(run.finishedAt()),
                c.matched(),
                c.adopted(),
                c.mismatched(),
                c.missingAtPsp(),
                run.failure());
    }

    static ReconciliationViews.ExceptionRow exceptionRow(ReconciliationRun run, ReconciliationRun.Item item) {
        return new ReconciliationViews.ExceptionRow(
                item.kind().wire(),
                item.merchantRefundId(),
                linkable(item) ? refundHref(run.merchantId(), item.merchantRefundId()) : null,
                item.connectorRefundId(),
                item.detail());
    }

    /** An exception links to its refund where Refract has one: matched to one, adopted, or missing at the PSP. */
    static boolean linkable(ReconciliationRun.Item item) {
        return item.merchantRefundId() != null
                && (item.refundId() != null || item.kind() == ReconciliationRun.Kind.ADOPTED);
    }

    static String runHref(String id) {
        return "/console/reconciliation/" + segment(id);
    }

    static String refundHref(String merchantId, String merchantRefundId) {
        return "/console/refunds/" + segment(merchantId) + "/" + segment(merchantRefundId);
    }

    private static String segment(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String encode(ReconciliationRun last) {
        return ChronoUnit.MICROS.between(Instant.EPOCH, last.startedAt()) + "." + last.id();
    }

    private static ReconciliationReads.RunCursor decode(String cursor) {
        if (cursor == null || !cursor.matches("[0-9]{1,19}\\.rec_[0-9a-f]{32}")) {
            return null;
        }
        int dot = cursor.indexOf('.');
        long micros = Long.parseLong(cursor.substring(0, dot));
        return new ReconciliationReads.RunCursor(
                Instant.EPOCH.plus(micros, ChronoUnit.MICROS), cursor.substring(dot + 1));
    }

    private static Instant day(String field, String text) {
        if (text == null || text.isBlank()) {
            throw ApiException.invalid(field, field + " is required: a date, as 2026-12-01");
        }
        try {
            return LocalDate.parse(text.strip()).atStartOfDay(ZoneOffset.UTC).toInstant();
        } catch (DateTimeParseException e) {
            throw ApiException.invalid(field, field + " must be a date, as 2026-12-01.");
        }
    }

    private Views.Chrome chrome(String title, String notice, String error) {
        return chrome.chrome(title, "reconciliation", notice, error);
    }

    /** What this page could not answer itself, as every console page answers it. */
    @ServerExceptionMapper
    Response failure(Throwable e) {
        return ConsoleChrome.failurePage(e);
    }
}
