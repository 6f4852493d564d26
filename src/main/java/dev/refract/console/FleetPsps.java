package dev.refract.console;

import dev.refract.background.BackgroundBatches;
import dev.refract.outbound.CircuitBreakersHealth;
import dev.refract.outbound.PspCallStats;
import dev.refract.refund.Connector;
import dev.refract.refund.ConnectorRegistry;
import dev.refract.store.PspReportStore;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The PSPs as the whole fleet sees them, for the console's PSP page. Every replica reports its recent calls (from
 * {@link PspCallStats}) and its breakers' states every {@code refract.console.psp-report-interval}; the page adds
 * the other replicas' reports to what the replica serving it counts itself, so a single replica needs no report at
 * all and the page is never older than one interval for the others.
 */
@Singleton
public class FleetPsps {

    /** Breaker states, the worst first. */
    static final List<String> WORST_FIRST = List.of("OPEN", "HALF_OPEN", "CLOSED");

    /**
     * One connector across the fleet: its slots summed over the replicas, and how many replicas' breakers are in
     * each state (every replica reporting has one).
     */
    public record Psp(String connector, List<PspCallStats.Slot> slots, Map<String, Integer> breakers) {

        /** The replicas whose breakers are counted: this one and those still reporting. */
        public int replicas() {
            return breakers.values().stream().mapToInt(Integer::intValue).sum();
        }

        /** The worst state any replica's breaker is in. */
        public String worstBreaker() {
            for (String state : WORST_FIRST) {
                if (breakers.getOrDefault(state, 0) > 0) {
                    return state;
                }
            }
            return "CLOSED";
        }
    }

    private final BackgroundBatches batches = new BackgroundBatches("PSP report");
    private final PspCallStats calls;
    private final ConnectorRegistry connectors;
    private final PspReportStore store;
    private final ConsoleSettings settings;
    private final Clock clock;
    private final String replica;

    FleetPsps(PspCallStats calls, ConnectorRegistry connectors, PspReportStore store, ConsoleSettings settings) {
        this.calls = calls;
        this.connectors = connectors;
        this.store = store;
        this.settings = settings;
        this.clock = Clock.systemUTC();
        // the pod's name where there is one, and a part of its own: a restarted replica is a new one
        this.replica = Optional.ofNullable(System.getenv("HOSTNAME"))
                        .filter(h -> !h.isBlank())
                        .orElse("replica")
                + "/" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** This replica's name in the reports. */
    public String replica() {
        return replica;
    }

    /** The connectors that call out (the in-process sandbox has no breaker), and the Credyt wallet where offered. */
    List<String> names() {
        List<String> names = new ArrayList<>();
        for (Connector c : connectors.all()) {
            if (!c.inProcess()) {
                names.add(c.name());
            }
        }
        if (connectors.findAccountKind("credyt").isPresent()) {
            names.add("credyt");
        }
        return names;
    }

    @Scheduled(
            identity = "psp-report",
            every = "${refract.console.psp-report-interval}",
            delayed = "5s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduled() {
        return batches.run(settings.pspReportEnabled(), this::report);
    }

    void onStop(@Observes ShutdownEvent stop) {
        batches.finish(5);
    }

    /** Writes this replica's slots of the window and its breakers, and deletes what is older than the window. */
    public Uni<Void> report() {
        Instant now = clock.instant();
        List<PspReportStore.SlotCounts> slots = new ArrayList<>();
        List<PspReportStore.BreakerState> breakers = new ArrayList<>();
        for (String name : names()) {
            for (PspCallStats.Slot s : calls.recent(name)) {
                if (s.attempts() > 0 || s.refused() > 0) {
                    slots.add(new PspReportStore.SlotCounts(
                            name, s.start(), s.attempts(), s.failures(), s.refused(), s.totalMillis(), s.maxMillis()));
                }
            }
            breakers.add(new PspReportStore.BreakerState(
                    replica, name, CircuitBreakersHealth.stateOf(name).name()));
        }
        return store.report(replica, slots, breakers, now.minus(PspCallStats.WINDOW), live(now));
    }

    /** Every connector, this replica's own counts and breaker with the other replicas' last reports. */
    public Uni<List<Psp>> fleet() {
        Instant now = clock.instant();
        List<String> names = names();
        return Uni.combine()
                .all()
                .unis(
                        store.othersSlots(replica, now.minus(PspCallStats.WINDOW)),
                        store.othersBreakers(replica, live(now)))
                .with((otherSlots, otherBreakers) -> {
                    Map<String, Map<Instant, PspReportStore.SlotCounts>> others = new HashMap<>();
                    for (PspReportStore.SlotCounts s : otherSlots) {
                        others.computeIfAbsent(s.connector(), c -> new HashMap<>())
                                .put(s.slotStart(), s);
                    }
                    Map<String, Map<String, Integer>> states = new HashMap<>();
                    for (PspReportStore.BreakerState b : otherBreakers) {
                        states.computeIfAbsent(b.connector(), c -> new HashMap<>())
                                .merge(b.state().toUpperCase(Locale.ROOT), 1, Integer::sum);
                    }
                    List<Psp> fleet = new ArrayList<>();
                    for (String name : names) {
                        Map<Instant, PspReportStore.SlotCounts> theirs = others.getOrDefault(name, Map.of());
                        List<PspCallStats.Slot> slots = new ArrayList<>();
                        for (PspCallStats.Slot own : calls.recent(name)) {
                            PspReportStore.SlotCounts o = theirs.get(own.start());
                            slots.add(
                                    o == null
                                            ? own
                                            : new PspCallStats.Slot(
                                                    own.start(),
                                                    own.attempts() + o.attempts(),
                                                    own.failures() + o.failures(),
                                                    own.refused() + o.refused(),
                                                    own.totalMillis() + o.totalMillis(),
                                                    Math.max(own.maxMillis(), o.maxMillis())));
                        }
                        Map<String, Integer> breakers = new HashMap<>(states.getOrDefault(name, Map.of()));
                        breakers.merge(CircuitBreakersHealth.stateOf(name).name(), 1, Integer::sum);
                        fleet.add(new Psp(name, slots, breakers));
                    }
                    return fleet;
                });
    }

    /** A replica that has not reported for three intervals is taken to be gone. */
    private Instant live(Instant now) {
        return now.minus(settings.pspReportInterval().multipliedBy(3));
    }
}
