package dev.refract.store;

import io.vertx.mutiny.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;

/**
 * One SQL statement built of a first data-changing statement and further ones on its {@code RETURNING} rows
 * ({@code WITH} sub-statements), with numbered parameters. One round trip does what would otherwise take one per
 * write, and all of it succeeds or fails together.
 */
final class Statement {

    private final Tuple parameters = Tuple.tuple();
    private final List<String> parts = new ArrayList<>();

    /** A parameter's placeholder ({@code $n}) for this value. */
    String parameter(Object value) {
        parameters.addValue(value);
        return "$" + parameters.size();
    }

    /**
     * The same, cast to a type: where a parameter stands in a {@code SELECT} list rather than in {@code VALUES} or
     * a comparison, PostgreSQL cannot infer its type from a column and would take it as text.
     */
    String parameter(Object value, String type) {
        return parameter(value) + "::" + type;
    }

    /** A sub-statement named {@code name}; later ones can select from it. */
    Statement with(String name, String sql) {
        parts.add(name + " as (" + sql + ")");
        return this;
    }

    /** The whole statement, answering the rows of {@code returning}. */
    String sql(String returning) {
        return "with " + String.join(", ", parts) + " select * from " + returning;
    }

    Tuple parameters() {
        return parameters;
    }
}
