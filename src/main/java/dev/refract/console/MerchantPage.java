package dev.refract.console;

import dev.refract.admin.AdminRequests;
import dev.refract.admin.MerchantAdmin;
import dev.refract.admin.Role;
import dev.refract.admin.RoleRequired;
import dev.refract.http.Limits;
import dev.refract.refund.Connector;
import dev.refract.refund.ConnectorRegistry;
import dev.refract.store.MerchantDirectory;
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
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * One merchant: its name, default connector and notification settings, and its PSP accounts, each set or replaced
 * whole. Secrets are set or replaced here, never shown; of an account's credentials only their names are listed.
 */
@Path("/console")
@Produces(MediaType.TEXT_HTML)
@ConsolePage
@ConsoleAccess
@RoleRequired(Role.VIEWER)
public class MerchantPage {

    private static final Logger LOG = Logger.getLogger(MerchantPage.class);
    private static final Map<String, String> NOTICES = Map.of(
            "saved", "The merchant's settings are saved.",
            "account-saved", "The PSP account is saved.");

    @TemplateData
    record View(
            Views.MerchantRow merchant,
            String action,
            List<Views.AccountRow> accounts,
            List<Views.Choice> connectors) {}

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance merchant(Views.Chrome chrome, View page);
    }

    private final ConsoleSession session;
    private final ConsoleChrome chrome;
    private final MerchantDirectory directory;
    private final MerchantAdmin admin;
    private final ConnectorRegistry connectors;

    MerchantPage(
            ConsoleSession session,
            ConsoleChrome chrome,
            MerchantDirectory directory,
            MerchantAdmin admin,
            ConnectorRegistry connectors) {
        this.session = session;
        this.chrome = chrome;
        this.directory = directory;
        this.admin = admin;
        this.connectors = connectors;
    }

    @GET
    @Path("/merchants/{merchant_id}")
    public Uni<Response> merchant(@RestPath("merchant_id") String merchantId, @RestQuery("done") String done) {
        return page(merchantId, ConsoleChrome.notice(NOTICES, done), null, 200);
    }

    @POST
    @Path("/merchants/{merchant_id}")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @RoleRequired(Role.ADMIN)
    public Uni<Response> update(
            @RestPath("merchant_id") String merchantId,
            @RestForm("csrf") String csrf,
            @RestForm("name") String name,
            @RestForm("default_connector") String defaultConnector,
            @RestForm("webhook_url") String webhookUrl,
            @RestForm("webhook_secret") String webhookSecret) {
        if (!session.acceptsCsrf(csrf)) {
            return Uni.createFrom().item(ConsoleChrome.forbidden());
        }
        // an empty secret field keeps the secret that is set: a secret is only ever set or replaced here
        AdminRequests.UpdateMerchant update = new AdminRequests.UpdateMerchant(
                name,
                defaultConnector == null ? null : defaultConnector.strip(),
                webhookUrl == null ? null : webhookUrl.strip(),
                webhookSecret == null || webhookSecret.isEmpty() ? null : webhookSecret);
        return act(merchantId, "saved", () -> admin.update(session.actor(), merchantId, update));
    }

    @POST
    @Path("/merchants/{merchant_id}/connectors")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @RoleRequired(Role.ADMIN)
    public Uni<Response> putAccount(
            @RestPath("merchant_id") String merchantId,
            @RestForm("csrf") String csrf,
            @RestForm("connector") String connector,
            @RestForm("enabled") String enabled,
            @RestForm("credentials") String credentials,
            @RestForm("settings") String accountSettings,
            @RestForm("webhook_secret") String webhookSecret) {
        if (!session.acceptsCsrf(csrf)) {
            return Uni.createFrom().item(ConsoleChrome.forbidden());
        }
        return act(
                merchantId,
                "account-saved",
                () -> admin.putConnector(
                        session.actor(),
                        merchantId,
                        connector,
                        new AdminRequests.PutConnector(
                                Forms.pairs("credentials", credentials),
                                webhookSecret == null || webhookSecret.isEmpty() ? null : webhookSecret,
                                "on".equals(enabled),
                                Forms.pairs("settings", accountSettings))));
    }

    @ServerExceptionMapper
    Response failure(Throwable e) {
        return ConsoleChrome.failurePage(e);
    }

    private Uni<Response> act(String merchantId, String done, Supplier<Uni<?>> action) {
        return Uni.createFrom()
                .deferred(action)
                .map(saved -> {
                    LOG.infof(
                            "console: merchant %s %s by %s",
                            merchantId, done, session.actor().display());
                    return Response.seeOther(URI.create(Links.merchant(merchantId) + "?done=" + done))
                            .build();
                })
                .onFailure(ConsoleChrome::answerable)
                .recoverWithUni(e -> page(merchantId, null, e.getMessage(), ConsoleChrome.statusOf(e)));
    }

    private Uni<Response> page(String merchantId, String notice, String error, int status) {
        if (!Limits.isId(merchantId)) {
            return chrome.notFound("merchant " + merchantId);
        }
        return directory.get(merchantId).chain(m -> {
            if (m == null) {
                return chrome.notFound("merchant " + merchantId);
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
                        m.id,
                        Links.merchant(m.id),
                        m.name,
                        m.defaultConnector,
                        m.webhookUrl,
                        m.webhookSecretEnc != null);
                return ConsoleChrome.render(
                        Templates.merchant(
                                chrome.chrome("Merchant " + m.id, "merchants", notice, error),
                                new View(merchant, Links.merchant(m.id), rows, kinds)),
                        status);
            });
        });
    }
}
