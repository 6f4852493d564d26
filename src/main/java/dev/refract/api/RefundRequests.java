package dev.refract.api;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.refract.http.StrictJson;
import dev.refract.refund.CreateRefund;
import dev.refract.refund.ErrorCode;
import dev.refract.refund.Money;
import dev.refract.refund.RefundError;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.Map;

/** The create request's wire shape, and its translation into the core's self-validating command. */
public final class RefundRequests {

    private RefundRequests() {}

    /** Money in minor units of an ISO 4217 currency. */
    @RegisterForReflection
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record MoneyBody(Long minorAmount, String currency) {}

    @RegisterForReflection
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record CreateRefundBody(
            String merchantRefundId,
            String connectorTransactionId,
            String connector,
            MoneyBody amount,
            MoneyBody paymentAmount,
            String reason,
            Map<String, String> metadata,
            Map<String, Object> connectorOptions) {}

    static CreateRefund parse(String body) {
        CreateRefundBody b;
        try {
            b = StrictJson.read(body, CreateRefundBody.class);
        } catch (StrictJson.BadBody e) {
            throw new RefundError.InvalidRequest(codeFor(e.path), e.path.isEmpty() ? null : e.path, e.getMessage());
        }
        return new CreateRefund(
                b.merchantRefundId(),
                b.connectorTransactionId(),
                b.connector(),
                money(b.amount(), "amount"),
                money(b.paymentAmount(), "payment_amount"),
                b.reason(),
                b.metadata(),
                b.connectorOptions());
    }

    private static ErrorCode codeFor(String path) {
        if (path.endsWith(".currency")) {
            return ErrorCode.INVALID_CURRENCY;
        }
        if (path.equals("amount") || path.equals("payment_amount") || path.endsWith(".minor_amount")) {
            return ErrorCode.INVALID_AMOUNT;
        }
        return ErrorCode.INVALID_REQUEST;
    }

    private static Money money(MoneyBody body, String field) {
        if (body == null) {
            return null;
        }
        if (body.currency() == null || !Money.isKnownCurrency(body.currency())) {
            throw new RefundError.InvalidRequest(
                    ErrorCode.INVALID_CURRENCY,
                    field + ".currency",
                    field + ".currency must be an upper-case ISO 4217 code with a minor unit, was "
                            + quoted(body.currency()));
        }
        if (body.minorAmount() == null) {
            throw new RefundError.InvalidRequest(
                    ErrorCode.INVALID_AMOUNT, field + ".minor_amount", field + ".minor_amount is required");
        }
        if (body.minorAmount() <= 0) {
            throw new RefundError.InvalidRequest(
                    ErrorCode.INVALID_AMOUNT,
                    field + ".minor_amount",
                    field + ".minor_amount must be greater than 0, was " + body.minorAmount());
        }
        return Money.of(body.minorAmount(), body.currency());
    }

    private static String quoted(String value) {
        if (value == null) {
            return "nothing";
        }
        String shown = value.length() > 8 ? value.substring(0, 8) + "…" : value;
        return '"' + shown.replaceAll("\\p{Cntrl}", "?") + '"';
    }
}
