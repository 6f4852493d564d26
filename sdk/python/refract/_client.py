"""Refract's merchant API in Prism's shape: ``Client(api_key=…, base_url=…)``, ``await client.refund({...})``."""

import json
import urllib.parse
from datetime import datetime
from typing import AsyncIterator, Iterable, Optional, Union

from ._errors import NotCancellableError, RefractError, error_for
from ._transport import Answer, RetryPolicy, Transport
from ._types import Refund, RefundPage, RefundRequest, RefundStatus

_REFUNDS = "v1/refunds"


class RefundResponse(dict):
    """The refund a create answered, as the API's JSON (``response["status"]``), and about the answer:

    - ``idempotent_replayed``: ``Idempotent-Replayed: true``, the stored refund of an earlier send with the same
      merchant_refund_id (also when the client retried after a lost answer: the first send made it);
    - ``http_status``: 200, or 402, 404, 422 for a refund the PSP refused (FAILED, with ``error``);
    - ``request_id``: the answer's ``X-Request-Id``.
    """

    def __init__(self, refund: dict, *, idempotent_replayed: bool, http_status: int, request_id: Optional[str]):
        super().__init__(refund)
        self.idempotent_replayed = idempotent_replayed
        self.http_status = http_status
        self.request_id = request_id


class Client:
    """``Client(api_key="rk_…", base_url="https://refract.example.com")``; every method is a coroutine that sends
    with ``urllib`` on a worker thread (``asyncio.to_thread``), retried as ``retries`` says, and otherwise raises a
    ``RefractError``. One client may serve many tasks at once."""

    def __init__(
        self,
        api_key: str,
        base_url: str,
        *,
        retries: RetryPolicy = RetryPolicy(),
        timeout: float = 30.0,
    ):
        if not isinstance(api_key, str) or not api_key or not all(33 <= ord(c) < 127 for c in api_key):
            raise ValueError("api_key is required: the merchant's API key, printable ASCII")
        parts = urllib.parse.urlsplit(base_url or "")
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError("base_url must be an absolute http(s) URL")
        self.base_url = base_url if base_url.endswith("/") else base_url + "/"
        self._transport = Transport(self.base_url, api_key, retries, timeout)

    async def refund(self, request: RefundRequest) -> RefundResponse:
        """Creates a refund, or answers the one this merchant_refund_id already made. Sent again on a network
        error, a 5xx or a 429 with the same body, so a retry can never make a second refund. A refund the PSP
        declined is answered, not raised: FAILED, with ``error`` and ``http_status`` 402, 404 or 422."""
        if not isinstance(request, dict) or not request.get("merchant_refund_id"):
            # without it a retry could not be told from a second refund
            raise ValueError("merchant_refund_id is required: it makes the create idempotent")
        body = json.dumps(request, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
        answer = await self._transport.send("POST", _REFUNDS, body)
        is_refund = isinstance(answer.body, dict) and isinstance(answer.body.get("merchant_refund_id"), str)
        if 200 <= answer.status < 300 or (is_refund and answer.status < 500):
            return RefundResponse(
                answer.body,
                idempotent_replayed=(answer.headers.get("Idempotent-Replayed") or "").lower() == "true",
                http_status=answer.status,
                request_id=answer.request_id,
            )
        raise _error(answer)

    async def get(self, merchant_refund_id: str) -> Refund:
        """The refund as it is now; RefundNotFoundError when this merchant has none with that id."""
        return await self._refund_at("GET", _path(merchant_refund_id))

    async def sync(self, merchant_refund_id: str) -> Refund:
        """Asks the PSP for the refund's status now and answers the refund as updated."""
        return await self._refund_at("POST", _path(merchant_refund_id) + "/sync")

    async def cancel(self, merchant_refund_id: str) -> Refund:
        """Cancels a refund still in flight where its PSP can: answered FAILED with error code refund_cancelled.
        If an earlier send was cancelled but its answer lost, the retry's not_cancellable is checked against the
        refund and the cancelled refund answered."""
        try:
            return await self._refund_at("POST", _path(merchant_refund_id) + "/cancel")
        except NotCancellableError as e:
            if e.attempts > 1:
                now = await self.get(merchant_refund_id)
                if now.get("status") == "FAILED" and (now.get("error") or {}).get("code") == "refund_cancelled":
                    return now
            raise

    async def list(
        self,
        *,
        status: Iterable[RefundStatus] = (),
        connector: Optional[str] = None,
        connector_transaction_id: Optional[str] = None,
        created_from: Union[str, datetime, None] = None,
        created_to: Union[str, datetime, None] = None,
        limit: Optional[int] = None,
    ) -> AsyncIterator[Refund]:
        """The refunds matching the filters, newest first, fetched a page (``limit``, 1 to 100) at a time as the
        iteration goes, following ``next_cursor``: ``async for refund in client.list(status=["SUCCEEDED"])``."""
        cursor = None
        while True:
            page = await self.list_page(
                cursor,
                status=status,
                connector=connector,
                connector_transaction_id=connector_transaction_id,
                created_from=created_from,
                created_to=created_to,
                limit=limit,
            )
            for refund in page.get("data") or []:
                yield refund
            cursor = page.get("next_cursor") if page.get("has_more") else None
            if not cursor:
                return

    async def list_page(self, cursor: Optional[str] = None, **filters) -> RefundPage:
        """One page of refunds after ``cursor`` (None: the first), with the filters of ``list``."""
        query = [("status", s) for s in filters.pop("status", ()) or ()]
        for name in ("connector", "connector_transaction_id", "created_from", "created_to", "limit"):
            value = filters.pop(name, None)
            if value is not None:
                query.append((name, value.isoformat() if isinstance(value, datetime) else str(value)))
        if filters:
            raise TypeError(f"unknown filters: {', '.join(sorted(filters))}")
        if cursor is not None:
            query.append(("cursor", cursor))
        path = _REFUNDS + ("?" + urllib.parse.urlencode(query) if query else "")
        answer = await self._transport.send("GET", path)
        if answer.status == 200 and isinstance(answer.body, dict):
            return answer.body
        raise _error(answer)

    async def _refund_at(self, method: str, path: str) -> Refund:
        answer = await self._transport.send(method, path)
        if 200 <= answer.status < 300 and isinstance(answer.body, dict):
            return answer.body
        raise _error(answer)

    def __repr__(self) -> str:
        return f"Client(base_url={self.base_url!r})"


def _path(merchant_refund_id: str) -> str:
    if not isinstance(merchant_refund_id, str) or not merchant_refund_id:
        raise ValueError("merchant_refund_id is required")
    return _REFUNDS + "/" + urllib.parse.quote(merchant_refund_id, safe="")


def _error(answer: Answer) -> RefractError:
    """The typed error for an error answer ``{"error": {type, code, message, param}}``."""
    body = answer.body if isinstance(answer.body, dict) else {}
    e = body.get("error") if isinstance(body.get("error"), dict) else {}
    text = lambda v: v if isinstance(v, str) else None  # noqa: E731
    after = answer.headers.get("Retry-After")
    return error_for(
        text(e.get("message"))
        or f"the service answered HTTP {answer.status}" + (" without a JSON body" if answer.body is None else ""),
        http_status=answer.status,
        code=text(e.get("code")),
        type=text(e.get("type")),
        param=text(e.get("param")),
        request_id=answer.request_id,
        retry_after=float(after) if after and after.strip().isdigit() else None,
        attempts=answer.attempts,
    )
