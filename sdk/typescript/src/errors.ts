/**
 * An answer of the API that is not the refund asked for: one class per `error.code`, each carrying the code, the
 * field at fault (`param`), the HTTP status, the request id to quote to support and how many sends were made.
 * None ever holds the API key. A refund the PSP declined is not an error: `refund()` answers it, FAILED.
 */
export class RefractError extends Error {
  /** The HTTP status; 0 for a NetworkError. */
  readonly httpStatus: number;
  /** `error.code`: `idempotency_conflict`, `amount_exceeds_refundable`, … */
  readonly code: string | null;
  /** `error.type`: `invalid_request_error`, `idempotency_error`, … */
  readonly type: string | null;
  /** `error.param`: the request field at fault (`amount`, `amount.currency`). */
  readonly param: string | null;
  /** The answer's `X-Request-Id`. */
  readonly requestId: string | null;
  /** The answer's `Retry-After` in seconds, when it asked to wait (429, 503) longer than the client would. */
  readonly retryAfterSeconds: number | null;
  /** How many times the request was sent. */
  readonly attempts: number;

  constructor(problem: Problem, options?: { cause?: unknown }) {
    super(describe(problem), options);
    this.name = new.target.name;
    this.httpStatus = problem.httpStatus;
    this.code = problem.code;
    this.type = problem.type;
    this.param = problem.param;
    this.requestId = problem.requestId;
    this.retryAfterSeconds = problem.retryAfterSeconds;
    this.attempts = problem.attempts;
  }
}

/** 400 (invalid_request, invalid_currency, invalid_amount, connector_required, …): fix the field `param`. */
export class InvalidRequestError extends RefractError {}
/** 401 authentication_required: no key, or an unknown, revoked or expired one. */
export class AuthenticationError extends RefractError {}
/** 403 permission_denied: a read-only key asked to change something. */
export class PermissionDeniedError extends RefractError {}
/** 404 transaction_not_found: the PSP does not know the connector_transaction_id. */
export class TransactionNotFoundError extends RefractError {}
/** 404 refund_not_found: no refund of this merchant has that merchant_refund_id. */
export class RefundNotFoundError extends RefractError {}
/** 409 idempotency_conflict: the merchant_refund_id was used with other parameters. */
export class IdempotencyConflictError extends RefractError {}
/** 409 not_cancellable: the PSP cannot cancel this refund (any more). */
export class NotCancellableError extends RefractError {}
/** 422 amount_exceeds_refundable: more than captured − refunded − in flight; param `amount`. */
export class AmountExceedsRefundableError extends RefractError {}
/** 422 currency_mismatch: not the payment's currency. */
export class CurrencyMismatchError extends RefractError {}
/** 429 rate_limited, still after the retries (or asking to wait longer than allowed). */
export class RateLimitedError extends RefractError {}
/** 503 service_unavailable or connector_unavailable, still after the retries. */
export class ServiceUnavailableError extends RefractError {}
/** Any other answer: a 5xx after the retries, a code this version does not know, a body that is not JSON. */
export class ApiError extends RefractError {}
/** No answer at all (refused, reset, timed out) after the retries. For a create, the refund may exist. */
export class NetworkError extends RefractError {}

/** A notification that must not be believed. Its message holds no secret and no signature. */
export class SignatureVerificationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SignatureVerificationError";
  }
}

export interface Problem {
  httpStatus: number;
  code: string | null;
  type: string | null;
  message: string;
  param: string | null;
  requestId: string | null;
  retryAfterSeconds: number | null;
  attempts: number;
}

const BY_CODE: Record<string, new (p: Problem) => RefractError> = {
  invalid_request: InvalidRequestError,
  invalid_currency: InvalidRequestError,
  invalid_amount: InvalidRequestError,
  connector_required: InvalidRequestError,
  connector_not_enabled: InvalidRequestError,
  authentication_required: AuthenticationError,
  permission_denied: PermissionDeniedError,
  transaction_not_found: TransactionNotFoundError,
  refund_not_found: RefundNotFoundError,
  idempotency_conflict: IdempotencyConflictError,
  not_cancellable: NotCancellableError,
  amount_exceeds_refundable: AmountExceedsRefundableError,
  currency_mismatch: CurrencyMismatchError,
  rate_limited: RateLimitedError,
  service_unavailable: ServiceUnavailableError,
  connector_unavailable: ServiceUnavailableError,
};

const BY_STATUS: Record<number, new (p: Problem) => RefractError> = {
  400: InvalidRequestError,
  401: AuthenticationError,
  403: PermissionDeniedError,
  429: RateLimitedError,
  503: ServiceUnavailableError,
};

/** The error for an error answer: by `error.code`, else by HTTP status. */
export function errorFor(problem: Problem): RefractError {
  const type = (problem.code !== null && Object.hasOwn(BY_CODE, problem.code) ? BY_CODE[problem.code] : undefined)
    ?? BY_STATUS[problem.httpStatus] ?? ApiError;
  return new type(problem);
}

function describe(p: Problem): string {
  return (p.httpStatus ? `HTTP ${p.httpStatus} ` : "") + (p.code ? `${p.code}: ` : "") + p.message
    + (p.param ? ` (param ${p.param})` : "") + (p.requestId ? ` [request ${p.requestId}]` : "");
}
