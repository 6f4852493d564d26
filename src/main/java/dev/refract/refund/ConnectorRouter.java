package dev.refract.refund;

import java.util.List;
import java.util.Map;

/**
 * Picks the connector that captured a payment, since a refund must go back through it. There is no fallback
 * to another PSP. Order: the connector named in the request, the one recorded for an earlier refund of the
 * payment, the one enabled connector whose ids look like it, the merchant's default. An id that only a
 * connector the merchant has not enabled recognises is refused as {@code connector_not_enabled}.
 */
public final class ConnectorRouter {

    private ConnectorRouter() {}

    /**
     * @param requested the request's {@code connector}, or null
     * @param recorded  the connector of an earlier refund of this payment, or null
     * @param enabled   the merchant's enabled connectors, by name
     */
    public static Connector resolve(
            String requested,
            String recorded,
            String connectorTransactionId,
            Map<String, Connector> enabled,
            String defaultConnector,
            ConnectorRegistry registry) {
        if (requested != null) {
            registry.get(requested);
            if (recorded != null && !recorded.equals(requested)) {
                throw RefundError.InvalidRequest.of(
                        "connector",
                        "payment " + connectorTransactionId + " was refunded through " + recorded + ", not "
                                + requested);
            }
            return enabledOrRefuse(requested, enabled);
        }
        if (recorded != null) {
            return enabledOrRefuse(recorded, enabled);
        }
        List<Connector> claiming = enabled.values().stream()
                .filter(c -> c.claims(connectorTransactionId))
                .toList();
        if (claiming.size() == 1) {
            return claiming.get(0);
        }
        if (claiming.size() > 1) {
            throw new RefundError.InvalidRequest(
                    ErrorCode.CONNECTOR_REQUIRED,
                    "connector",
                    "connector_transaction_id "
                            + connectorTransactionId + " fits several enabled connectors "
                            + claiming.stream().map(Connector::name).toList() + "; name one in connector");
        }
        for (Connector c : registry.all()) {
            if (c.claims(connectorTransactionId)) {
                // the id is recognisably this PSP's, but the merchant has not enabled it
                return enabledOrRefuse(c.name(), enabled);
            }
        }
        if (defaultConnector != null) {
            return enabledOrRefuse(defaultConnector, enabled);
        }
        throw new RefundError.InvalidRequest(
                ErrorCode.CONNECTOR_REQUIRED,
                "connector",
                "no enabled connector recognises connector_transaction_id " + connectorTransactionId
                        + " and the merchant has no default connector; name one in connector");
    }

    private static Connector enabledOrRefuse(String name, Map<String, Connector> enabled) {
        Connector c = enabled.get(name);
        if (c == null) {
            throw new RefundError.InvalidRequest(
                    ErrorCode.CONNECTOR_NOT_ENABLED,
                    "connector",
                    "connector " + name + " is not enabled for this merchant");
        }
        return c;
    }

    /**
     * A payment's refunds all go through the connector of its first refund, which its ledger names: a refund of it
     * through another connector is refused.
     */
    public static void requireSameConnector(String paymentId, String paymentsConnector, String connector) {
        if (!paymentsConnector.equals(connector)) {
            throw RefundError.InvalidRequest.of(
                    "connector",
                    "payment " + paymentId + " was refunded through " + paymentsConnector + ", not " + connector);
        }
    }
}
