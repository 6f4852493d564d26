package dev.refract.admin;

import dev.refract.http.ApiException;
import dev.refract.http.Limits;
import dev.refract.refund.AccountKind;
import dev.refract.refund.Actor;
import dev.refract.refund.AuditAction;
import dev.refract.refund.AuditEntry;
import dev.refract.refund.ConnectorAccount;
import dev.refract.refund.ConnectorRegistry;
import dev.refract.store.AccountStore;
import dev.refract.store.MerchantDirectory;
import dev.refract.store.MerchantEntity;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What an operator may do to merchants, whichever way they ask (the admin API or the console): every check of the
 * input, then the write. Failures are {@link ApiException}s in the API's error shape; nothing is written by a
 * request that fails a check.
 */
@ApplicationScoped
public class MerchantAdmin {

    private static final int MAX_NAME = 200;
    private static final int MAX_URL = 2048;
    private static final int MAX_SECRET = 256;

    private final MerchantDirectory merchants;
    private final AccountStore accounts;
    private final ConnectorRegistry connectors;

    MerchantAdmin(MerchantDirectory merchants, AccountStore accounts, ConnectorRegistry connectors) {
        this.merchants = merchants;
        this.accounts = accounts;
        this.connectors = connectors;
    }

    /** The new merchant with its first API key (named default, full), which is shown this once; a 409 if the id exists. */
    public Uni<AdminRequests.CreatedMerchant> create(Actor by, String merchantId, String name) {
        if (!Limits.isId(merchantId)) {
            throw ApiException.invalid("merchant_id", "merchant_id must be 1 to 64 characters of A-Z a-z 0-9 _ . : -");
        }
        requireName(name);
        AuditEntry audit =
                new AuditEntry(by, AuditAction.MERCHANT_CREATE, AuditEntry.merchant(merchantId), Map.of("name", name));
        return merchants.create(merchantId, name, audit).map(created -> {
            if (created == null) {
                throw new ApiException(
                        409,
                        "invalid_request_error",
                        "merchant_exists",
                        "merchant " + merchantId + " already exists",
                        "merchant_id");
            }
            return new AdminRequests.CreatedMerchant(created.merchantId(), created.name(), created.apiKey());
        });
    }

    public Uni<AdminRequests.MerchantView> get(String merchantId) {
        return merchants.get(existingShape(merchantId)).map(m -> merchantView(found(m, merchantId)));
    }

    /** The merchant, or a 404 merchant_not_found. */
    Uni<MerchantEntity> existing(String merchantId) {
        return merchants.get(existingShape(merchantId)).map(m -> found(m, merchantId));
    }

    /** Changes what the request names; a null field stays as it is, an empty one clears it. */
    public Uni<AdminRequests.MerchantView> update(Actor by, String merchantId, AdminRequests.UpdateMerchant request) {
        existingShape(merchantId);
        if (request.name() != null) {
            requireName(request.name());
        }
        if (request.defaultConnector() != null
                && !request.defaultConnector().isEmpty()
                && connectors.find(request.defaultConnector()).isEmpty()) {
            throw ApiException.invalid("default_connector", "unknown connector " + request.defaultConnector());
        }
        if (request.webhookUrl() != null && !request.webhookUrl().isEmpty()) {
            requireHttpUrl(request.webhookUrl());
        }
        if (request.webhookSecret() != null && request.webhookSecret().length() > MAX_SECRET) {
            throw ApiException.invalid("webhook_secret", "webhook_secret is longer than " + MAX_SECRET);
        }
        return merchants
                .update(
                        merchantId,
                        new MerchantDirectory.Update(
                                request.name(),
                                request.defaultConnector(),
                                request.webhookUrl(),
                                request.webhookSecret()),
                        new AuditEntry(
                                by, AuditAction.MERCHANT_UPDATE, AuditEntry.merchant(merchantId), changes(request)))
                .map(m -> merchantView(found(m, merchantId)));
    }

    /** Enables or configures the merchant's account at a PSP; its credentials are checked by the connector first. */
    public Uni<AdminRequests.ConnectorView> putConnector(
            Actor by, String merchantId, String connectorName, AdminRequests.PutConnector request) {
        existingShape(merchantId);
        AccountKind connector = connectors
                .findAccountKind(connectorName)
                .orElseThrow(() -> new ApiException(
                        404,
                        "invalid_request_error",
                        "connector_not_found",
                        "unknown connector " + connectorName,
                        "connector"));
        Map<String, String> credentials = request.credentials() == null ? Map.of() : request.credentials();
        Map<String, String> settings = request.settings() == null ? Map.of() : request.settings();
        if (request.webhookSecret() != null && request.webhookSecret().length() > MAX_SECRET) {
            throw ApiException.invalid("webhook_secret", "webhook_secret is longer than " + MAX_SECRET);
        }
        connector.validateAccount(credentials, settings);
        if (request.webhookSecret() != null) {
            connector.validateWebhookSecret(request.webhookSecret());
        }
        ConnectorAccount account = new ConnectorAccount(
                merchantId,
                connector.name(),
                request.enabled() == null || request.enabled(),
                credentials,
                settings,
                request.webhookSecret());
        return merchants
                .get(merchantId)
                .chain(m -> {
                    found(m, merchantId);
                    return accounts.put(account, audit(by, account));
                })
                .map(MerchantAdmin::view);
    }

    /** What an update set, for the audit trail: the fields it names, and of the secret only whether it is set. */
    private static Map<String, Object> changes(AdminRequests.UpdateMerchant request) {
        Map<String, Object> detail = new LinkedHashMap<>();
        if (request.name() != null) {
            detail.put("name", request.name());
        }
        if (request.defaultConnector() != null) {
            detail.put("default_connector", request.defaultConnector());
        }
        if (request.webhookUrl() != null) {
            detail.put("webhook_url", request.webhookUrl());
        }
        if (request.webhookSecret() != null) {
            detail.put("webhook_secret_set", !request.webhookSecret().isEmpty());
        }
        return detail;
    }

    /** An account as the audit trail records it: names of credentials and settings, never a value of either. */
    private static AuditEntry audit(Actor by, ConnectorAccount account) {
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("enabled", account.enabled());
        detail.put("credential_names", AuditEntry.names(account.credentials().keySet()));
        detail.put("setting_names", AuditEntry.names(account.settings().keySet()));
        detail.put("webhook_secret_set", account.webhookSecret() != null);
        return new AuditEntry(
                by, AuditAction.CONNECTOR_PUT, AuditEntry.connector(account.merchantId(), account.connector()), detail);
    }

    /** The merchant's accounts as configured: credential names only, never their values. */
    public Uni<List<AdminRequests.ConnectorView>> connectors(String merchantId) {
        return accounts.forMerchant(existingShape(merchantId))
                .map(list -> list.stream().map(MerchantAdmin::view).toList());
    }

    private static AdminRequests.ConnectorView view(ConnectorAccount saved) {
        return new AdminRequests.ConnectorView(
                saved.merchantId(),
                saved.connector(),
                saved.enabled(),
                saved.settings(),
                saved.credentials().keySet().stream().sorted().toList(),
                saved.webhookSecret() != null,
                saved.previousWebhookSecretUntil());
    }

    /** A merchant id that cannot exist is not looked up: the same 404 as an unknown one. */
    private static String existingShape(String merchantId) {
        if (!Limits.isId(merchantId)) {
            throw new ApiException(404, "invalid_request_error", "merchant_not_found", "no such merchant", null);
        }
        return merchantId;
    }

    private static MerchantEntity found(MerchantEntity m, String merchantId) {
        if (m == null) {
            throw new ApiException(
                    404, "invalid_request_error", "merchant_not_found", "no merchant " + merchantId, null);
        }
        return m;
    }

    private static void requireName(String name) {
        if (name == null || name.isBlank() || name.length() > MAX_NAME) {
            throw ApiException.invalid("name", "name must be 1 to " + MAX_NAME + " characters");
        }
    }

    private static void requireHttpUrl(String url) {
        try {
            URI uri = new URI(url);
            if (url.length() <= MAX_URL
                    && uri.getHost() != null
                    && ("https".equals(uri.getScheme()) || "http".equals(uri.getScheme()))) {
                return;
            }
        } catch (URISyntaxException e) {
            // answered below
        }
        throw ApiException.invalid("webhook_url", "webhook_url must be an http or https URL");
    }

    private AdminRequests.MerchantView merchantView(MerchantEntity m) {
        return new AdminRequests.MerchantView(
                m.id,
                m.name,
                m.defaultConnector,
                m.webhookUrl,
                m.webhookSecretEnc != null,
                merchants.previousSecretUntil(m));
    }
}
