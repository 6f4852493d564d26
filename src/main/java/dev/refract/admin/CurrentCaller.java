package dev.refract.admin;

import jakarta.enterprise.context.RequestScoped;

/** The caller of the admin API request in progress, set by {@link AdminAuth} before the operation runs. */
@RequestScoped
public class CurrentCaller {

    private Caller caller;

    void set(Caller caller) {
        this.caller = caller;
    }

    /** Never null inside an operation: {@link AdminAuth} refuses the request before it runs otherwise. */
    public Caller get() {
        if (caller == null) {
            throw new IllegalStateException("no caller: this is not an admin API operation");
        }
        return caller;
    }
}
