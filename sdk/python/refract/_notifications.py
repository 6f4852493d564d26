"""Checks a merchant notification before it is believed."""

import hashlib
import hmac
import json
import re
import time
from typing import Optional, Sequence, Union

from ._errors import SignatureVerificationError

#: Stripe's tolerance, and a sensible one: five minutes either way.
DEFAULT_TOLERANCE = 300


def verify_notification(
    body: Union[bytes, str],
    header: Optional[str],
    secrets: Sequence[str],
    tolerance: float = DEFAULT_TOLERANCE,
    now: Optional[float] = None,
) -> dict:
    """Verifies ``Refract-Signature: t=<unix>,v1=<hex>[,v1=<hex>…]`` over the raw body (the bytes received, before
    any JSON parsing) with any of ``secrets``, and refuses a timestamp further than ``tolerance`` seconds from
    ``now``. While a secret is being rolled, Refract signs with each secret still valid (several v1) and the
    receiver may hold several: any v1 matching any secret is enough. Every comparison takes the same time whatever
    the bytes (``hmac.compare_digest``). Returns the parsed notification; raises SignatureVerificationError.
    """
    if isinstance(secrets, str) or not secrets or any(not isinstance(s, str) or not s for s in secrets):
        raise ValueError("a list of at least one webhook secret is required, and none may be empty")
    if not isinstance(header, str) or not header.strip():
        raise SignatureVerificationError("no Refract-Signature header")
    timestamp = None
    signatures = []
    for part in header.split(","):
        key, eq, value = part.partition("=")
        if not eq:
            raise SignatureVerificationError("Refract-Signature is not t=…,v1=…")
        key, value = key.strip(), value.strip()
        if key == "t":
            if timestamp is not None or not re.fullmatch(r"\d{1,12}", value):
                raise SignatureVerificationError("Refract-Signature has no single numeric t")
            timestamp = int(value)
        elif key == "v1" and re.fullmatch(r"[0-9a-fA-F]{64}", value):
            signatures.append(bytes.fromhex(value))
        # other schemes (v0, a future v2) are not ours to check
    if timestamp is None or not signatures:
        raise SignatureVerificationError("Refract-Signature has no t or no v1 signature")
    age = int(time.time() if now is None else now) - timestamp
    if abs(age) > tolerance:
        raise SignatureVerificationError(
            f"the notification was signed {age} s from now, outside the tolerance of {tolerance:g} s"
        )
    raw = body.encode("utf-8") if isinstance(body, str) else bytes(body)
    signed = str(timestamp).encode("ascii") + b"." + raw
    matched = False
    for secret in secrets:
        expected = hmac.new(secret.encode("utf-8"), signed, hashlib.sha256).digest()
        for candidate in signatures:
            # no early exit: the time taken does not depend on which secret or signature matched
            matched = hmac.compare_digest(expected, candidate) or matched
    if not matched:
        raise SignatureVerificationError(f"no v1 signature matches any of the {len(secrets)} secret(s)")
    try:
        return json.loads(raw)
    except ValueError:
        raise SignatureVerificationError("the signed body is not a notification") from None
