package dev.refract.api;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;

/** One page of refunds, newest first. */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record ListView(List<RefundView> data, boolean hasMore, String nextCursor) {
}
