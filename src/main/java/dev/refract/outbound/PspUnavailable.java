package dev.refract.outbound;

/** The PSP answered 5xx or 429: the request may or may not have been acted on. */
public class PspUnavailable extends RuntimeException {

    private final int status;

    public PspUnavailable(int status) {
        super("PSP answered " + status, null, false, false);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
