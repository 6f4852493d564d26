package dev.refract.http;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.fasterxml.jackson.module.paramnames.ParameterNamesModule;
import java.util.stream.Collectors;

/**
 * Reads request bodies strictly. Lenient JSON is dangerous in a refund API: a misspelt {@code ammount} silently
 * ignored would refund the full remainder, {@code 10.5} rounded to 10 or {@code "100"} read as 100 would move
 * money nobody asked for. So unknown fields, fractions, strings for numbers and numbers for strings are all
 * refused with the field named.
 */
public final class StrictJson {

    static final int MAX_NESTING = 16;

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
            // named, not discovered: module discovery is a ServiceLoader lookup the native image only answers for
            // what was registered, so the mapper would differ between the JVM and the binary
            .addModule(new JavaTimeModule())
            .addModule(new Jdk8Module())
            .addModule(new ParameterNamesModule())
            .build();

    static {
        MAPPER.getFactory()
                .setStreamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(MAX_NESTING)
                        .maxStringLength(100_000)
                        .maxNumberLength(40)
                        .build());
        // a JSON number is never read as a string, nor a string or fraction as a number, nor either as a boolean
        MAPPER.coercionConfigFor(LogicalType.Textual)
                .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
        MAPPER.coercionConfigFor(LogicalType.Integer)
                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
        MAPPER.coercionConfigFor(LogicalType.Boolean)
                .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.String, CoercionAction.Fail);
    }

    private StrictJson() {}

    /** A body that failed to read, with the dotted path of the field at fault (empty for the whole body). */
    public static final class BadBody extends RuntimeException {
        public final String path;

        BadBody(String path, String message) {
            super(message, null, false, false);
            this.path = path;
        }
    }

    public static <T> T read(String body, Class<T> type) {
        if (body == null || body.isBlank()) {
            throw new BadBody("", "the request body must be a JSON object");
        }
        try {
            T value = MAPPER.readValue(body, type);
            if (value == null) {
                throw new BadBody("", "the request body must be a JSON object");
            }
            return value;
        } catch (UnrecognizedPropertyException e) {
            String path = path(e);
            throw new BadBody(path, "unknown field " + path);
        } catch (JsonMappingException e) {
            String path = path(e);
            throw new BadBody(
                    path,
                    path.isEmpty()
                            ? "the request body must be a JSON object"
                            : "field " + path + " has the wrong type or value");
        } catch (StreamReadException e) {
            throw new BadBody(streamPath(e), "malformed JSON: " + e.getOriginalMessage());
        } catch (JsonProcessingException e) {
            throw new BadBody("", "malformed JSON");
        }
    }

    private static String path(JsonMappingException e) {
        return e.getPath().stream()
                .map(r -> r.getFieldName() != null ? r.getFieldName() : String.valueOf(r.getIndex()))
                .collect(Collectors.joining("."));
    }

    private static String streamPath(StreamReadException e) {
        JsonParser parser = e.getProcessor();
        if (parser != null) {
            String pointer = parser.getParsingContext().pathAsPointer().toString();
            return pointer.isEmpty() ? "" : pointer.substring(1).replace('/', '.');
        }
        return "";
    }
}
