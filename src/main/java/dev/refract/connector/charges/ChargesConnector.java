package dev.refract.connector.charges;

import dev.refract.connector.ConnectorSupport;
import dev.refract.outbound.AccountChecks;
import dev.refract.outbound.WireJson;
import dev.refract.refund.Connector;
import dev.refract.refund.ConnectorAccount;
import dev.refract.refund.Outcome;
import dev.refract.refund.PaymentLookup;
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
public class ChargesConnector implements Connector {

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
}
