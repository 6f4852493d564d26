package dev.refract.console;

import dev.refract.admin.Role;
import dev.refract.admin.RoleRequired;
import dev.refract.refund.Refund;
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
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Needs attention, oldest first: refunds in MANUAL_REVIEW (those a PSP's answer contradicted apart), refunds still
 * unsettled after several PSP attempts, and refunds made outside Refract lately.
 */
@Path("/console")
@Produces(MediaType.TEXT_HTML)
@ConsolePage
@ConsoleAccess
@RoleRequired(Role.VIEWER)
public class AttentionPage {

    private static final int ATTENTION = 100;

    @TemplateData
    record View(
            List<Views.RefundRow> manualReview,
            List<Views.RefundRow> contradicted,
            List<Views.RefundRow> unsettled,
            List<Views.RefundRow> external,
            int minAttempts,
            long externalDays) {}

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance attention(Views.Chrome chrome, View page);
    }

    private final ConsoleStore store;
    private final ConsoleChrome chrome;
    private final ConsoleSettings settings;

    AttentionPage(ConsoleStore store, ConsoleChrome chrome, ConsoleSettings settings) {
        this.store = store;
        this.chrome = chrome;
        this.settings = settings;
    }

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
                        (r.awaitsOperator() ? contradicted : manual).add(Rows.refund(r, now));
                    }
                    return new View(
                            manual,
                            contradicted,
                            unsettled.stream().map(r -> Rows.refund(r, now)).toList(),
                            external.stream().map(r -> Rows.refund(r, now)).toList(),
                            minAttempts,
                            settings.externalWindow().toDays());
                })
                .chain(page -> ConsoleChrome.render(
                        Templates.attention(chrome.chrome("Needs attention", "attention", null, null), page), 200));
    }

    @ServerExceptionMapper
    Response failure(Throwable e) {
        return ConsoleChrome.failurePage(e);
    }
}
