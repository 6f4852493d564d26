package dev.refract.refund;

/** A PSP's records could not be read now (unreachable, failing, rate-limiting past patience): the run stops there. */
public class PspRecordsUnavailable extends RuntimeException {

    public PspRecordsUnavailable(String message) {
        super(message, null, false, false);
    }
}
