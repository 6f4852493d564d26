package dev.refract.refund;

/** Every operator action the audit trail records, by the name it is filtered and shown with. */
public enum AuditAction {
    REFUND_RESOLVE("refund.resolve"),
    REFUND_CANCEL("refund.cancel"),
    REFUND_SYNC("refund.sync"),
    MERCHANT_CREATE("merchant.create"),
    MERCHANT_UPDATE("merchant.update"),
    CONNECTOR_PUT("connector.put"),
    API_KEY_CREATE("api_key.create"),
    API_KEY_REVOKE("api_key.revoke"),
    API_KEY_ROLL("api_key.roll"),
    RECONCILIATION_RUN("reconciliation.run"),
    OUTBOX_RETRY("outbox.retry");

    private final String wire;

    AuditAction(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }

    /** The action of this name, or null. */
    public static AuditAction of(String wire) {
        for (AuditAction a : values()) {
            if (a.wire.equals(wire)) {
                return a;
            }
        }
        return null;
    }
}
