package dev.refract.api;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** Health, metrics and OpenAPI of the packaged application. */
@QuarkusIntegrationTest
class OperationsIT extends OperationsTest {}
