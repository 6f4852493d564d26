package dev.refract.connector.adyen;

import dev.refract.connector.ConnectorSupport;
import dev.refract.outbound.AccountChecks;
import dev.refract.outbound.WireJson;
import dev.refract.refund.Connector;
import dev.refract.refund.ConnectorAccount;
import dev.refract.refund.ErrorCode;
import dev.refract.refund.Money;
import dev.refract.refund.Outcome;
import dev.refract.refund.PaymentLookup;
import dev.refract.refund.PspRefund;
import dev.refract.refund.ReadsSettlementReports;
import dev.refract.refund.Refund;
import dev.refract.refund.RefundError;
import dev.refract.refund.VerifiesWebhooks;
import dev.refract.refund.WebhookEvent;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * Adyen Checkout refunds: payments are 16-character pspReferences. Adyen has no refund status endpoint; the
 * outcome arrives by webhook, so sync leaves a refund as it is and the janitor waits rather than polls.
 */
@ApplicationScoped
public class AdyenConnector implements Connector, VerifiesWebhooks, ReadsSettlementReports {

    private static final Pattern PSP_REFERENCE = Pattern.compile("[A-Z0-9]{16}");

    private final AdyenClient client;

    AdyenConnector(AdyenClient client) {
        this.client = client;
    }

    @Override
    public String name() {
        return "adyen";
    }

    @Override
    public boolean claims(String connectorTransactionId) {
        return PSP_REFERENCE.matcher(connectorTransactionId).matches();
    }

    @Override
    public void validateOptions(Map<String, Object> options) {
        ConnectorSupport.onlyOptions(name(), options, Set.of());
    }

    @Override
    public void validateAmount(Money amount) {
        try {
            AdyenMapping.amount(amount);
        } catch (IllegalArgumentException e) {
            throw new RefundError.InvalidRequest(ErrorCode.INVALID_AMOUNT, "amount.minor_amount", e.getMessage());
        }
    }

    @Override
    public void validateAccount(Map<String, String> credentials, Map<String, String> settings) {
        AccountChecks.credentials(name(), credentials, Set.of("api_key"), Set.of());
        AccountChecks.settings(name(), settings, Set.of("merchant_account"), Set.of());
    }

    /** Adyen's HMAC key is hex (Customer Area → Webhooks → HMAC key), 32 bytes in practice; decoded as such. */
    @Override
    public void validateWebhookSecret(String secret) {
        if (secret.length() < 32
                || secret.length() % 2 != 0
                || !secret.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
            throw new RefundError.InvalidRequest(
                    ErrorCode.INVALID_REQUEST,
                    "webhook_secret",
                    "an Adyen webhook_secret is the HMAC key as Adyen shows it: hexadecimal, an even number of at least"
                            + " 32 digits");
        }
    }

    @Override
    public Uni<PaymentLookup> lookupPayment(ConnectorAccount account, String connectorTransactionId) {
        return Uni.createFrom().item(new PaymentLookup.Unavailable("Adyen has no payment lookup for refunds"));
    }

    @Override
    public Uni<Outcome> submit(ConnectorAccount account, Refund refund) {
        String body = WireJson.write(new AdyenModels.RefundRequest(
                account.setting("merchant_account"),
                AdyenMapping.amount(refund.amount()),
                refund.merchantRefundId(),
                AdyenMapping.reason(refund.reason())));
        return ConnectorSupport.outcome(
                client.refund(
                        account.credential("api_key"), refund.pspReference(), refund.connectorTransactionId(), body),
                answer -> answer.ok()
                        ? AdyenMapping.created(answer, account.setting("merchant_account"))
                        : AdyenMapping.error(answer));
    }

    /** The merchant's webhook_secret is the HMAC key from Adyen's Customer Area, in hex. */
    @Override
    public List<WebhookEvent> verifyWebhook(
            List<String> secrets, Map<String, String> headers, byte[] body, Instant now) {
        return AdyenWebhooks.verify(secrets, body);
    }

    /** Every notification item names its merchant account (merchantAccountCode): the merchant's is its setting. */
    @Override
    public String webhookAccount(ConnectorAccount account) {
        return account.setting("merchant_account");
    }

    @Override
    public String webhookAcknowledgement() {
        return "[accepted]";
    }

    @Override
    public String reportName() {
        return AdyenSettlementReport.NAME;
    }

    /** The account's Refunded entries of a Settlement details report; other merchant accounts' entries are passed over. */
    @Override
    public Summary read(ConnectorAccount account, InputStream report, Consumer<PspRefund> refunds) throws IOException {
        return AdyenSettlementReport.read(report, account.setting("merchant_account"), refunds);
    }
}
