package dev.refract.connector.charges;

import dev.refract.connector.ConnectorSupport;
import dev.refract.outbound.AccountChecks;
import dev.refract.outbound.WireJson;
import dev.refract.refund.Connector;
import dev.refract.refund.ConnectorAccount;
import dev.refract.refund.Outcome;
import dev.refract.refund.PaymentLookup;
import dev.refract.refund.ReadsRefundStatus;
import dev.refract.refund.Refund;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.Set;

/**
 * The Stripe-style charges API. Its ids look like Stripe's ({@code ch_…}, {@code pi_…}), so a merchant with both
 * enabled names the connector in the request. Refunds settle at once; the API documents no status endpoint.
 */
@ApplicationScoped
public class ChargesConnector implements Connector, ReadsRefundStatus {

    private final ChargesClient client;

    ChargesConnector(ChargesClient client) {
        this.client = client;
    }

    @Override
    public String name() {
        return "charges";
    }

    @Override
    public boolean claims(String connectorTransactionId) {
        return connectorTransactionId.startsWith("ch_") || connectorTransactionId.startsWith("pi_");
    }

    @Override
    public void validateOptions(Map<String, Object> options) {
        ConnectorSupport.onlyOptions(name(), options, Set.of());
    }

    @Override
    public void validateAccount(Map<String, String> credentials, Map<String, String> settings) {
        AccountChecks.credentials(name(), credentials, Set.of("api_key"), Set.of());
        AccountChecks.settings(name(), settings, Set.of(), Set.of());
    }

    @Override
    public Uni<PaymentLookup> lookupPayment(ConnectorAccount account, String connectorTransactionId) {
        return Uni.createFrom().item(new PaymentLookup.Unavailable("the charges API has no payment lookup"));
    }

    @Override
    public Uni<Outcome> submit(ConnectorAccount account, Refund refund) {
        String body = WireJson.write(
                ChargesMapping.request(refund.connectorTransactionId(), refund.amount(), refund.reason()));
        return ConnectorSupport.outcome(
                client.createRefund(AccountChecks.bearer(account.credential("api_key")), refund.pspReference(), body),
                answer -> {
                    if (!answer.ok()) {
                        return ChargesMapping.error(answer);
                    }
                    ChargesModels.Refund r = WireJson.read(answer.body(), ChargesModels.Refund.class);
                    return r == null || r.id() == null
                            ? new Outcome.Unknown("unreadable answer")
                            : ChargesMapping.refund(r, refund.connectorTransactionId());
                });
    }

    /**
     * Reconciliation's read of a refund: the refund object at {@code GET /refunds/{id}}. The API's own 404 error says
     * it has no such refund (Disowned); any other answer that is not the refund object says nothing (Unknown).
     */
    @Override
    public Uni<Outcome> readStatus(ConnectorAccount account, Refund refund) {
        if (refund.connectorRefundId() == null) {
            return Uni.createFrom().item(new Outcome.Unknown("no charges refund id yet"));
        }
        return ConnectorSupport.outcome(
                client.refund(AccountChecks.bearer(account.credential("api_key")), refund.connectorRefundId()),
                answer -> {
                    if (!answer.ok()) {
                        Outcome error = ChargesMapping.error(answer);
                        return error instanceof Outcome.NotFound n
                                ? new Outcome.Disowned(n.connectorCode(), n.connectorMessage())
                                : error instanceof Outcome.NotSent ? error : new Outcome.Unknown(describe(error));
                    }
                    ChargesModels.Refund r = WireJson.read(answer.body(), ChargesModels.Refund.class);
                    return r == null || r.id() == null
                            ? new Outcome.Unknown("unreadable answer")
                            : ChargesMapping.refund(r, refund.connectorTransactionId());
                });
    }

    private static String describe(Outcome error) {
        return error instanceof Outcome.Unknown u
                ? u.reason()
                : "the charges API answered a status read with "
                        + error.getClass().getSimpleName();
    }
}
