package dev.refract.wallet;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.refract.outbound.AccountChecks;
import dev.refract.outbound.PspGuard;
import dev.refract.outbound.PspGuards;
import dev.refract.outbound.WireJson;
import dev.refract.refund.ConnectorAccount;
import dev.refract.refund.Delivery;
import dev.refract.refund.Refund;
import dev.refract.refund.Wallet;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/**
 * Keeps the customer's Credyt wallet in step with refunds made at the PSP: a negative adjustment with
 * {@code reason: "external_refund"} once a refund carrying {@code metadata.credyt_customer_id} succeeds, and the
 * opposite one if it later fails. The {@code transaction_id} is derived from the refund, so a redelivery is the
 * same adjustment and Credyt applies it once.
 */
@ApplicationScoped
public class CredytSink implements Wallet {

    @RegisterForReflection
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Adjustment(
            String transactionId,
            String accountName,
            String asset,
            BigDecimal amount,
            String description,
            String reason,
            Map<String, String> metadata) {}

    private final CredytApi api;
    private final PspGuard guard;

    CredytSink(@RestClient CredytApi api, PspGuards guards) {
        this.api = api;
        this.guard = guards.of("credyt");
    }

    @Override
    public String name() {
        return "credyt";
    }

    @Override
    public void validateAccount(Map<String, String> credentials, Map<String, String> settings) {
        AccountChecks.credentials(name(), credentials, Set.of("api_key"), Set.of());
        AccountChecks.settings(name(), settings, Set.of(), Set.of("account_name"));
    }

    /** The adjustment for a refund (negative: the wallet gives back what the PSP refunded), or its reversal. */
    static Adjustment adjustment(Refund refund, boolean reversal, String accountName) {
        BigDecimal major = refund.amount().toMajor().stripTrailingZeros();
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("merchant_refund_id", refund.merchantRefundId());
        metadata.put("connector", refund.connector());
        if (refund.connectorRefundId() != null) {
            metadata.put("connector_refund_id", refund.connectorRefundId());
        }
        String description = refund.reason() != null ? refund.reason() : "Refund " + refund.merchantRefundId();
        return new Adjustment(
                transactionId(refund, reversal),
                accountName,
                refund.amount().currency(),
                reversal ? major : major.negate(),
                reversal ? "Reversal: " + description : description,
                "external_refund",
                metadata);
    }

    /** A UUID derived from the merchant and the merchant_refund_id: the same on every resend. */
    static String transactionId(Refund refund, boolean reversal) {
        String name = "refract/credyt/" + refund.merchantId() + "/" + refund.merchantRefundId()
                + (reversal ? "/reversal" : "");
        return UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8)).toString();
    }

    /** Sends it; done on 2xx, and on 409 (Credyt already has this transaction_id: applied once). */
    @Override
    public Uni<Delivery> adjust(ConnectorAccount account, Refund refund, boolean reversal) {
        String customer = refund.metadata().get(Wallet.CUSTOMER_KEY);
        String accountName = account.setting("account_name") != null ? account.setting("account_name") : "default";
        String body = WireJson.write(adjustment(refund, reversal, accountName));
        return guard.call(() -> api.adjust(AccountChecks.bearer(account.credential("api_key")), customer, body))
                .map(answer -> answer.ok() || answer.status() == 409
                        ? Delivery.delivered(answer.status() == 409 ? "already applied" : null)
                        : Delivery.retryLater("Credyt answered " + answer.status()))
                .onFailure()
                .recoverWithItem(e -> Delivery.retryLater(
                        "Credyt unreachable: " + e.getClass().getSimpleName()));
    }
}
