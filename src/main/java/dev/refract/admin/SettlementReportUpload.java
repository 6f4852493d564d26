package dev.refract.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.refract.http.ApiException;
import dev.refract.http.Bearer;
import dev.refract.http.BodyLimit;
import dev.refract.http.ErrorBody;
import dev.refract.http.ErrorStatus;
import dev.refract.http.RequestBodyStream;
import dev.refract.refund.Actor;
import dev.refract.refund.ReconciliationRun;
import dev.refract.refund.RefundError;
import dev.refract.store.DatabaseDown;
import io.quarkus.vertx.http.runtime.security.HttpAuthenticator;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.time.Instant;
import java.util.Locale;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * {@code POST /admin/v1/reconciliations/adyen-settlement-report?merchant_id=}: an operator uploads Adyen's Settlement
 * details report ({@code text/csv}, up to 50 MiB) and its reconciliation run starts. The report is read as it
 * arrives, a line at a time on a worker thread, its refunds staged in the database: the HTTP layer's 1 MiB limit,
 * which every other route keeps, does not apply to this one route, and neither does REST's body buffer. So this is a
 * route of the HTTP layer, placed before the body limit's, which checks the admin token as {@link AdminAuth} does
 * for every {@link OperatorApi} operation, and answers in the API's error shape: 401, 404 for an unknown merchant,
 * 400 for an account that is not enabled or a file that is not that report, 413 past the limit (declared or read).
 */
@ApplicationScoped
public class SettlementReportUpload {

    private static final Logger LOG = Logger.getLogger(SettlementReportUpload.class);
    static final String PATH = "/admin/v1/reconciliations/adyen-settlement-report";
    static final String CONNECTOR = "adyen";
    /** 50 MiB: a month of a busy merchant account's settlement entries. */
    public static final long MAX_BYTES = 50L * 1024 * 1024;

    /** Room for a provider's access token with many groups, as {@link AdminAuth} allows. */
    private static final int MAX_BEARER = 16_384;

    private final Operators operators;
    private final HttpAuthenticator authenticator;
    private final OperatorReconciliations reconciliations;
    private final ObjectMapper json;
    private final Vertx vertx;

    SettlementReportUpload(
            Operators operators,
            HttpAuthenticator authenticator,
            OperatorReconciliations reconciliations,
            ObjectMapper json,
            Vertx vertx) {
        this.operators = operators;
        this.authenticator = authenticator;
        this.reconciliations = reconciliations;
        this.json = json;
        this.vertx = vertx;
    }

    void install(@Observes Router router) {
        // after the request id and the body limit (which leaves this path alone, see Limits.STREAMED_UPLOADS), before
        // the HTTP layer's own upload limit: this route answers every request it takes, so none reaches the others
        router.post(PATH).order(Integer.MIN_VALUE + 4).handler(this::upload);
    }

    private void upload(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        request.pause();
        String token = Bearer.token(request.getHeader(HttpHeaders.AUTHORIZATION), MAX_BEARER);
        if (token == null) {
            LOG.infof("admin API: refused POST %s: no bearer credential", PATH);
            refuse(ctx, ApiException.authenticationRequired());
            return;
        }
        Context context = Vertx.currentContext();
        operators
                .ofBearer(token, () -> authenticator.attemptAuthentication(ctx))
                .subscribe()
                .with(
                        caller -> context.runOnContext(v -> {
                            if (!caller.may(Role.OPERATOR)) {
                                LOG.infof(
                                        "admin API: refused POST %s to %s: role %s, needs %s",
                                        PATH,
                                        caller.actor().display(),
                                        caller.role().word(),
                                        Role.OPERATOR.word());
                                refuse(
                                        ctx,
                                        ApiException.permissionDenied("this needs the role " + Role.OPERATOR.group()
                                                + "; " + caller.actor().display() + " has "
                                                + caller.role().group()));
                                return;
                            }
                            upload(ctx, caller.actor());
                        }),
                        failure -> context.runOnContext(v -> {
                            if (failure instanceof ApiException e) {
                                LOG.infof("admin API: refused POST %s: %s (%d)", PATH, e.getMessage(), e.status());
                            }
                            refuse(ctx, failure);
                        }));
    }

    /** The upload of an operator who may start a run. */
    private void upload(RoutingContext ctx, Actor by) {
        HttpServerRequest request = ctx.request();
        String merchantId = request.getParam("merchant_id");
        String type = request.getHeader(HttpHeaders.CONTENT_TYPE);
        if (type == null || !type.toLowerCase(Locale.ROOT).strip().startsWith("text/csv")) {
            refuse(
                    ctx,
                    new ApiException(
                            415,
                            "invalid_request_error",
                            "unsupported_media_type",
                            "the report is uploaded as text/csv, the file as Adyen's Customer Area gives it",
                            null));
            return;
        }
        if (BodyLimit.declaredLength(request.getHeader(HttpHeaders.CONTENT_LENGTH)) > MAX_BYTES) {
            refuse(ctx, tooLarge());
            return;
        }
        Instant from;
        Instant to;
        try {
            from = optionalInstant("from", request.getParam("from"));
            to = optionalInstant("to", request.getParam("to"));
        } catch (ApiException e) {
            refuse(ctx, e);
            return;
        }
        Context context = Vertx.currentContext();
        reconciliations
                .reportUpload(merchantId, CONNECTOR)
                .subscribe()
                .with(
                        upload -> context.runOnContext(v -> {
                            if (request.headers().contains(HttpHeaders.EXPECT, "100-continue", true)) {
                                ctx.response().writeContinue();
                            }
                            RequestBodyStream body = new RequestBodyStream(request, context, MAX_BYTES);
                            vertx.<ReconciliationRun>executeBlocking(
                                            () -> reconciliations.receiveReport(by, upload, body, from, to), false)
                                    .onComplete(done -> context.runOnContext(w -> {
                                        if (done.succeeded()) {
                                            LOG.infof(
                                                    "Adyen settlement report of %s received (%d bytes): run %s",
                                                    merchantId,
                                                    body.received(),
                                                    done.result().id());
                                            answer(ctx, 202, view(done.result()), false);
                                        } else {
                                            refuse(ctx, done.cause());
                                        }
                                    }));
                        }),
                        failure -> context.runOnContext(v -> refuse(ctx, failure)));
    }

    private String view(ReconciliationRun run) {
        try {
            return json.writeValueAsString(ReconciliationViews.RunView.started(run));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A refusal in the API's error shape. The connection is closed after any answer given before the body was read
     * to its end, so that the rest of an upload is not taken.
     */
    private void refuse(RoutingContext ctx, Throwable failure) {
        ApiException e = asApiException(failure);
        ErrorBody body = ErrorBody.of(e.type(), e.code(), e.getMessage(), e.param());
        HttpServerResponse response = ctx.response();
        if (e.status() == 401) {
            response.putHeader("WWW-Authenticate", "Bearer realm=\"refract\"");
        }
        if (e.retryAfterSeconds() > 0) {
            response.putHeader("Retry-After", Long.toString(e.retryAfterSeconds()));
        }
        try {
            answer(
                    ctx,
                    e.status(),
                    json.writeValueAsString(body),
                    !ctx.request().isEnded());
        } catch (JsonProcessingException impossible) {
            throw new IllegalStateException(impossible);
        }
    }

    private static ApiException asApiException(Throwable failure) {
        if (failure instanceof ApiException api) {
            return api;
        }
        if (failure instanceof RefundError r) {
            ErrorStatus status = ErrorStatus.of(r.code());
            return new ApiException(status.status(), status.type(), r.code().wire(), r.getMessage(), r.param());
        }
        if (failure instanceof RequestBodyStream.TooLarge) {
            return tooLarge();
        }
        if (DatabaseDown.isDatabaseDown(failure)) {
            return new ApiException(
                            503,
                            "api_error",
                            "service_unavailable",
                            "Refract's database cannot take this upload now; nothing was kept, retry later",
                            null)
                    .retryAfter(5);
        }
        if (failure instanceof IOException io) {
            return new ApiException(
                    400, "invalid_request_error", "invalid_request", "the upload broke off: " + io.getMessage(), null);
        }
        String reference = UUID.randomUUID().toString();
        LOG.errorf(failure, "unexpected error %s", reference);
        return new ApiException(
                500, "api_error", "internal_error", "an unexpected error occurred; reference " + reference, null);
    }

    private static ApiException tooLarge() {
        return new ApiException(
                413,
                "invalid_request_error",
                "request_too_large",
                "the report is larger than " + MAX_BYTES + " bytes (50 MiB); upload the batches one by one",
                null);
    }

    private static void answer(RoutingContext ctx, int status, String body, boolean close) {
        HttpServerResponse response = ctx.response();
        if (response.ended()) {
            return;
        }
        response.setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "application/json");
        if (close) {
            response.putHeader(HttpHeaders.CONNECTION, "close");
            response.endHandler(v -> ctx.request().connection().close());
        }
        response.end(body);
    }

    private static Instant optionalInstant(String field, String text) {
        return text == null || text.isBlank() ? null : ReconciliationResource.instant(field, text);
    }
}
