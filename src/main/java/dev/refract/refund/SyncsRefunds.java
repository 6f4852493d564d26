package dev.refract.refund;

import io.smallrye.mutiny.Uni;

/** A connector whose PSP has a refund status endpoint: the janitor and {@code /sync} ask it. */
public interface SyncsRefunds {

    /**
     * The refund's current status at the PSP. A refund the PSP cannot find is Unknown, never NotFound: its
     * submission may still be on the way.
     */
    Uni<Outcome> sync(ConnectorAccount account, Refund refund);
}
