package dev.refract.console;

import dev.refract.admin.Role;
import dev.refract.admin.RoleRequired;
import dev.refract.refund.AuditAction;
import dev.refract.refund.AuditEntry;
import dev.refract.store.ConsoleStore;
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
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** The outbox: the backlog by kind, the failing deliveries, and making one due now. */
@Path("/console")
@Produces(MediaType.TEXT_HTML)
@ConsolePage
@ConsoleAccess
@RoleRequired(Role.VIEWER)
public class OutboxPage {

    private static final Logger LOG = Logger.getLogger(OutboxPage.class);
    private static final int FAILING = 100;
    private static final Map<String, String> NOTICES =
            Map.of("retried", "The item is due now; the outbox delivers it on its next run.");

    @TemplateData
    record View(List<Views.BacklogRow> backlog, List<Views.OutboxRow> failing) {}

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance outbox(Views.Chrome chrome, View page);
    }

    private final ConsoleStore store;
    private final ConsoleSession session;
    private final ConsoleChrome chrome;

    OutboxPage(ConsoleStore store, ConsoleSession session, ConsoleChrome chrome) {
        this.store = store;
        this.session = session;
        this.chrome = chrome;
    }

    @GET
    @Path("/outbox")
    public Uni<Response> outbox(@RestQuery("done") String done) {
        return page(ConsoleChrome.notice(NOTICES, done), null, 200);
    }

    @POST
    @Path("/outbox/{id}/retry")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @RoleRequired(Role.OPERATOR)
    public Uni<Response> retry(@RestPath("id") long id, @RestForm("csrf") String csrf) {
        if (!session.acceptsCsrf(csrf)) {
            return Uni.createFrom().item(ConsoleChrome.forbidden());
        }
        AuditEntry audit =
                new AuditEntry(session.actor(), AuditAction.OUTBOX_RETRY, AuditEntry.outboxItem(id), Map.of());
        return store.retryNow(id, audit).chain(retried -> {
            if (!retried) {
                return page(null, "Outbox item " + id + " is delivered already, or there is no such item.", 409);
            }
            LOG.infof(
                    "console: outbox item %d made due now by %s",
                    id, session.actor().display());
            return Uni.createFrom()
                    .item(Response.seeOther(URI.create("/console/outbox?done=retried"))
                            .build());
        });
    }

    @ServerExceptionMapper
    Response failure(Throwable e) {
        return ConsoleChrome.failurePage(e);
    }

    private Uni<Response> page(String notice, String error, int status) {
        Instant now = Instant.now();
        return Uni.combine()
                .all()
                .unis(store.outboxBacklog(), store.failingDeliveries(FAILING))
                .with((backlog, failing) -> new View(
                        backlog.stream()
                                .map(b -> new Views.BacklogRow(
                                        b.kind(),
                                        b.undelivered(),
                                        b.failing(),
                                        Times.at(b.oldest()),
                                        Times.age(b.oldest(), now)))
                                .toList(),
                        failing.stream().map(Rows::outbox).toList()))
                .chain(page -> ConsoleChrome.render(
                        Templates.outbox(chrome.chrome("Outbox", "outbox", notice, error), page), status));
    }
}
