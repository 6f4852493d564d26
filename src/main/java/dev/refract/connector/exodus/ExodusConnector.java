package dev.refract.connector.exodus;

import dev.refract.connector.ConnectorSupport;
import dev.refract.outbound.AccountChecks;
import dev.refract.outbound.WireJson;
import dev.refract.refund.Connector;
import dev.refract.refund.ConnectorAccount;
import dev.refract.refund.Outcome;
import dev.refract.refund.PaymentLookup;
import dev.refract.refund.ReadsRefundStatus;
import dev.refract.refund.Refund;
import dev.refract.refund.SyncsRefunds;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.Set;

/**
 * Exodus Pay stablecoin refunds: payments {@code pay_…}, amounts in minor units, the on-chain network and
 * destination shown in the refund's connector_details.
 */
@ApplicationScoped
public class ExodusConnector implements Connector, SyncsRefunds, ReadsRefundStatus {

    private final ExodusClient client;

    ExodusConnector(ExodusClient client) {
        this.client = client;
    }

    @Override
    public String name() {
        return "exodus";
    }

    @Override
    public boolean claims(String connectorTransactionId) {
        return connectorTransactionId.startsWith("pay_");
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
        return Uni.createFrom().item(new PaymentLookup.Unavailable("Exodus has no payment lookup"));
    }

    @Override
    public Uni<Outcome> submit(ConnectorAccount account, Refund refund) {
        // the amount is always sent: the core decided it against the ledger, so "omit = full" is never needed
        String body = WireJson.write(ExodusMapping.request(
                refund.connectorTransactionId(),
                refund.amount().minorAmount(),
                refund.reason(),
                refund.metadata(),
                refund.merchantRefundId()));
        return ConnectorSupport.outcome(
                client.createRefund(auth(account), refund.pspReference(), body),
                answer -> answer.ok() ? refundOutcome(answer.body()) : ExodusMapping.error(answer, true));
    }

    @Override
    public Uni<Outcome> sync(ConnectorAccount account, Refund refund) {
        if (refund.connectorRefundId() == null) {
            return Uni.createFrom().item(new Outcome.Unknown("no Exodus refund id yet"));
        }
        return ConnectorSupport.outcome(
                client.refund(auth(account), refund.connectorRefundId()),
                answer -> answer.ok() ? refundOutcome(answer.body()) : ExodusMapping.error(answer, false));
    }

    /** Reconciliation reads a refund as a sync does: {@code GET /refunds/{id}}. */
    @Override
    public Uni<Outcome> readStatus(ConnectorAccount account, Refund refund) {
        return sync(account, refund);
    }

    private static Outcome refundOutcome(String body) {
        ExodusModels.Refund r = WireJson.read(body, ExodusModels.Refund.class);
        return r == null || r.id() == null ? new Outcome.Unknown("unreadable Exodus answer") : ExodusMapping.refund(r);
    }

    private static String auth(ConnectorAccount account) {
        return AccountChecks.bearer(account.credential("api_key"));
    }
}
