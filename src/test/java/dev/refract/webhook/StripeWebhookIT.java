package dev.refract.webhook;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** Stripe webhooks and the Stripe connector's HTTP calls in the packaged application. */
@QuarkusIntegrationTest
class StripeWebhookIT extends StripeWebhookTest {}
