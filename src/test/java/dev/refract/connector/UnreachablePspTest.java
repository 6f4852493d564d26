package dev.refract.connector;

import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.refract.support.Api;
import dev.refract.support.Db;
import dev.refract.support.PostgresResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A PSP whose port refuses connections: provably never reached, so NotSent: accepted, kept, submitted later. */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
@TestProfile(UnreachablePspTest.ClosedPorts.class)
class UnreachablePspTest {

    public static class ClosedPorts implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            int closed;
            try (ServerSocket s = new ServerSocket(0)) {
                closed = s.getLocalPort(); // free now, and nothing listens on it once closed
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            Map<String, String> config = new HashMap<>();
            for (String psp : new String[] {"stripe", "adyen", "exodus", "charges", "marqeta"}) {
                config.put("quarkus.rest-client." + psp + ".url", "http://127.0.0.1:" + closed + "/" + psp);
                config.put("refract.resilience." + psp + ".retry-delay", "10ms");
            }
            return config;
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "stripe  | pi_3Refused    | {\"api_key\":\"sk_test_x\"} | {}",
                "adyen   | ABCDEF0123456789 | {\"api_key\":\"k\"} | {\"merchant_account\":\"AcmeECOM\"}",
                "exodus  | pay_refused    | {\"api_key\":\"k\"} | {}",
                "charges | ch_refused     | {\"api_key\":\"k\"} | {}",
                "marqeta | acct_refused   | {\"username\":\"u\",\"password\":\"p\"} | {}"
            })
    void connectionRefusedIsNotSentAndTheRefundIsKept(
            String connector, String payment, String credentials, String settings) {
        Api.TestMerchant m = Api.newMerchant();
        Api.admin()
                .body("{\"credentials\":" + credentials + ",\"settings\":" + settings + "}")
                .put("/admin/v1/merchants/" + m.id() + "/connectors/" + connector)
                .then()
                .statusCode(200);
        String id = "r_" + UUID.randomUUID();
        String options = connector.equals("marqeta")
                ? ",\"connector_options\":{\"method\":\"CHECK\",\"type\":\"CREDIT_BALANCE_REFUND\"}"
                : "";
        m.create(Api.body(
                        id,
                        payment,
                        100L,
                        "USD",
                        "\"connector\":\"" + connector + "\","
                                + "\"payment_amount\":{\"minor_amount\":1000,\"currency\":\"USD\"}" + options))
                .then()
                .statusCode(200)
                .body("status", equalTo("PENDING"))
                .body("connector_refund_id", equalTo(null));
        assertEquals(
                "RECEIVED",
                Db.one("select state from refunds where merchant_id = ? and merchant_refund_id = ?", m.id(), id)
                        .get("state"),
                "not sent: the janitor submits it when the PSP is back");
        Db.assertLedgerConsistent(m.id(), payment);
    }
}
