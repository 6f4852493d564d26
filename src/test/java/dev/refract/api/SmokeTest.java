package dev.refract.api;

import static org.hamcrest.Matchers.equalTo;

import dev.refract.support.Api;
import dev.refract.support.PostgresResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
class SmokeTest {

    @Test
    void createsASandboxRefund() {
        Api.TestMerchant m = Api.newMerchant();
        String id = Api.refundId();
        m.create(Api.body(id, Api.payment(10000, "USD"), 2500L, "USD", null))
                .then().log().ifValidationFails().statusCode(200)
                .body("status", equalTo("SUCCEEDED"))
                .body("amount.minor_amount", equalTo(2500));
    }
}
