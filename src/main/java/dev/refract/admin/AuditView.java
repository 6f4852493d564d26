package dev.refract.admin;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.refract.refund.Actor;
import dev.refract.store.AuditTrail;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** An entry of the audit trail as the admin API answers it. */
@RegisterForReflection
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record AuditView(
        String id, Instant at, ActorView actor, String action, String target, Map<String, Object> detail) {

    /** {@code {"kind": "operator", "subject", "name"}} or {@code {"kind": "admin_token"}}. */
    @RegisterForReflection
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ActorView(String kind, String subject, String name) {
        public static ActorView of(Actor actor) {
            return actor instanceof Actor.Operator o
                    ? new ActorView(o.kind(), o.subject(), o.name())
                    : new ActorView(actor.kind(), null, null);
        }
    }

    /** One page, newest first. */
    @RegisterForReflection
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Page(List<AuditView> data, boolean hasMore, String nextCursor) {}

    static final String ID_PREFIX = "aud_";

    public static AuditView of(AuditTrail.Line line) {
        return new AuditView(
                ID_PREFIX + line.id(),
                line.at(),
                new ActorView(line.actorKind(), line.actorSubject(), line.actorName()),
                line.action(),
                line.target(),
                line.detail());
    }
}
