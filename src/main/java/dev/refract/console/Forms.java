package dev.refract.console;

import dev.refract.http.ApiException;
import java.util.LinkedHashMap;
import java.util.Map;

/** How the console reads its forms' fields: refusals name the field, in the API's words. */
final class Forms {

    private Forms() {}

    static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }

    static Long minorAmount(String field, String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return Long.parseLong(text.strip());
        } catch (NumberFormatException e) {
            throw ApiException.invalid(field, field + " must be a whole number");
        }
    }

    /** "name=value" lines of a form's text area; a line without "=" is refused, naming the field. */
    static Map<String, String> pairs(String field, String text) {
        Map<String, String> pairs = new LinkedHashMap<>();
        if (text == null) {
            return pairs;
        }
        for (String line : text.split("\\R")) {
            if (line.isBlank()) {
                continue;
            }
            int eq = line.indexOf('=');
            if (eq <= 0) {
                throw ApiException.invalid(field, field + " must be lines of name=value");
            }
            pairs.put(line.substring(0, eq).strip(), line.substring(eq + 1).strip());
        }
        return pairs;
    }
}
