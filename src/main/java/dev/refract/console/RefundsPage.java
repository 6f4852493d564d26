package dev.refract.console;

import dev.refract.admin.Role;
import dev.refract.admin.RoleRequired;
import dev.refract.http.ApiException;
import dev.refract.http.Cursors;
import dev.refract.http.Limits;
import dev.refract.refund.Connector;
import dev.refract.refund.ConnectorRegistry;
import dev.refract.refund.CreateRefund;
import dev.refract.refund.Refund;
import dev.refract.refund.RefundState;
import dev.refract.refund.RefundStatus;
import dev.refract.refund.RefundStore;
import dev.refract.store.ConsoleStore;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateData;
import io.quarkus.qute.TemplateInstance;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.StringJoiner;
import org.jboss.resteasy.reactive.RestQuery;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Refunds: every refund by filter, newest first, paged by cursor. With a merchant the page walks that merchant's
 * own index, as the merchant API's listing does; otherwise it walks the refunds' primary key and filters as it goes.
 */
@Path("/console")
@Produces(MediaType.TEXT_HTML)
@ConsolePage
@ConsoleAccess
@RoleRequired(Role.VIEWER)
public class RefundsPage {

    private static final int PAGE = 50;
    private static final int MAX_PAGE = 200;
    private static final int MERCHANTS = 500;

    @TemplateData
    record View(
            Views.Filter filter,
            List<Views.Choice> merchants,
            List<Views.Choice> statuses,
            List<Views.Choice> connectors,
            List<Views.RefundRow> rows,
            String nextHref) {}

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance refunds(Views.Chrome chrome, View page);
    }

    private final ConsoleStore store;
    private final ConsoleChrome chrome;
    private final ConnectorRegistry connectors;

    RefundsPage(ConsoleStore store, ConsoleChrome chrome, ConnectorRegistry connectors) {
        this.store = store;
        this.chrome = chrome;
        this.connectors = connectors;
    }

    @GET
    public Response start() {
        return Response.seeOther(URI.create("/console/refunds")).build();
    }

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
                Forms.blankToNull(merchant),
                Forms.blankToNull(status),
                Forms.blankToNull(connector),
                Forms.blankToNull(transaction),
                Forms.blankToNull(from),
                Forms.blankToNull(to));
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
                            page.data().stream().map(r -> Rows.refund(r, now)).toList();
                    String next = null;
                    if (page.hasMore()) {
                        Refund last = page.data().get(page.data().size() - 1);
                        next = "/console/refunds?" + queryString(filter, Cursors.encode(last.createdAt(), last.id()))
                                + (size == PAGE ? "" : "&limit=" + size);
                    }
                    return ConsoleChrome.render(
                            Templates.refunds(
                                    chrome.chrome("Refunds", "refunds", null, error),
                                    new View(
                                            filter,
                                            choices,
                                            statusChoices(filter.status()),
                                            connectorChoices(filter.connector()),
                                            rows,
                                            next)),
                            error == null ? 200 : 400);
                }));
    }

    @ServerExceptionMapper
    Response failure(Throwable e) {
        return ConsoleChrome.failurePage(e);
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
        Links.param(q, "merchant", f.merchant());
        Links.param(q, "status", f.status());
        Links.param(q, "connector", f.connector());
        Links.param(q, "connector_transaction_id", f.connectorTransactionId());
        Links.param(q, "from", f.from());
        Links.param(q, "to", f.to());
        Links.param(q, "cursor", cursor);
        return q.toString();
    }
}
