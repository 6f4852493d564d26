package dev.refract.sdk;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.io.UncheckedIOException;

/** The one JSON mapper: absent fields are not sent, and fields a newer service adds are read past. */
final class Json {

    static final ObjectMapper MAPPER = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .setDefaultPropertyInclusion(JsonInclude.Include.NON_NULL)
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE);

    private Json() {}

    static byte[] write(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The answer's body as a tree, or null when it is empty or not JSON (a proxy's HTML page). */
    static JsonNode tree(Transport.Answer answer) {
        if (answer.body() == null || answer.body().length == 0) {
            return null;
        }
        try {
            JsonNode node = MAPPER.readTree(answer.body());
            return node != null && node.isObject() ? node : null;
        } catch (IOException e) {
            return null;
        }
    }

    static <T> T read(JsonNode node, Class<T> type) {
        try {
            return MAPPER.treeToValue(node, type);
        } catch (IOException e) {
            throw new UncheckedIOException("the answer does not have the shape of " + type.getSimpleName(), e);
        }
    }

    /** The typed exception for an error answer {@code {"error": {"type", "code", "message", "param"}}}. */
    static RefractException error(Transport.Answer answer, JsonNode body) {
        JsonNode e = body == null ? null : body.get("error");
        boolean shaped = e != null && e.isObject();
        String message = shaped && e.hasNonNull("message")
                ? e.get("message").asText()
                : "the service answered HTTP " + answer.status() + (body == null ? " without a JSON body" : "");
        return RefractException.of(new RefractException.Problem(
                answer.status(),
                shaped ? text(e, "code") : null,
                shaped ? text(e, "type") : null,
                message,
                shaped ? text(e, "param") : null,
                answer.requestId(),
                answer.retryAfter(),
                answer.attempts()));
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }
}
