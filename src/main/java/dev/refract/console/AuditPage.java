package dev.refract.console;

import dev.refract.admin.Role;
import dev.refract.admin.RoleRequired;
import dev.refract.http.Limits;
import dev.refract.refund.AuditAction;
import dev.refract.store.AuditTrail;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateData;
import io.quarkus.qute.TemplateInstance;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import org.jboss.resteasy.reactive.RestQuery;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Audit: every operator action with who did it, newest first, by actor (a subject, or admin_token), action, target
 * or merchant, 50 to a page with a link to older entries.
 */
@Path("/console")
@Produces(MediaType.TEXT_HTML)
@ConsolePage
@ConsoleAccess
@RoleRequired(Role.VIEWER)
public class AuditPage {

    private static final int PAGE = 50;
    private static final int MAX_FILTER = 512;

    @TemplateData
    record Filter(String actor, String action, String target, String merchant) {}

    @TemplateData
    record Row(
            String at,
            String who,
            String kind,
            String subject,
            String action,
            String target,
            String href,
            String detail) {}

    @TemplateData
    record View(Filter filter, List<Views.Choice> actions, List<Row> rows, String nextHref) {}

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance audit(Views.Chrome chrome, View page);
    }

    private final AuditTrail trail;
    private final ConsoleChrome chrome;

    AuditPage(AuditTrail trail, ConsoleChrome chrome) {
        this.trail = trail;
        this.chrome = chrome;
    }

    @GET
    @Path("/audit")
    public Uni<Response> audit(
            @RestQuery("actor") String actor,
            @RestQuery("action") String action,
            @RestQuery("target") String target,
            @RestQuery("merchant") String merchant,
            @RestQuery("before") String before) {
        Filter filter = new Filter(
                Forms.blankToNull(actor),
                Forms.blankToNull(action),
                Forms.blankToNull(target),
                Forms.blankToNull(merchant));
        String error = problem(filter, before);
        List<Views.Choice> actions = new ArrayList<>();
        for (AuditAction a : AuditAction.values()) {
            actions.add(new Views.Choice(a.wire(), a.wire().equals(filter.action())));
        }
        if (error != null) {
            return ConsoleChrome.render(
                    Templates.audit(
                            chrome.chrome("Audit", "audit", null, error), new View(filter, actions, List.of(), null)),
                    400);
        }
        AuditTrail.Query query = new AuditTrail.Query(
                filter.actor(),
                filter.action(),
                filter.target(),
                filter.merchant(),
                before == null || before.isBlank() ? null : Long.parseLong(before.strip()),
                PAGE);
        return trail.list(query).chain(page -> {
            List<Row> rows = page.data().stream().map(AuditPage::row).toList();
            String next = page.hasMore()
                    ? "/console/audit?"
                            + queryString(
                                    filter,
                                    page.data().get(page.data().size() - 1).id())
                    : null;
            return ConsoleChrome.render(
                    Templates.audit(chrome.chrome("Audit", "audit", null, null), new View(filter, actions, rows, next)),
                    200);
        });
    }

    @ServerExceptionMapper
    Response failure(Throwable e) {
        return ConsoleChrome.failurePage(e);
    }

    private static String problem(Filter f, String before) {
        if (f.action() != null && AuditAction.of(f.action()) == null) {
            return "There is no action " + f.action() + ".";
        }
        if (f.merchant() != null && !Limits.isId(f.merchant())) {
            return "There is no merchant " + f.merchant() + ".";
        }
        for (String text : new String[] {f.actor(), f.target()}) {
            if (text != null && text.length() > MAX_FILTER) {
                return "A filter is at most " + MAX_FILTER + " characters.";
            }
        }
        if (before != null && !before.isBlank() && !before.strip().matches("[1-9][0-9]{0,17}")) {
            return "That page link is not one the console made; start from the first page.";
        }
        return null;
    }

    private static Row row(AuditTrail.Line line) {
        boolean operator = "operator".equals(line.actorKind());
        String who = operator ? (line.actorName() == null ? line.actorSubject() : line.actorName()) : "the admin token";
        return new Row(
                Times.at(line.at()),
                who,
                line.actorKind(),
                line.actorSubject(),
                line.action(),
                line.target(),
                href(line.target()),
                detail(line.detail()));
    }

    /** The console's page of a target, where it has one. */
    private static String href(String target) {
        String[] parts = target.split("/");
        if (parts.length == 2 && parts[0].equals("merchants")) {
            return Links.merchant(parts[1]);
        }
        if (parts.length >= 4 && parts[0].equals("merchants") && parts[2].equals("refunds")) {
            return Links.refund(parts[1], target.substring(("merchants/" + parts[1] + "/refunds/").length()));
        }
        if (parts.length >= 3 && parts[0].equals("merchants")) {
            return Links.merchant(parts[1]);
        }
        return null;
    }

    /** "name: value · name: value", nested values (an actor) by their name or kind. */
    @SuppressWarnings("unchecked")
    private static String detail(Map<String, Object> detail) {
        StringJoiner text = new StringJoiner(" · ");
        detail.forEach((name, value) -> {
            Object shown = value;
            if (value instanceof Map<?, ?> m) {
                Map<String, Object> nested = (Map<String, Object>) m;
                shown = nested.getOrDefault("name", nested.getOrDefault("subject", nested.get("kind")));
            }
            text.add(name + ": " + shown);
        });
        return text.toString();
    }

    private static String queryString(Filter f, long before) {
        StringJoiner q = new StringJoiner("&");
        Links.param(q, "actor", f.actor());
        Links.param(q, "action", f.action());
        Links.param(q, "target", f.target());
        Links.param(q, "merchant", f.merchant());
        Links.param(q, "before", Long.toString(before));
        return q.toString();
    }
}
