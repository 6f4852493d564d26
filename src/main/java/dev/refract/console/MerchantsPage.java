package dev.refract.console;

import dev.refract.admin.MerchantAdmin;
import dev.refract.admin.Role;
import dev.refract.admin.RoleRequired;
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
import java.util.List;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * The merchants, and a form that creates one. The new merchant's API key is shown once, on the page the form
 * answers with, and never again.
 */
@Path("/console")
@Produces(MediaType.TEXT_HTML)
@ConsolePage
@ConsoleAccess
@RoleRequired(Role.VIEWER)
public class MerchantsPage {

    private static final Logger LOG = Logger.getLogger(MerchantsPage.class);
    private static final int MERCHANTS = 500;

    @TemplateData
    record Created(String id, String href, String apiKey) {}

    @TemplateData
    record View(List<Views.MerchantRow> merchants, Created created) {}

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance merchants(Views.Chrome chrome, View page);
    }

    private final ConsoleStore store;
    private final ConsoleSession session;
    private final ConsoleChrome chrome;
    private final MerchantAdmin admin;

    MerchantsPage(ConsoleStore store, ConsoleSession session, ConsoleChrome chrome, MerchantAdmin admin) {
        this.store = store;
        this.session = session;
        this.chrome = chrome;
        this.admin = admin;
    }

    @GET
    @Path("/merchants")
    public Uni<Response> merchants() {
        return page(null, null, 200);
    }

    @POST
    @Path("/merchants")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @RoleRequired(Role.ADMIN)
    public Uni<Response> create(
            @RestForm("csrf") String csrf, @RestForm("merchant_id") String merchantId, @RestForm("name") String name) {
        if (!session.acceptsCsrf(csrf)) {
            return Uni.createFrom().item(ConsoleChrome.forbidden());
        }
        return Uni.createFrom()
                .deferred(() -> admin.create(session.actor(), merchantId == null ? null : merchantId.strip(), name))
                .chain(created -> {
                    LOG.infof(
                            "console: merchant %s created by %s",
                            created.merchantId(), session.actor().display());
                    return page(
                            new Created(created.merchantId(), Links.merchant(created.merchantId()), created.apiKey()),
                            null,
                            201);
                })
                .onFailure(ConsoleChrome::answerable)
                .recoverWithUni(e -> page(null, e.getMessage(), ConsoleChrome.statusOf(e)));
    }

    @ServerExceptionMapper
    Response failure(Throwable e) {
        return ConsoleChrome.failurePage(e);
    }

    private Uni<Response> page(Created created, String error, int status) {
        return store.merchants(MERCHANTS)
                .chain(list -> ConsoleChrome.render(
                        Templates.merchants(
                                chrome.chrome(
                                        "Merchants",
                                        "merchants",
                                        created == null ? null : "Merchant " + created.id() + " created.",
                                        error),
                                new View(
                                        list.stream()
                                                .map(m -> new Views.MerchantRow(
                                                        m.id(),
                                                        Links.merchant(m.id()),
                                                        m.name(),
                                                        m.defaultConnector(),
                                                        m.webhookUrl(),
                                                        m.webhookSecretSet()))
                                                .toList(),
                                        created)),
                        status));
    }
}
