package dev.refract.http;

import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A request's body as a blocking {@link InputStream}, read on a worker thread while the event loop receives it, for
 * a body too large to hold in memory. The request is paused while a few chunks wait unread and resumed as they are
 * read, so memory stays at a few chunks whatever the body's size. Past {@code maxBytes} it stops taking the body and
 * the reader gets {@link TooLarge}.
 */
public final class RequestBodyStream extends InputStream {

    /** The body grew past the limit. */
    public static final class TooLarge extends IOException {
        public TooLarge(long maxBytes) {
            super("the request body is larger than " + maxBytes + " bytes", null);
        }
    }

    private static final Object END = new Object();
    private static final int PAUSE_AT = 16;
    private static final int RESUME_AT = 4;
    /** How long a reader waits for the next chunk of a stalled upload before it gives up on it. */
    private static final long IDLE_SECONDS = 120;

    /** Bounded by flow control, not by capacity: the request is paused at PAUSE_AT chunks unread (plus its end). */
    private final LinkedBlockingQueue<Object> chunks = new LinkedBlockingQueue<>();

    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicBoolean paused = new AtomicBoolean();
    private final HttpServerRequest request;
    private final Context context;
    private final long maxBytes;
    private long received;
    private Buffer current;
    private int position;

    /** Starts taking the (paused) request's body; call on the request's context. */
    public RequestBodyStream(HttpServerRequest request, Context context, long maxBytes) {
        this.request = request;
        this.context = context;
        this.maxBytes = maxBytes;
        request.handler(this::received);
        request.endHandler(v -> chunks.add(END));
        request.exceptionHandler(chunks::add);
        request.resume();
    }

    private void received(Buffer chunk) {
        received += chunk.length();
        if (received > maxBytes) {
            if (received - chunk.length() <= maxBytes) {
                request.pause();
                chunks.add(new TooLarge(maxBytes));
            }
            return;
        }
        chunks.add(chunk);
        if (queued.incrementAndGet() >= PAUSE_AT && paused.compareAndSet(false, true)) {
            request.pause();
        }
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] into, int offset, int length) throws IOException {
        if (length == 0) {
            return 0;
        }
        while (current == null || position >= current.length()) {
            Object next = next();
            if (next == END) {
                chunks.add(END); // every later read ends too
                return -1;
            }
            if (next instanceof IOException e) {
                chunks.add(e);
                throw e;
            }
            if (next instanceof Throwable t) {
                chunks.add(t);
                throw new IOException("the upload broke off", t);
            }
            current = (Buffer) next;
            position = 0;
            if (queued.decrementAndGet() <= RESUME_AT && paused.compareAndSet(true, false)) {
                context.runOnContext(v -> request.resume());
            }
        }
        int n = Math.min(length, current.length() - position);
        current.getBytes(position, position + n, into, offset);
        position += n;
        return n;
    }

    private Object next() throws IOException {
        try {
            Object next = chunks.poll(IDLE_SECONDS, TimeUnit.SECONDS);
            if (next == null) {
                throw new IOException("the upload stalled: nothing arrived for " + IDLE_SECONDS + " s");
            }
            return next;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while reading the upload", e);
        }
    }

    /** Bytes taken so far. */
    public long received() {
        return received;
    }
}
