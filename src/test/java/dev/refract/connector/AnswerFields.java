package dev.refract.connector;

/**
 * The vocabulary of {@link ContradictingAnswersContractTest}: the paths an answer arrives by, what it says became of
 * the refund, the fields it carries, a wrong value of each, and an answer as a whole ({@link Said}).
 */
public final class AnswerFields {

    private AnswerFields() {}

    /** How an answer reaches Refract. */
    public enum Via {
        CREATE,
        READ,
        WEBHOOK
    }

    /** What the answer says became of the refund; REVERSED: a failure after success (the money came back). */
    public enum Status {
        SUCCEEDED,
        PENDING,
        FAILED,
        REVERSED
    }

    /** A field of a PSP's answer about a refund. */
    public enum Field {
        AMOUNT("amount"),
        CURRENCY("currency"),
        PAYMENT("payment"),
        /** The PSP's id of the refund: the one it gave first, or the one Refract chose (Marqeta's token). */
        REFUND_ID("refund id"),
        /** The merchant_refund_id Refract sent, as the PSP echoes it (Stripe's and Exodus's metadata, Adyen's reference). */
        REFERENCE("merchant_refund_id"),
        /** The PSP account the answer is for (Adyen's merchantAccount). */
        ACCOUNT("account");

        /** How the contradiction's message names the field. */
        public final String label;

        Field(String label) {
            this.label = label;
        }
    }

    /**
     * A wrong value of one field. The comparison is exact, so one wrong value per field would do; the amount in
     * major units and the near miss of an id are the mistakes a lenient comparison would let through.
     */
    public enum Wrong {
        AMOUNT_LESS(Field.AMOUNT),
        /** The amount in major units where minor ones were due: 10.00 answered as 10. */
        AMOUNT_IN_MAJOR_UNITS(Field.AMOUNT),
        CURRENCY_OTHER(Field.CURRENCY),
        PAYMENT_OTHER(Field.PAYMENT),
        /** The payment's id with one character changed. */
        PAYMENT_NEAR_MISS(Field.PAYMENT),
        REFUND_ID_OTHER(Field.REFUND_ID),
        REFERENCE_OTHER(Field.REFERENCE),
        ACCOUNT_OTHER(Field.ACCOUNT);

        public final Field field;

        Wrong(Field field) {
            this.field = field;
        }
    }

    /**
     * What an answer says of a refund, in Refract's terms (amounts in ISO minor units of the currency said); each PSP
     * writes it in its own wire format. {@code account} is null where the PSP's answer names none.
     */
    public record Said(
            Status status,
            long minor,
            String currency,
            String paymentId,
            String refundId,
            String merchantRefundId,
            String account) {

        public Said withStatus(Status s) {
            return new Said(s, minor, currency, paymentId, refundId, merchantRefundId, account);
        }

        /** The same answer with one field saying {@code value} instead. */
        public Said with(Field field, String value) {
            return new Said(
                    status,
                    field == Field.AMOUNT ? Long.parseLong(value) : minor,
                    field == Field.CURRENCY ? value : currency,
                    field == Field.PAYMENT ? value : paymentId,
                    field == Field.REFUND_ID ? value : refundId,
                    field == Field.REFERENCE ? value : merchantRefundId,
                    field == Field.ACCOUNT ? value : account);
        }

        /** The field's value as a contradiction's message names it. */
        public String value(Field field) {
            return switch (field) {
                case AMOUNT -> Long.toString(minor);
                case CURRENCY -> currency;
                case PAYMENT -> paymentId;
                case REFUND_ID -> refundId;
                case REFERENCE -> merchantRefundId;
                case ACCOUNT -> account;
            };
        }
    }

    /** The id with its last character changed: one that a careless comparison (a prefix, a length) would pass. */
    public static String nearMiss(String id) {
        char last = id.charAt(id.length() - 1);
        return id.substring(0, id.length() - 1) + (last == 'Z' ? 'Y' : 'Z');
    }
}
