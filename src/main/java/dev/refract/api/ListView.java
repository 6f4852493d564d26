package dev.refract.api;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.refract.http.RefundView;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.List;

/** One page of refunds, newest first. */
@RegisterForReflection
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record ListView(List<RefundView> data, boolean hasMore, String nextCursor) {}
