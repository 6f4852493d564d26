package dev.refract.connector.marqeta;

import dev.refract.connector.ConnectorSupport;
import dev.refract.connector.Failures;
import dev.refract.outbound.AccountChecks;
import dev.refract.outbound.PspAnswer;
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
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Set;

/**
 * Marqeta credit-account refunds: connector_transaction_id is the credit account token, the refund's token is
 * its PSP reference (35 characters, the same on every resend), so Marqeta can be asked about a refund even when
 * the answer to its creation was lost.
 */
@ApplicationScoped
public class MarqetaConnector implements Connector, SyncsRefunds, CancelsRefunds, ListsRefunds {

    private final MarqetaClient client;

    MarqetaConnector(MarqetaClient client) {
        this.client = client;
    }

    @Override
    public String name() {
        return "marqeta";
    }

    /** Account tokens have no shape of their own: Marqeta is chosen by name or as the default connector. */
    @Override
    public boolean claims(String connectorTransactionId) {
        return false;
    }

    @Override
    public void validateOptions(Map<String, Object> options) {
        ConnectorSupport.onlyOptions(name(), options, MarqetaMapping.OPTIONS);
        MarqetaMapping.validate(options);
    }

    @Override
    public void validateAmount(Money amount) {
        String why = MarqetaMapping.unacceptable(amount);
        if (why != null) {
            throw new RefundError.InvalidRequest(ErrorCode.INVALID_CURRENCY, "amount.currency", why);
        }
    }

    @Override
    public void validateAccount(Map<String, String> credentials, Map<String, String> settings) {
        AccountChecks.credentials(name(), credentials, Set.of("username", "password"), Set.of());
        AccountChecks.settings(name(), settings, Set.of(), Set.of());
    }

    @Override
    public Uni<PaymentLookup> lookupPayment(ConnectorAccount account, String connectorTransactionId) {
        return Uni.createFrom().item(new PaymentLookup.Unavailable("a credit account has no captured amount"));
    }

    @Override
    public Uni<Outcome> submit(ConnectorAccount account, Refund refund) {
        String body = WireJson.write(MarqetaMapping.request(
                refund.pspReference(), refund.connectorOptions(), refund.amount(), refund.reason()));
        return ConnectorSupport.outcome(
                        client.createRefund(auth(account), refund.connectorTransactionId(), body),
                        answer -> answer.status() == 409 ? null : read(answer, true))
                // 409: a refund with this token exists already (an earlier attempt got through); ask for it
                .chain(outcome -> outcome != null ? Uni.createFrom().item(outcome) : sync(account, refund));
    }

    @Override
    public Uni<Outcome> sync(ConnectorAccount account, Refund refund) {
        return ConnectorSupport.outcome(
                client.refund(auth(account), refund.connectorTransactionId(), refund.pspReference()),
                answer -> read(answer, false));
    }

    /** Marqeta refunds can be transitioned to CANCELLED until they are COMPLETED. */
    @Override
    public Uni<Outcome> cancel(ConnectorAccount account, Refund refund) {
        String body = WireJson.write(
                new MarqetaModels.Transition("cx" + refund.pspReference().substring(3), "CANCELLED"));
        return ConnectorSupport.outcome(
                client.transition(auth(account), refund.connectorTransactionId(), refund.pspReference(), body),
                answer -> answer.ok()
                        ? read(answer, false)
                        : new Outcome.NotSent("Marqeta refused to cancel: " + MarqetaMapping.error(answer, false)));
    }

    /** Marqeta lists refunds per credit account, which is what a refund's connector_transaction_id names. */
    @Override
    public boolean listsPerPayment() {
        return true;
    }

    /** A page of the credit account's refunds, through Marqeta's guard; a 429 is waited out as Marqeta asks. */
    @Override
    public Uni<Page> listRefunds(ConnectorAccount account, Listing listing) {
        int start = listing.cursor() == null ? 0 : Integer.parseInt(listing.cursor());
        String auth = auth(account);
        return RateLimits.honour(
                        name(),
                        () -> client.listRefunds(
                                auth,
                                listing.payment(),
                                MarqetaListing.startDate(listing.from()),
                                MarqetaListing.endDate(listing.to()),
                                start,
                                MarqetaListing.COUNT))
                .onFailure(e -> !(e instanceof PspRecordsUnavailable))
                .transform(
                        e -> new PspRecordsUnavailable("Marqeta could not be asked for the refunds of credit account "
                                + listing.payment() + ": " + Failures.reason(e)))
                .map(answer -> MarqetaListing.read(answer, listing.payment(), listing.from(), listing.to()));
    }

    private static Outcome read(PspAnswer answer, boolean creating) {
        if (!answer.ok()) {
            return MarqetaMapping.error(answer, creating);
        }
        MarqetaModels.Refund r = WireJson.read(answer.body(), MarqetaModels.Refund.class);
        return r == null || r.token() == null
                ? new Outcome.Unknown("unreadable Marqeta answer")
                : MarqetaMapping.refund(r);
    }

    private static String auth(ConnectorAccount account) {
        String pair = account.credential("username") + ":" + account.credential("password");
        return "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
    }
}
