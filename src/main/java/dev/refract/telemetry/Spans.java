package dev.refract.telemetry;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.smallrye.mutiny.Uni;
import java.util.function.Function;

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
     * The work as a span {@code name}: the work is given the span (to name what it works on) and started while the
     * span is current, so that the spans it starts, a PSP call's among them, are its children; the span ends when the
     * work ends, marked as an error if it failed.
     */
    public static <T> Uni<T> around(Tracer tracer, String name, Function<Span, Uni<T>> work) {
        return Uni.createFrom().deferred(() -> {
            Span span = tracer.spanBuilder(name).startSpan();
            return Uni.createFrom()
                    .<T>emitter(emitter -> {
                        // work is started on subscription: subscribed inside the scope, it runs under this span
                        try (Scope scope = span.makeCurrent()) {
                            work.apply(span).subscribe().with(emitter::complete, emitter::fail);
                        }
                    })
                    .onFailure()
                    .invoke(e -> span.setStatus(StatusCode.ERROR, e.getClass().getSimpleName()))
                    .onTermination()
                    .invoke(span::end);
        });
    }
}
