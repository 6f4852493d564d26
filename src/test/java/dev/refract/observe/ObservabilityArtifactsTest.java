package dev.refract.observe;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.refract.support.Api;
import dev.refract.support.PostgresResource;
import dev.refract.support.PspStandIn;
import dev.refract.support.Reconciling;
import dev.refract.support.StripeStandIn;
import dev.refract.support.Workers;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The alert rules ({@code deploy/prometheus}) and the dashboard ({@code deploy/grafana}) name only metrics that the
 * application exposes: a renamed metric fails here, not silently in production. (Their syntax is checked by
 * {@code deploy/validate/observability.sh} with promtool.)
 */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(PspStandIn.class)
class ObservabilityArtifactsTest {

    static final Pattern METRIC = Pattern.compile("\\b((?:refract|http_server|http_client)_[a-z_]+)\\b");

    @Test
    void everyMetricTheRulesAndTheDashboardNameIsExposed() throws IOException {
        // traffic that makes every series exist: a create, a PSP call, a server error's counter
        Api.TestMerchant m = Api.newMerchant();
        m.create(Api.body(Api.refundId(), Api.payment(1_000, "USD"), 100L, "USD", null))
                .then()
                .statusCode(200);
        Api.TestMerchant stripe = Api.newMerchant();
        stripe.useConnector("stripe", "{\"credentials\":{\"api_key\":\"sk_test_observe\"}}");
        String payment = "pi_observe_" + System.nanoTime();
        StripeStandIn.capture(payment, 1_000);
        stripe.create(Api.body(
                        Api.refundId(),
                        payment,
                        100L,
                        "USD",
                        "\"payment_amount\":{\"minor_amount\":1000,\"currency\":\"USD\"}"))
                .then()
                .statusCode(200);

        // a reconciliation run that completed with an exception, and the gauges of each account's latest runs read
        Api.TestMerchant reconciled = Reconciling.stripeMerchant();
        PspStandIn.server()
                .stubFor(Reconciling.stripeListing(null)
                        .willReturn(Reconciling.ok(Reconciling.stripePage(List.of(), false))));
        Instant from = Instant.now().minusSeconds(5);
        Reconciling.stripeRefund(
                reconciled,
                Api.refundId(),
                "pi_observe_missing_" + System.nanoTime(),
                100,
                "USD",
                "re_observe_" + System.nanoTime(),
                "succeeded");
        Reconciling.workAndRead(Reconciling.start(reconciled.id(), "stripe", from, Instant.now()));
        Workers.reconciliationGauges();

        String exposition =
                given().get("/q/metrics").then().statusCode(200).extract().asString();
        Set<String> exposed = exposition
                .lines()
                .filter(l -> !l.startsWith("#") && !l.isBlank())
                .map(l -> l.split("[{ ]", 2)[0])
                .collect(Collectors.toCollection(TreeSet::new));

        Set<String> named = new TreeSet<>();
        for (Path file : new Path[] {
            Path.of("deploy/prometheus/refract-alerts.yaml"), Path.of("deploy/grafana/refract-dashboard.json")
        }) {
            String text = Files.readString(file);
            Matcher matcher = METRIC.matcher(text);
            while (matcher.find()) {
                named.add(matcher.group(1));
            }
        }
        assertEquals(
                Set.of(
                        "http_client_requests_seconds_count",
                        "http_server_requests_seconds_count",
                        "http_server_requests_seconds_max",
                        "http_server_requests_seconds_sum",
                        "refract_janitor_oldest_due_age_seconds",
                        "refract_outbox_oldest_undelivered_age_seconds",
                        "refract_psp_circuit_breaker_state",
                        "refract_reconciliation_exceptions",
                        "refract_reconciliation_last_completed_age_seconds",
                        "refract_reconciliation_last_run_failed",
                        "refract_refunds_created_total",
                        "refract_refunds_manual_review"),
                named,
                "the metrics the rules and the dashboard use");
        Set<String> missing = new TreeSet<>(named);
        missing.removeAll(exposed);
        assertTrue(missing.isEmpty(), "named but not exposed: " + missing + "; exposed: " + exposed);
    }
}
