package dev.refract.store;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Whether a SQL statement names one merchant, read from its text: every reference to a merchant table (one
 * distributed by merchant_id) must be pinned to one merchant within its own query level. A reference is pinned when
 * its (sub)query says {@code merchant_id = $n} of it, or joins it on merchant_id to another row
 * ({@code a.merchant_id = b.merchant_id}: a co-located join, the other side being checked where it is read), and an
 * insert into one names merchant_id among its columns. A query level is the parenthesised group the reference stands
 * in (a CTE's body, a subquery), or the whole statement at the top.
 *
 * <p>It reads SQL as this project writes it (lower case keywords, {@code $n} parameters, aliases after the table
 * name); it is no SQL parser, which is why its rules are strict: an unqualified {@code merchant_id = $n} pins only a
 * reference with no alias, and only within its own level.
 */
final class MerchantScope {

    private static final Set<String> NOT_ALIASES = Set.of(
            "where",
            "on",
            "set",
            "join",
            "left",
            "right",
            "inner",
            "full",
            "cross",
            "using",
            "order",
            "group",
            "limit",
            "for",
            "returning",
            "union",
            "values",
            "select",
            "as",
            "and",
            "or",
            "having",
            "window",
            "offset",
            "default",
            "natural",
            "lateral");

    private static final Pattern REFERENCE = Pattern.compile(
            "\\b(from|join|update|into)\\s+(?:only\\s+)?([a-z_][a-z0-9_]*)(?:\\s+(?:as\\s+)?([a-z_][a-z0-9_]*))?");

    private MerchantScope() {}

    /** The references to merchant tables that the statement leaves unpinned, as "table alias" (empty: it names one). */
    static List<String> unpinned(String sql, Set<String> merchantTables) {
        String text = normalise(sql);
        List<String> problems = new ArrayList<>();
        Matcher m = REFERENCE.matcher(text);
        while (m.find()) {
            String table = m.group(2);
            if (!merchantTables.contains(table)) {
                continue;
            }
            String alias = m.group(3) == null || NOT_ALIASES.contains(m.group(3)) ? null : m.group(3);
            int[] level = level(text, m.start());
            String scope = text.substring(level[0], level[1]);
            int at = m.start() - level[0];
            boolean pinned = "into".equals(m.group(1))
                    ? insertsMerchant(text.substring(m.end()))
                    : pins(scope, at, table, alias);
            if (!pinned) {
                problems.add(table + (alias == null ? "" : " " + alias));
            }
        }
        return problems;
    }

    /** Lower case, comments gone, one space between words, so that the patterns below stay simple. */
    static String normalise(String sql) {
        return sql.replaceAll("--[^\n]*", " ")
                .toLowerCase(Locale.ROOT)
                .replaceAll("\\s+", " ")
                .trim();
    }

    /** The bounds of the innermost parenthesised group around {@code at}, or of the whole text. */
    private static int[] level(String text, int at) {
        int depth = 0;
        int start = 0;
        for (int i = at - 1; i >= 0; i--) {
            char c = text.charAt(i);
            if (c == ')') {
                depth++;
            } else if (c == '(') {
                if (depth == 0) {
                    start = i + 1;
                    break;
                }
                depth--;
            }
        }
        depth = 0;
        int end = text.length();
        for (int i = at; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '(') {
                depth++;
            } else if (c == ')') {
                if (depth == 0) {
                    end = i;
                    break;
                }
                depth--;
            }
        }
        return new int[] {start, end};
    }

    /**
     * Whether the query level pins the reference: the level's text with its nested groups' contents kept (a join
     * condition may sit in a parenthesised expression), but searched for this reference's own qualifier only.
     */
    private static boolean pins(String scope, int at, String table, String alias) {
        List<String> columns = new ArrayList<>();
        if (alias != null) {
            columns.add(Pattern.quote(alias + ".merchant_id"));
        } else {
            columns.add(Pattern.quote(table + ".merchant_id"));
            columns.add("(?<![a-z0-9_.])merchant_id");
        }
        for (String column : columns) {
            String param = "\\$\\d+(?:::[a-z]+)?";
            String otherRow = "[a-z_][a-z0-9_]*\\.merchant_id";
            Pattern equality = Pattern.compile("(?:" + column + "\\s*=\\s*(?:" + param + "|" + otherRow + ")" + "|(?:"
                    + param + "|" + otherRow + ")\\s*=\\s*" + column + ")");
            Matcher m = equality.matcher(scope);
            while (m.find()) {
                // a condition of this level, not one of a nested subquery that reads the same table again
                if (alias != null || sameLevel(scope, at, m.start())) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Whether two positions of a level's text are at the same parenthesis depth within it (neither nested). */
    private static boolean sameLevel(String scope, int a, int b) {
        return depth(scope, a) == depth(scope, b);
    }

    private static int depth(String scope, int at) {
        int depth = 0;
        for (int i = 0; i < at && i < scope.length(); i++) {
            char c = scope.charAt(i);
            if (c == '(') {
                depth++;
            } else if (c == ')') {
                depth--;
            }
        }
        return depth;
    }

    /** {@code insert into t (a, b, merchant_id, …)}: the column list names merchant_id. */
    private static boolean insertsMerchant(String afterTable) {
        Matcher columns =
                Pattern.compile("^\\s*(?:[a-z_][a-z0-9_]*\\s*)?\\(([^)]*)\\)").matcher(afterTable);
        return columns.find()
                && List.of(columns.group(1).split("\\s*,\\s*")).stream()
                        .map(String::trim)
                        .anyMatch("merchant_id"::equals);
    }
}
