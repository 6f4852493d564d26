package dev.refract.refund;

import io.smallrye.mutiny.Uni;

/** A connector whose PSP has a refund status endpoint: the janitor and {@code /sync} ask it. */
public interface SyncsRefunds {

    /**
     * The refund's current status at the PSP. Only a refund object in the PSP's own shape is a status; every other
     * answer (an error status, a body not in the PSP's format, a timeout, a redirect, a 404 without the PSP's own
     * code) is Unknown, and a read never answers Declined or NotFound. A refund the PSP says in its own words it does
     * not have is {@link Outcome.Disowned}.
     */
    Uni<Outcome> sync(ConnectorAccount account, Refund refund);
}
