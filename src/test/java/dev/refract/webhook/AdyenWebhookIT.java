package dev.refract.webhook;

import io.quarkus.test.junit.QuarkusIntegrationTest;

@QuarkusIntegrationTest
class AdyenWebhookIT extends AdyenWebhookTest {}
