package dev.refract.http;

import dev.refract.refund.RefundError;
import dev.refract.store.DatabaseDown;
import jakarta.ws.rs.WebApplicationException;
import java.util.UUID;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.RestResponse;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** The one place where failures become the API's error body. */
public class ApiExceptionMappers {

    private static final Logger LOG = Logger.getLogger(ApiExceptionMappers.class);

    /** A refusal of the core: its status and type from {@link ErrorStatus}, the one table of codes. */
    @ServerExceptionMapper
    public RestResponse<ErrorBody> refundError(RefundError e) {
        ErrorStatus answer = ErrorStatus.of(e.code());
        RestResponse.ResponseBuilder<ErrorBody> response = RestResponse.ResponseBuilder.<ErrorBody>create(
                        answer.status())
                .entity(ErrorBody.of(answer.type(), e.code().wire(), e.getMessage(), e.param()));
        if (answer.status() == 503) {
            // a PSP that must be asked first could not be: the caller retries, as with a database outage
            response.header("Retry-After", "30");
        }
        return response.build();
    }

    @ServerExceptionMapper
    public RestResponse<ErrorBody> apiError(ApiException e) {
        RestResponse.ResponseBuilder<ErrorBody> response = RestResponse.ResponseBuilder.<ErrorBody>create(e.status())
                .entity(ErrorBody.of(e.type(), e.code(), e.getMessage(), e.param()));
        if (e.retryAfterSeconds() > 0) {
            response.header("Retry-After", Long.toString(e.retryAfterSeconds()));
        }
        if (e.status() == 401) {
            // RFC 9110 §11.6.1 / §15.5.2: a 401 names the scheme it expects (RFC 6750 for bearer tokens)
            response.header("WWW-Authenticate", "Bearer realm=\"refract\"");
        }
        return response.build();
    }

    /** Unknown paths, wrong methods and media types get the error shape too, not an HTML page. */
    @ServerExceptionMapper
    public RestResponse<ErrorBody> webError(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        if (status >= 500) {
            return unexpected(e);
        }
        String code = switch (status) {
            case 404 -> "resource_not_found";
            case 405 -> "method_not_allowed";
            case 406 -> "not_acceptable";
            case 413 -> "request_too_large";
            case 415 -> "unsupported_media_type";
            default -> "invalid_request";
        };
        return respond(status, ErrorBody.of("invalid_request_error", code, e.getMessage(), null));
    }

    /** A response with any status code (the JAX-RS status enum lacks some, 422 among them). */
    static <T> RestResponse<T> respond(int status, T entity) {
        return RestResponse.ResponseBuilder.<T>create(status).entity(entity).build();
    }

    /** Anything else is our fault: logged with a correlation id that the answer carries, no class or trace. */
    @ServerExceptionMapper
    public RestResponse<ErrorBody> unexpected(Throwable e) {
        DatabaseDown.Refusal refusal = DatabaseDown.refusal(e);
        if (refusal != null) {
            LOG.warnf(
                    "database %s: %s", refusal == DatabaseDown.Refusal.UNAVAILABLE ? "unavailable" : "rolled back", e);
            String message = refusal == DatabaseDown.Refusal.UNAVAILABLE
                    ? "Refract's database cannot take this request now; nothing was done, retry later"
                    : "Refract's database rolled this request back; nothing was done, retry";
            return RestResponse.ResponseBuilder.<ErrorBody>create(503)
                    .entity(ErrorBody.of("api_error", "service_unavailable", message, null))
                    .header("Retry-After", Integer.toString(refusal.retryAfterSeconds()))
                    .build();
        }
        String id = UUID.randomUUID().toString();
        LOG.errorf(e, "unexpected error %s", id);
        return respond(
                500,
                ErrorBody.of("api_error", "internal_error", "an unexpected error occurred; reference " + id, null));
    }
}
