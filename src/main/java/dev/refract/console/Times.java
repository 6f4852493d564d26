package dev.refract.console;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** Times as the console shows them: UTC to the second, and how long ago. */
final class Times {

    private static final DateTimeFormatter AT = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    private Times() {}

    static String at(Instant instant) {
        return instant == null ? "" : AT.format(instant);
    }

    /** "45 s", "12 min", "5 h", "3 d": a glance at how long something has waited. */
    static String age(Instant since, Instant now) {
        if (since == null) {
            return "";
        }
        long seconds = Math.max(0, Duration.between(since, now).toSeconds());
        if (seconds < 120) {
            return seconds + " s";
        }
        if (seconds < 7200) {
            return seconds / 60 + " min";
        }
        if (seconds < 172_800) {
            return seconds / 3600 + " h";
        }
        return seconds / 86_400 + " d";
    }
}
