package dev.refract.notify;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import com.stripe.exception.SignatureVerificationException;
import com.stripe.net.Webhook;
import dev.refract.outbound.Hmac;
import dev.refract.support.Api;
import dev.refract.support.Db;
import dev.refract.support.PostgresResource;
import dev.refract.support.PspStandIn;
import dev.refract.support.Workers;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A merchant's notification secret replaced: for refract.webhooks.previous-secret-grace every notification carries
 * one v1 per secret, the new one first ({@code t=…,v1=<new>,v1=<previous>}), each verifying under its own secret
 * (checked with Stripe's own library, whose scheme this is); after the grace, only the new one.
 */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(PspStandIn.class)
class NotificationSecretRotationTest {

    static final String OLD = "whsec_notify_rotation_old";
    static final String NEW = "whsec_notify_rotation_new";
    static final Duration GRACE = Duration.ofHours(24);

    /** The signature headers of the notifications that reach the path after one refund is made. */
    static List<LoggedRequest> notifiedOnce(Api.TestMerchant m, String path) {
        int before =
                PspStandIn.server().findAll(postRequestedFor(urlEqualTo(path))).size();
        m.create(Api.body(Api.refundId(), Api.payment(1_000, "USD"), 100L, "USD", null))
                .then()
                .statusCode(200);
        Workers.outbox();
        Workers.outbox();
        assertEquals(0, Db.count("select count(*) from outbox where merchant_id = ? and delivered_at is null", m.id()));
        List<LoggedRequest> all = PspStandIn.server().findAll(postRequestedFor(urlEqualTo(path)));
        assertTrue(all.size() > before, "a notification was delivered");
        return all.subList(before, all.size());
    }

    static List<String> v1s(String header) {
        List<String> v1 = new ArrayList<>();
        for (String part : header.split(",")) {
            if (part.startsWith("v1=")) {
                v1.add(part.substring(3));
            }
        }
        return v1;
    }

    static String hmac(String secret, String header, String body) {
        String t = header.substring(2, header.indexOf(','));
        return HexFormat.of()
                .formatHex(Hmac.sha256(
                        secret.getBytes(StandardCharsets.UTF_8), (t + "." + body).getBytes(StandardCharsets.UTF_8)));
    }

    void replacedAgo(Api.TestMerchant m, Duration ago) {
        assertEquals(
                1,
                Db.execute(
                        "update merchants set webhook_secret_replaced_at = ? where id = ?",
                        OffsetDateTime.now().minus(ago),
                        m.id()));
    }

    @Test
    void duringTheGraceEveryNotificationIsSignedWithBothSecretsThenWithTheNewOneOnly() throws Exception {
        String path = "/merchant-hooks/rotation-" + System.nanoTime();
        PspStandIn.server()
                .stubFor(post(urlEqualTo(path)).willReturn(aResponse().withStatus(204)));
        Api.TestMerchant m = Api.newMerchant();
        Api.admin()
                .body("{\"webhook_url\":\"http://localhost:"
                        + PspStandIn.server().port() + path + "\",\"webhook_secret\":\"" + OLD + "\"}")
                .put("/admin/v1/merchants/" + m.id())
                .then()
                .statusCode(200);
        String until = Api.admin()
                .body("{\"webhook_secret\":\"" + NEW + "\"}")
                .put("/admin/v1/merchants/" + m.id())
                .then()
                .statusCode(200)
                .extract()
                .path("previous_webhook_secret_expires_at");
        assertTrue(until != null, "the merchant shows until when the previous secret signs");

        for (Duration ago : List.of(Duration.ZERO, GRACE.minusSeconds(30))) {
            replacedAgo(m, ago);
            for (LoggedRequest r : notifiedOnce(m, path)) {
                String header = r.getHeader("Refract-Signature");
                String body = r.getBodyAsString();
                assertEquals(List.of(hmac(NEW, header, body), hmac(OLD, header, body)), v1s(header), header);
                // a receiver holding either secret accepts it
                Webhook.Signature.verifyHeader(body, header, NEW, 300);
                Webhook.Signature.verifyHeader(body, header, OLD, 300);
            }
        }

        replacedAgo(m, GRACE.plusSeconds(1));
        for (LoggedRequest r : notifiedOnce(m, path)) {
            String header = r.getHeader("Refract-Signature");
            String body = r.getBodyAsString();
            assertEquals(List.of(hmac(NEW, header, body)), v1s(header), header);
            Webhook.Signature.verifyHeader(body, header, NEW, 300);
            assertThrows(
                    SignatureVerificationException.class, () -> Webhook.Signature.verifyHeader(body, header, OLD, 300));
        }
        String sealed = Db.one("select previous_webhook_secret_enc from merchants where id = ?", m.id())
                .get("previous_webhook_secret_enc")
                .toString();
        assertTrue(sealed.startsWith("v1:") && !sealed.contains(OLD), "the previous secret is encrypted at rest");
    }
}
