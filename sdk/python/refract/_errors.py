"""An answer of the API that is not the refund asked for: one class per ``error.code``.

Each carries the code, the field at fault (``param``), the HTTP status, the request id to quote to support and how
many sends were made. None ever holds the API key. A refund the PSP declined is not an error: ``refund()`` answers
it, FAILED, as the API does.
"""

from typing import Optional


class RefractError(Exception):
    def __init__(
        self,
        message: str,
        *,
        http_status: int = 0,
        code: Optional[str] = None,
        type: Optional[str] = None,
        param: Optional[str] = None,
        request_id: Optional[str] = None,
        retry_after: Optional[float] = None,
        attempts: int = 1,
    ):
        self.message = message
        #: the HTTP status; 0 for a NetworkError
        self.http_status = http_status
        #: ``error.code``: ``idempotency_conflict``, ``amount_exceeds_refundable``, …
        self.code = code
        #: ``error.type``: ``invalid_request_error``, ``idempotency_error``, …
        self.type = type
        #: ``error.param``: the request field at fault (``amount``, ``amount.currency``)
        self.param = param
        #: the answer's ``X-Request-Id``
        self.request_id = request_id
        #: the answer's ``Retry-After`` in seconds, when it asked to wait (429, 503) longer than the client would
        self.retry_after = retry_after
        #: how many times the request was sent
        self.attempts = attempts
        super().__init__(self._describe())

    def _describe(self) -> str:
        return (
            (f"HTTP {self.http_status} " if self.http_status else "")
            + (f"{self.code}: " if self.code else "")
            + self.message
            + (f" (param {self.param})" if self.param else "")
            + (f" [request {self.request_id}]" if self.request_id else "")
        )


class InvalidRequestError(RefractError):
    """400 (invalid_request, invalid_currency, invalid_amount, connector_required, …): fix the field ``param``."""


class AuthenticationError(RefractError):
    """401 authentication_required: no key, or an unknown, revoked or expired one."""


class PermissionDeniedError(RefractError):
    """403 permission_denied: a read-only key asked to change something."""


class TransactionNotFoundError(RefractError):
    """404 transaction_not_found: the PSP does not know the connector_transaction_id."""


class RefundNotFoundError(RefractError):
    """404 refund_not_found: no refund of this merchant has that merchant_refund_id."""


class IdempotencyConflictError(RefractError):
    """409 idempotency_conflict: the merchant_refund_id was used with other parameters."""


class NotCancellableError(RefractError):
    """409 not_cancellable: the PSP cannot cancel this refund (any more)."""


class AmountExceedsRefundableError(RefractError):
    """422 amount_exceeds_refundable: more than captured − refunded − in flight; param ``amount``."""


class CurrencyMismatchError(RefractError):
    """422 currency_mismatch: not the payment's currency."""


class RateLimitedError(RefractError):
    """429 rate_limited, still after the retries (or asking to wait longer than allowed)."""


class ServiceUnavailableError(RefractError):
    """503 service_unavailable or connector_unavailable, still after the retries."""


class ApiError(RefractError):
    """Any other answer: a 5xx after the retries, a code this version does not know, a body that is not JSON."""


class NetworkError(RefractError):
    """No answer at all (refused, reset, timed out) after the retries. For a create, the refund may exist."""


class SignatureVerificationError(Exception):
    """A notification that must not be believed. Its message holds no secret and no signature."""


_BY_CODE = {
    "invalid_request": InvalidRequestError,
    "invalid_currency": InvalidRequestError,
    "invalid_amount": InvalidRequestError,
    "connector_required": InvalidRequestError,
    "connector_not_enabled": InvalidRequestError,
    "authentication_required": AuthenticationError,
    "permission_denied": PermissionDeniedError,
    "transaction_not_found": TransactionNotFoundError,
    "refund_not_found": RefundNotFoundError,
    "idempotency_conflict": IdempotencyConflictError,
    "not_cancellable": NotCancellableError,
    "amount_exceeds_refundable": AmountExceedsRefundableError,
    "currency_mismatch": CurrencyMismatchError,
    "rate_limited": RateLimitedError,
    "service_unavailable": ServiceUnavailableError,
    "connector_unavailable": ServiceUnavailableError,
}
_BY_STATUS = {
    400: InvalidRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    429: RateLimitedError,
    503: ServiceUnavailableError,
}


def error_for(message: str, *, http_status: int, code: Optional[str], **details) -> RefractError:
    """The error for an error answer: by ``error.code``, else by HTTP status."""
    kind = _BY_CODE.get(code or "") or _BY_STATUS.get(http_status) or ApiError
    return kind(message, http_status=http_status, code=code, **details)
