package dev.refract.webhook;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** What Adyen's notifications are answered by the packaged application, its janitor and outbox live. */
@QuarkusIntegrationTest
class AdyenWebhookAnswersIT extends AdyenWebhookAnswersTest {}
