package dev.refract.api;

import io.quarkus.test.junit.QuarkusIntegrationTest;

@QuarkusIntegrationTest
class ListRefundsIT extends ListRefundsTest {}
