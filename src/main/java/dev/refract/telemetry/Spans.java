package dev.refract.telemetry;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.smallrye.mutiny.Uni;
import java.util.function.Consumer;
import java.util.function.Supplier;

/** The attributes Refract puts on its trace spans, and a span around a piece of reactive work. */
public final class Spans {

    public static final String MERCHANT_REFUND_ID = "refract.merchant_refund_id";
    public static final String CONNECTOR = "refract.connector";

    private Spans() {}

    /** Names the refund on the span in progress (the merchant request's, say). */
    public static void refund(String merchantRefundId, String connector) {
        Span span = Span.current();
        if (merchantRefundId != null) {
            span.setAttribute(MERCHANT_REFUND_ID, merchantRefundId);
        }
        if (connector != null) {
            span.setAttribute(CONNECTOR, connector);
        }
    }

    /**
     * The work as a span {@code name}, current while the work is started (so that the spans it starts, a PSP call's
     * among them, are its children) and ended when the work ends.
     */
    public static <T> Uni<T> around(Tracer tracer, String name, Consumer<Span> attributes, Supplier<Uni<T>> work) {
        return Uni.createFrom().deferred(() -> {
            Span span = tracer.spanBuilder(name).startSpan();
            attributes.accept(span);
            Uni<T> started;
            try (Scope scope = span.makeCurrent()) {
                started = Uni.createFrom().<T>emitter(emitter -> {
                    try (Scope inner = span.makeCurrent()) {
                        work.get().subscribe().with(emitter::complete, emitter::fail);
                    }
                });
            }
            return started.onFailure()
                    .invoke(e -> span.setStatus(StatusCode.ERROR, e.getClass().getSimpleName()))
                    .onTermination()
                    .invoke(span::end);
        });
    }
}
