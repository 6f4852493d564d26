"""Refract's merchant API for Python 3.9+, standard library only.

    client = refract.Client(api_key="rk_…", base_url="https://refract.example.com")
    response = await client.refund({"merchant_refund_id": "refund_001", "connector_transaction_id": "pi_3Oxxx",
                                    "amount": {"minor_amount": 500, "currency": "USD"}})
"""

from ._client import Client, RefundResponse
from ._errors import (
    AmountExceedsRefundableError,
    ApiError,
    AuthenticationError,
    CurrencyMismatchError,
    IdempotencyConflictError,
    InvalidRequestError,
    NetworkError,
    NotCancellableError,
    PermissionDeniedError,
    RateLimitedError,
    RefractError,
    RefundNotFoundError,
    ServiceUnavailableError,
    SignatureVerificationError,
    TransactionNotFoundError,
)
from ._notifications import DEFAULT_TOLERANCE, verify_notification
from ._transport import RetryPolicy
from ._types import ErrorDetail, Money, Refund, RefundFailure, RefundPage, RefundRequest, RefundStatus

__version__ = "0.1.0"
__all__ = [
    "AmountExceedsRefundableError",
    "ApiError",
    "AuthenticationError",
    "Client",
    "CurrencyMismatchError",
    "DEFAULT_TOLERANCE",
    "ErrorDetail",
    "IdempotencyConflictError",
    "InvalidRequestError",
    "Money",
    "NetworkError",
    "NotCancellableError",
    "PermissionDeniedError",
    "RateLimitedError",
    "RefractError",
    "Refund",
    "RefundFailure",
    "RefundNotFoundError",
    "RefundPage",
    "RefundRequest",
    "RefundResponse",
    "RefundStatus",
    "RetryPolicy",
    "ServiceUnavailableError",
    "SignatureVerificationError",
    "TransactionNotFoundError",
    "verify_notification",
]
