export { RefractClient } from "./client.js";
export type { ClientOptions } from "./client.js";
export type { RetryOptions, Logger } from "./transport.js";
export { verifyNotification, DEFAULT_TOLERANCE_SECONDS } from "./notifications.js";
export {
  RefractError,
  InvalidRequestError,
  AuthenticationError,
  PermissionDeniedError,
  TransactionNotFoundError,
  RefundNotFoundError,
  IdempotencyConflictError,
  NotCancellableError,
  AmountExceedsRefundableError,
  CurrencyMismatchError,
  RateLimitedError,
  ServiceUnavailableError,
  ApiError,
  NetworkError,
  SignatureVerificationError,
} from "./errors.js";
export type * from "./types.js";
