package dev.refract.webhook;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** What Stripe's deliveries are answered by the packaged application, its janitor and outbox live. */
@QuarkusIntegrationTest
class StripeWebhookAnswersIT extends StripeWebhookAnswersTest {}
