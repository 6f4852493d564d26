package dev.refract.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.quarkus.runtime.annotations.RegisterForReflection;

/** {@code {"error": {"type", "code", "message", "param"}}}: every error answer that is not a refund. */
@RegisterForReflection
public record ErrorBody(Detail error) {

    @RegisterForReflection
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Detail(String type, String code, String message, String param) {}

    public static ErrorBody of(String type, String code, String message, String param) {
        return new ErrorBody(new Detail(type, code, message, param));
    }
}
