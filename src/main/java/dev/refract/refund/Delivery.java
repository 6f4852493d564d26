package dev.refract.refund;

/**
 * One attempt to tell a party outside about a refund (a merchant's webhook endpoint, the customer's wallet): done,
 * or to be tried again later, with a note for operators (never a secret).
 */
public record Delivery(boolean done, String note) {

    public static Delivery delivered() {
        return new Delivery(true, null);
    }

    public static Delivery delivered(String note) {
        return new Delivery(true, note);
    }

    public static Delivery retryLater(String note) {
        return new Delivery(false, note);
    }
}
