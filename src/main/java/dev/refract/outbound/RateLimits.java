package dev.refract.outbound;

import dev.refract.refund.PspRecordsUnavailable;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.function.Supplier;

/**
 * A PSP that answers 429 asks to be called again later, often saying when ({@code Retry-After}). A read that can
 * wait (a reconciliation page) waits that long and reads again, a few times, rather than retrying at once, which
 * only earns another 429, and rather than counting the PSP's pacing as its failure.
 */
public final class RateLimits {

    /** How many times a read waits for the PSP before it gives up. */
    static final int MAX_WAITS = 5;
    /** The longest wait honoured; a PSP that asks for more is given up on at once. */
    static final Duration MAX_WAIT = Duration.ofSeconds(60);
    /** The wait when the PSP says nothing (or nothing readable). */
    static final Duration DEFAULT_WAIT = Duration.ofSeconds(1);

    private RateLimits() {}

    /**
     * The first answer of {@code read} that is not a 429, waiting as long as the PSP asks between tries; fails with
     * {@link PspRecordsUnavailable} when the PSP keeps pacing, or asks for a wait past a minute.
     */
    public static Uni<PspAnswer> honour(String connector, Supplier<Uni<PspAnswer>> read) {
        return honour(connector, read, MAX_WAITS);
    }

    private static Uni<PspAnswer> honour(String connector, Supplier<Uni<PspAnswer>> read, int waitsLeft) {
        return Uni.createFrom().deferred(read::get).chain(answer -> {
            if (!answer.rateLimited()) {
                return Uni.createFrom().item(answer);
            }
            if (waitsLeft == 0) {
                return Uni.createFrom()
                        .failure(new PspRecordsUnavailable(
                                connector + " kept answering 429 (rate limited) after " + MAX_WAITS + " waits"));
            }
            Duration wait = retryAfter(answer.retryAfter(), Instant.now());
            if (wait.compareTo(MAX_WAIT) > 0) {
                return Uni.createFrom()
                        .failure(new PspRecordsUnavailable(connector + " answered 429 and asked to wait "
                                + wait.toSeconds() + " s, longer than a run waits"));
            }
            return sleep(wait).chain(() -> honour(connector, read, waitsLeft - 1));
        });
    }

    /** {@code Retry-After}: seconds, or an HTTP date (RFC 9110 §10.2.3); a second when absent or unreadable. */
    static Duration retryAfter(String header, Instant now) {
        if (header == null || header.isBlank()) {
            return DEFAULT_WAIT;
        }
        String value = header.strip();
        if (value.chars().allMatch(Character::isDigit) && value.length() <= 9) {
            return Duration.ofSeconds(Long.parseLong(value));
        }
        try {
            Instant at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME)
                    .toInstant();
            Duration wait = Duration.between(now, at);
            return wait.isNegative() ? Duration.ZERO : wait;
        } catch (DateTimeParseException e) {
            return DEFAULT_WAIT;
        }
    }

    /** A pause that resumes on the caller's Vert.x context, where the reactive database sessions live. */
    private static Uni<Void> sleep(Duration wait) {
        Context context = Vertx.currentContext();
        if (context == null) {
            return Uni.createFrom().voidItem().onItem().delayIt().by(wait);
        }
        return Uni.createFrom()
                .emitter(emitter -> context.owner()
                        .setTimer(
                                Math.max(1, wait.toMillis()), id -> context.runOnContext(v -> emitter.complete(null))));
    }
}
