package dev.refract.refund;

/** A webhook delivery that is not provably from the PSP: missing, wrong or stale signature, or unreadable. */
public class WebhookRejected extends RuntimeException {
    public WebhookRejected(String message) {
        super(message, null, false, false);
    }
}
