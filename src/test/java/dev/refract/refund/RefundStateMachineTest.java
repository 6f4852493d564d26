package dev.refract.refund;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

class RefundStateMachineTest {

    static final Outcome SUCCEEDED = new Outcome.Succeeded("re_1", "succeeded", Map.of());
    static final Outcome PENDING = new Outcome.Pending("re_1", "pending", Map.of());
    static final Outcome DECLINED = Outcome.Declined.of(ErrorCode.REFUND_FAILED, "declined", "x", "y");
    static final Outcome REVERSAL = new Outcome.Declined(
            ErrorCode.REFUND_RETURNED, "returned", "RETURNED", null, "re_1", "RETURNED", true, Map.of());
    static final Outcome NOT_FOUND = new Outcome.NotFound("resource_missing", "no such payment");
    static final Outcome NOT_SENT = new Outcome.NotSent("connection refused");
    static final Outcome UNKNOWN = new Outcome.Unknown("timeout");

    /** from, outcome, expected state, whether the outcome's data is recorded. */
    static Stream<Arguments> table() {
        return Stream.of(
                Arguments.of(RefundState.RECEIVED, SUCCEEDED, RefundState.SUCCEEDED, true),
                Arguments.of(RefundState.RECEIVED, PENDING, RefundState.PENDING, true),
                Arguments.of(RefundState.RECEIVED, DECLINED, RefundState.FAILED, true),
                Arguments.of(RefundState.RECEIVED, NOT_FOUND, RefundState.FAILED, true),
                Arguments.of(RefundState.RECEIVED, NOT_SENT, RefundState.RECEIVED, false),
                Arguments.of(RefundState.RECEIVED, UNKNOWN, RefundState.UNKNOWN, true),
                Arguments.of(RefundState.RECEIVED, REVERSAL, RefundState.FAILED, true),
                Arguments.of(RefundState.UNKNOWN, SUCCEEDED, RefundState.SUCCEEDED, true),
                Arguments.of(RefundState.UNKNOWN, PENDING, RefundState.PENDING, true),
                Arguments.of(RefundState.UNKNOWN, DECLINED, RefundState.FAILED, true),
                // a resend that did not get through says nothing about the first attempt
                Arguments.of(RefundState.UNKNOWN, NOT_SENT, RefundState.UNKNOWN, false),
                Arguments.of(RefundState.UNKNOWN, UNKNOWN, RefundState.UNKNOWN, false),
                Arguments.of(RefundState.UNKNOWN, NOT_FOUND, RefundState.FAILED, true),
                Arguments.of(RefundState.UNKNOWN, REVERSAL, RefundState.FAILED, true),
                Arguments.of(RefundState.PENDING, SUCCEEDED, RefundState.SUCCEEDED, true),
                Arguments.of(RefundState.PENDING, PENDING, RefundState.PENDING, true),
                Arguments.of(RefundState.PENDING, DECLINED, RefundState.FAILED, true),
                // never backwards: a pending refund does not become "unknown" or "not sent"
                Arguments.of(RefundState.PENDING, UNKNOWN, RefundState.PENDING, false),
                Arguments.of(RefundState.PENDING, NOT_SENT, RefundState.PENDING, false),
                Arguments.of(RefundState.PENDING, NOT_FOUND, RefundState.FAILED, true),
                Arguments.of(RefundState.PENDING, REVERSAL, RefundState.FAILED, true),

                // final states stay final, except a failure the PSP reports after success
                Arguments.of(RefundState.SUCCEEDED, PENDING, RefundState.SUCCEEDED, false),
                Arguments.of(RefundState.SUCCEEDED, SUCCEEDED, RefundState.SUCCEEDED, false),
                Arguments.of(RefundState.SUCCEEDED, DECLINED, RefundState.SUCCEEDED, false),
                Arguments.of(RefundState.SUCCEEDED, NOT_FOUND, RefundState.SUCCEEDED, false),
                Arguments.of(RefundState.SUCCEEDED, UNKNOWN, RefundState.SUCCEEDED, false),
                Arguments.of(RefundState.SUCCEEDED, REVERSAL, RefundState.FAILED, true),
                Arguments.of(RefundState.SUCCEEDED, NOT_SENT, RefundState.SUCCEEDED, false),
                Arguments.of(RefundState.FAILED, SUCCEEDED, RefundState.FAILED, false),
                Arguments.of(RefundState.FAILED, PENDING, RefundState.FAILED, false),
                Arguments.of(RefundState.FAILED, REVERSAL, RefundState.FAILED, false),
                Arguments.of(RefundState.FAILED, DECLINED, RefundState.FAILED, false),
                Arguments.of(RefundState.FAILED, NOT_FOUND, RefundState.FAILED, false),
                Arguments.of(RefundState.FAILED, NOT_SENT, RefundState.FAILED, false),
                Arguments.of(RefundState.FAILED, UNKNOWN, RefundState.FAILED, false),

                // manual review is settled by a definite answer only
                Arguments.of(RefundState.MANUAL_REVIEW, SUCCEEDED, RefundState.SUCCEEDED, true),
                Arguments.of(RefundState.MANUAL_REVIEW, DECLINED, RefundState.FAILED, true),
                Arguments.of(RefundState.MANUAL_REVIEW, PENDING, RefundState.MANUAL_REVIEW, false),
                Arguments.of(RefundState.MANUAL_REVIEW, UNKNOWN, RefundState.MANUAL_REVIEW, false),
                Arguments.of(RefundState.MANUAL_REVIEW, NOT_SENT, RefundState.MANUAL_REVIEW, false),
                Arguments.of(RefundState.MANUAL_REVIEW, NOT_FOUND, RefundState.FAILED, true),
                Arguments.of(RefundState.MANUAL_REVIEW, REVERSAL, RefundState.FAILED, true));
    }

    static final List<Outcome> OUTCOMES = List.of(SUCCEEDED, PENDING, DECLINED, REVERSAL, NOT_FOUND, NOT_SENT, UNKNOWN);

    @Test
    void theTableHasEveryStateWithEveryKindOfOutcomeOnce() {
        List<String> rows = table().map(a -> a.get()[0] + " + " + OUTCOMES.indexOf(a.get()[1]))
                .toList();
        Set<String> every = new TreeSet<>();
        for (RefundState state : RefundState.values()) {
            for (int i = 0; i < OUTCOMES.size(); i++) {
                every.add(state + " + " + i);
            }
        }
        assertEquals(every, new TreeSet<>(rows));
        assertEquals(every.size(), rows.size(), "no pair twice");
    }

    @ParameterizedTest(name = "{0} + {1} → {2}")
    @MethodSource("table")
    void movesOnlyForward(RefundState from, Outcome outcome, RefundState to, boolean accepted) {
        RefundStateMachine.Transition t = RefundStateMachine.next(from, outcome);
        assertEquals(to, t.to());
        assertEquals(accepted, t.accepted());
    }

    @ParameterizedTest(name = "{0}: applying the same outcome twice changes nothing the second time")
    @MethodSource("table")
    void ignoresDuplicates(RefundState from, Outcome outcome, RefundState to, boolean accepted) {
        RefundState once = RefundStateMachine.next(from, outcome).to();
        RefundStateMachine.Transition twice = RefundStateMachine.next(once, outcome);
        assertEquals(once, twice.to());
        assertFalse(twice.changesState());
    }

    @ParameterizedTest
    @EnumSource(RefundState.class)
    void exhaustionSendsOnlyInFlightRefundsToManualReview(RefundState from) {
        RefundState to = RefundStateMachine.exhausted(from).to();
        assertEquals(from.inFlight() ? RefundState.MANUAL_REVIEW : from, to);
    }

    @Test
    void everyInFlightStateIsPublicPending() {
        for (RefundState s : RefundState.IN_FLIGHT) {
            assertEquals(RefundStatus.PENDING, s.status());
        }
        assertEquals(RefundState.IN_FLIGHT, RefundState.of(RefundStatus.PENDING));
    }
}
