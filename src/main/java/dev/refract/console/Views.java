package dev.refract.console;

import io.quarkus.qute.TemplateData;

/**
 * What the console's templates show, already in words: amounts formatted, times in UTC, links built. Each type
 * has its value resolver generated at build time ({@link TemplateData}), so the native binary needs no reflection
 * to render a page.
 */
final class Views {

    private Views() {}

    /**
     * The frame of every page: its title, which tab is lit, the session's CSRF token, a message if any, who is signed
     * in and with what role, and what that role may do (the pages show an action only to a role that may take it).
     */
    @TemplateData
    record Chrome(
            String title,
            String tab,
            String csrf,
            String notice,
            String error,
            String who,
            String role,
            boolean canOperate,
            boolean canAdminister) {}

    @TemplateData
    record RefundRow(
            String merchantId,
            String merchantRefundId,
            String href,
            String status,
            String state,
            String connector,
            String connectorTransactionId,
            String amount,
            String created,
            String age,
            String why) {}

    @TemplateData
    record Filter(
            String merchant, String status, String connector, String connectorTransactionId, String from, String to) {}

    @TemplateData
    record Choice(String value, boolean selected) {}

    @TemplateData
    record Field(String name, String value) {}

    @TemplateData
    record EventRow(
            String at, String from, String to, String cause, String connectorStatus, String detail, String by) {}

    @TemplateData
    record WebhookRow(String receivedAt, String connector, String eventId, String eventType, String applied) {}

    @TemplateData
    record OutboxRow(
            long id,
            String kind,
            String eventType,
            String eventId,
            int attempts,
            String created,
            String nextAttempt,
            String delivered,
            String lastError,
            String refundHref,
            String refundLabel,
            boolean retryable) {}

    @TemplateData
    record PspRow(
            String connector,
            String breaker,
            String breakerClass,
            String breakerDetail,
            long attempts,
            long failures,
            long refused,
            String failureRate,
            String meanLatency,
            String failureChart,
            String latencyChart) {}

    @TemplateData
    record MerchantRow(
            String id,
            String href,
            String name,
            String defaultConnector,
            String webhookUrl,
            boolean webhookSecretSet) {}

    @TemplateData
    record AccountRow(
            String connector, boolean enabled, String settings, String credentialNames, boolean webhookSecretSet) {}

    @TemplateData
    record BacklogRow(String kind, long undelivered, long failing, String oldest, String age) {}
}
