package dev.refract.connector.stripe;

import dev.refract.connector.ConnectorSupport;
import dev.refract.connector.Failures;
import dev.refract.outbound.AccountChecks;
import dev.refract.outbound.RateLimits;
import dev.refract.outbound.WireJson;
import dev.refract.refund.CancelsRefunds;
import dev.refract.refund.Connector;
import dev.refract.refund.ConnectorAccount;
import dev.refract.refund.ErrorCode;
import dev.refract.refund.ListsRefunds;
import dev.refract.refund.Money;
import dev.refract.refund.Outcome;
import dev.refract.refund.PaymentLookup;
import dev.refract.refund.PspRecordsUnavailable;
import dev.refract.refund.Refund;
import dev.refract.refund.RefundError;
import dev.refract.refund.SyncsRefunds;
import dev.refract.refund.VerifiesWebhooks;
import dev.refract.refund.WebhookEvent;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Stripe refunds (https://docs.stripe.com/api/refunds): payment intents {@code pi_…} and charges {@code ch_…},
 * the refund's PSP reference as the Idempotency-Key, a pinned Stripe-Version.
 */
@ApplicationScoped
public class StripeConnector implements Connector, SyncsRefunds, CancelsRefunds, VerifiesWebhooks, ListsRefunds {

    /** The optional setting naming the connected account the merchant's refunds are made on. */
    static final String ACCOUNT = "account";

    private static final Pattern CONNECTED_ACCOUNT = Pattern.compile("acct_[A-Za-z0-9]{1,64}");

    private final StripeClient client;
    private final String version;

    StripeConnector(StripeClient client, StripeSettings settings) {
        this.client = client;
        this.version = settings.apiVersion();
    }

    @Override
    public String name() {
        return "stripe";
    }

    @Override
    public boolean claims(String connectorTransactionId) {
        return connectorTransactionId.startsWith("pi_") || connectorTransactionId.startsWith("ch_");
    }

    @Override
    public void validateOptions(Map<String, Object> options) {
        ConnectorSupport.onlyOptions(name(), options, Set.of());
    }

    @Override
    public void validateAmount(Money amount) {
        String why = StripeMapping.unacceptable(amount);
        if (why != null) {
            throw new RefundError.InvalidRequest(ErrorCode.INVALID_AMOUNT, "amount.minor_amount", why);
        }
    }

    @Override
    public void validateAccount(Map<String, String> credentials, Map<String, String> settings) {
        AccountChecks.credentials(name(), credentials, Set.of("api_key"), Set.of());
        AccountChecks.settings(name(), settings, Set.of(), Set.of(ACCOUNT));
        String account = settings.get(ACCOUNT);
        if (account != null && !CONNECTED_ACCOUNT.matcher(account).matches()) {
            throw RefundError.InvalidRequest.of(
                    "settings." + ACCOUNT,
                    "a Stripe settings.account is the connected account's id, acct_…; leave it out for the key's own"
                            + " account");
        }
    }

    /**
     * The connected account (Stripe Connect) whose refunds this merchant is, or none for the API key's own account.
     * Connect events name the connected account they come from (the event's {@code account}); the events of the key's
     * own account name none (https://docs.stripe.com/connect/webhooks).
     */
    @Override
    public String webhookAccount(ConnectorAccount account) {
        return account.setting(ACCOUNT);
    }

    /** Stripe's endpoint signing secrets start {@code whsec_} (Dashboard → Webhooks → Signing secret). */
    @Override
    public void validateWebhookSecret(String secret) {
        if (!secret.startsWith("whsec_")
                || secret.length() < 12
                || !secret.chars().allMatch(c -> c > 32 && c < 127)) {
            throw new RefundError.InvalidRequest(
                    ErrorCode.INVALID_REQUEST,
                    "webhook_secret",
                    "a Stripe webhook_secret is the endpoint's signing secret, whsec_…");
        }
    }

    @Override
    public Uni<PaymentLookup> lookupPayment(ConnectorAccount account, String connectorTransactionId) {
        boolean charge = connectorTransactionId.startsWith("ch_");
        StripeClient.StripeCall call = call(account);
        return ConnectorSupport.lookup(
                charge
                        ? client.charge(call, connectorTransactionId)
                        : client.paymentIntent(call, connectorTransactionId),
                answer -> StripeMapping.captured(answer, charge));
    }

    @Override
    public Uni<Outcome> submit(ConnectorAccount account, Refund refund) {
        String form = StripeMapping.createForm(
                refund.connectorTransactionId(),
                refund.amount(),
                refund.reason(),
                refund.metadata(),
                refund.merchantRefundId());
        return ConnectorSupport.outcome(
                client.createRefund(call(account), refund.pspReference(), form),
                answer -> answer.ok() ? refundOutcome(answer.body()) : StripeMapping.error(answer, true));
    }

    @Override
    public Uni<Outcome> sync(ConnectorAccount account, Refund refund) {
        if (refund.connectorRefundId() == null) {
            // Stripe finds refunds by id only; until one is known the janitor resends with the same key
            return Uni.createFrom().item(new Outcome.Unknown("no Stripe refund id yet"));
        }
        return ConnectorSupport.outcome(
                client.refund(call(account), refund.connectorRefundId()),
                answer -> answer.ok() ? refundOutcome(answer.body()) : StripeMapping.error(answer, false));
    }

    /** Only a refund in {@code requires_action} can be cancelled (https://docs.stripe.com/api/refunds/cancel). */
    @Override
    public boolean cancellableIn(String connectorStatus) {
        return "requires_action".equals(connectorStatus);
    }

    /** Asks Stripe to cancel; the service calls it only for a refund in {@code requires_action}. */
    @Override
    public Uni<Outcome> cancel(ConnectorAccount account, Refund refund) {
        return ConnectorSupport.outcome(
                client.cancelRefund(call(account), refund.pspReference() + "_cancel", refund.connectorRefundId()),
                answer -> answer.ok()
                        ? refundOutcome(answer.body())
                        : new Outcome.NotSent("Stripe refused to cancel: " + StripeMapping.error(answer, false)));
    }

    /**
     * A page of the account's refunds created in the window (Stripe's times are whole seconds), through Stripe's
     * guard; a 429 is waited out as long as Stripe asks.
     */
    @Override
    public Uni<Page> listRefunds(ConnectorAccount account, Listing listing) {
        long from = listing.from().getEpochSecond();
        long before = listing.to().getEpochSecond() + (listing.to().getNano() > 0 ? 1 : 0);
        StripeClient.StripeCall call = call(account);
        return RateLimits.honour(
                        name(), () -> client.listRefunds(call, from, before, StripeListing.PAGE, listing.cursor()))
                .onFailure(e -> !(e instanceof PspRecordsUnavailable))
                .transform(e ->
                        new PspRecordsUnavailable("Stripe could not be asked for its refunds: " + Failures.reason(e)))
                .map(StripeListing::read);
    }

    @Override
    public List<WebhookEvent> verifyWebhook(
            List<String> secrets, Map<String, String> headers, byte[] body, Instant now) {
        return StripeWebhooks.verify(secrets, headers.get("stripe-signature"), body, now);
    }

    private static Outcome refundOutcome(String body) {
        StripeModels.Refund r = WireJson.read(body, StripeModels.Refund.class);
        return r == null || r.id() == null ? new Outcome.Unknown("unreadable Stripe answer") : StripeMapping.refund(r);
    }

    /** As the merchant's account: its key, and the connected account it acts as when it is one. */
    private StripeClient.StripeCall call(ConnectorAccount account) {
        return new StripeClient.StripeCall(
                AccountChecks.bearer(account.credential("api_key")), version, account.setting(ACCOUNT));
    }
}
