package dev.refract.admin;

import dev.refract.http.ApiException;
import dev.refract.http.Limits;
import dev.refract.refund.AuditAction;
import dev.refract.store.AuditTrail;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestQuery;

/** The audit trail: every operator action with its actor, newest first, by actor, action, target or merchant. */
@Path("/admin/v1/audit")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.WILDCARD)
@Tag(name = "Operations")
@OperatorApi
@RoleRequired(Role.VIEWER)
public class AuditResource {

    static final int DEFAULT_LIMIT = 20;
    private static final int MAX_FILTER = 512;

    private final AuditTrail trail;

    AuditResource(AuditTrail trail) {
        this.trail = trail;
    }

    @GET
    @Operation(
            summary = "The audit trail, newest first",
            description = "Every operator action with its actor ({\"kind\": \"operator\", \"subject\", \"name\"} or "
                    + "{\"kind\": \"admin_token\"}). Filters: actor (an operator's subject, or admin_token), action "
                    + "(refund.resolve, refund.cancel, refund.sync, merchant.create, merchant.update, connector.put, "
                    + "api_key.create, api_key.revoke, api_key.roll, reconciliation.run, outbox.retry), target (as "
                    + "merchants/m_acme/refunds/rf_1), merchant_id; limit 1-100 (20); cursor from next_cursor. "
                    + "Needs refract-viewer.")
    public Uni<AuditView.Page> list(
            @RestQuery("actor") String actor,
            @RestQuery("action") String action,
            @RestQuery("target") String target,
            @RestQuery("merchant_id") String merchantId,
            @RestQuery("limit") String limit,
            @RestQuery("cursor") String cursor) {
        if (action != null && AuditAction.of(action) == null) {
            throw ApiException.invalid("action", "action must be one of the audit trail's actions, as refund.resolve");
        }
        if (merchantId != null && !Limits.isId(merchantId)) {
            throw ApiException.invalid("merchant_id", "merchant_id is not a merchant id");
        }
        int size = limit(limit);
        AuditTrail.Query query = new AuditTrail.Query(
                filter("actor", actor), action, filter("target", target), merchantId, cursor(cursor), size);
        return trail.list(query)
                .map(page -> new AuditView.Page(
                        page.data().stream().map(AuditView::of).toList(),
                        page.hasMore(),
                        page.hasMore()
                                ? encode(page.data().get(page.data().size() - 1).id())
                                : null));
    }

    private static String filter(String name, String value) {
        if (value == null) {
            return null;
        }
        if (value.isEmpty() || value.length() > MAX_FILTER) {
            throw ApiException.invalid(name, name + " must be 1 to " + MAX_FILTER + " characters");
        }
        return value;
    }

    private static int limit(String limit) {
        if (limit == null) {
            return DEFAULT_LIMIT;
        }
        try {
            int n = Integer.parseInt(limit);
            if (n >= 1 && n <= AuditTrail.MAX_PAGE) {
                return n;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw ApiException.invalid("limit", "limit must be a whole number from 1 to " + AuditTrail.MAX_PAGE);
    }

    /** Opaque to clients: the id of the last entry of the page before. */
    static String encode(long id) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(("a1." + id).getBytes(StandardCharsets.US_ASCII));
    }

    static Long cursor(String cursor) {
        if (cursor == null) {
            return null;
        }
        try {
            String plain = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.US_ASCII);
            if (plain.startsWith("a1.")) {
                long id = Long.parseLong(plain.substring(3));
                if (id > 0) {
                    return id;
                }
            }
        } catch (IllegalArgumentException e) {
            // answered below
        }
        throw ApiException.invalid("cursor", "cursor is not one this API gave out");
    }
}
