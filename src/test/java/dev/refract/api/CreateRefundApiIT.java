package dev.refract.api;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** The create contract against the packaged application (the jar here, the native binary where one is built). */
@QuarkusIntegrationTest
class CreateRefundApiIT extends CreateRefundApiTest {}
