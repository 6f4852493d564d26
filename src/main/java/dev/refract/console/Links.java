package dev.refract.console;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.StringJoiner;

/** The console's own addresses, with every path segment and query value encoded. */
final class Links {

    private Links() {}

    static String refund(String merchantId, String merchantRefundId) {
        return "/console/refunds/" + segment(merchantId) + "/" + segment(merchantRefundId);
    }

    static String merchant(String merchantId) {
        return "/console/merchants/" + segment(merchantId);
    }

    static String segment(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** Adds {@code name=value} to a query string, leaving out what is not set. */
    static void param(StringJoiner query, String name, String value) {
        if (value != null) {
            query.add(name + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8));
        }
    }
}
