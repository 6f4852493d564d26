package dev.refract.console;

import dev.refract.admin.Role;
import dev.refract.admin.RoleRequired;
import dev.refract.outbound.PspCallStats;
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
import java.util.Locale;
import java.util.StringJoiner;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** PSPs: each connector's circuit breakers across the fleet and its calls of the last minutes, as charts. */
@Path("/console")
@Produces(MediaType.TEXT_HTML)
@ConsolePage
@ConsoleAccess
@RoleRequired(Role.VIEWER)
public class PspsPage {

    @TemplateData
    record View(List<Views.PspRow> psps, long windowMinutes, long slotSeconds, int replicas) {}

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance psps(Views.Chrome chrome, View page);
    }

    private final ConsoleChrome chrome;
    private final FleetPsps fleet;

    PspsPage(ConsoleChrome chrome, FleetPsps fleet) {
        this.chrome = chrome;
        this.fleet = fleet;
    }

    @GET
    @Path("/psps")
    public Uni<Response> psps() {
        return fleet.fleet().chain(psps -> {
            List<Views.PspRow> rows = new ArrayList<>();
            int replicas = 1;
            for (FleetPsps.Psp psp : psps) {
                replicas = Math.max(replicas, psp.replicas());
                rows.add(row(psp));
            }
            return ConsoleChrome.render(
                    Templates.psps(
                            chrome.chrome("PSPs", "psps", null, null),
                            new View(rows, PspCallStats.WINDOW.toMinutes(), PspCallStats.SLOT.toSeconds(), replicas)),
                    200);
        });
    }

    @ServerExceptionMapper
    Response failure(Throwable e) {
        return ConsoleChrome.failurePage(e);
    }

    private static Views.PspRow row(FleetPsps.Psp psp) {
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
        return new Views.PspRow(
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
                Charts.latency(psp.slots()));
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
}
