package dev.refract.connector.stripe;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Stripe ({@code refract.connectors.stripe.*}). */
@ConfigMapping(prefix = "refract.connectors.stripe")
public interface StripeSettings {

    /** The {@code Stripe-Version} every call pins, so that an account's default version never changes the wire. */
    @WithDefault("2024-06-20")
    String apiVersion();
}
