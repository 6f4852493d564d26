package dev.refract.admin;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.refract.store.ApiKeyStore;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.time.Instant;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Request and response shapes of a merchant's API keys. A key itself is in a response only when it is made. */
public final class ApiKeyRequests {

    private ApiKeyRequests() {}

    @RegisterForReflection
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record CreateApiKey(
            @Schema(required = true, maxLength = 100, examples = "checkout-prod")
            String name,

            @Schema(
                    required = true,
                    enumeration = {"full", "read_only"})
            String mode,

            @Schema(description = "RFC 3339, in the future; absent: the key does not expire")
            String expiresAt) {}

    @RegisterForReflection
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record RollApiKey(
            @Schema(
                    description = "how long the rolled key stays valid, 0 to 604800 (7 days); default 86400",
                    minimum = "0",
                    maximum = "604800")
            Long expiresInSeconds) {}

    /** A key as operators see it; {@code api_key} only in the answer that made it. */
    @RegisterForReflection
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record ApiKeyView(
            @Schema(examples = "key_3f2a9c0d4b5e6f708192a3b4c5d6e7f8")
            String id,

            String name,
            @Schema(enumeration = {"full", "read_only"}) String mode,

            @JsonInclude(JsonInclude.Include.NON_NULL)
            @Schema(description = "the key itself: only in the answer of a create or a roll, never again")
            String apiKey,

            @Schema(description = "rk_ and the key's next 6 characters; null for a key made before keys were listed")
            String prefix,

            Instant createdAt,
            Instant expiresAt,
            Instant revokedAt,

            @Schema(description = "to the minute, up to refract.api-keys.last-used-flush-interval behind")
            Instant lastUsedAt) {

        static ApiKeyView of(ApiKeyStore.ApiKey k, String apiKey) {
            return new ApiKeyView(
                    k.id(),
                    k.name(),
                    k.mode().wire,
                    apiKey,
                    k.prefix(),
                    k.createdAt(),
                    k.expiresAt(),
                    k.revokedAt(),
                    k.lastUsedAt());
        }

        @Override
        public String toString() {
            return "ApiKeyView[id=" + id + ", name=" + name + ", mode=" + mode + "]";
        }
    }

    @RegisterForReflection
    public record ApiKeyList(List<ApiKeyView> data) {}
}
