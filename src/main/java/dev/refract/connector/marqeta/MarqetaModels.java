package dev.refract.connector.marqeta;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.math.BigDecimal;

/** Marqeta's credit-account refund wire records: amounts as decimals in major units. */
final class MarqetaModels {

    private MarqetaModels() {}

    @RegisterForReflection
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record CreateRefund(
            String token,
            String method,
            String type,
            String paymentSourceToken,
            BigDecimal amount,
            String currencyCode,
            String description) {}

    @RegisterForReflection
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Refund(
            String token,
            String accountToken,
            String status,
            String method,
            String type,
            String paymentSourceToken,
            BigDecimal amount,
            String currencyCode,
            String description) {}

    @RegisterForReflection
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Transition(String token, String status) {}

    @RegisterForReflection
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record ErrorBody(String errorCode, String errorMessage) {}
}
