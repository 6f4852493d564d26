"""Sends one call of the API, again where the RetryPolicy allows, always with the same body bytes."""

import asyncio
import email.utils
import http.client
import json
import logging
import random
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any, Mapping, Optional

from ._errors import NetworkError

log = logging.getLogger("refract")
VERSION = "0.1.0"


@dataclass(frozen=True)
class RetryPolicy:
    """When a call is sent again: after a network error (no answer), a 5xx or a 429, at most ``max_retries``
    times, never after any other 4xx. The n-th retry waits a random time between half and all of
    ``initial_backoff × 2**(n-1)`` seconds, capped at ``max_backoff``, and never less than the answer's
    ``Retry-After``; an answer asking to wait longer than ``max_retry_after`` is raised, with its ``retry_after``.
    """

    max_retries: int = 3
    initial_backoff: float = 0.5
    max_backoff: float = 8.0
    max_retry_after: float = 60.0

    def __post_init__(self):
        if not isinstance(self.max_retries, int) or not 0 <= self.max_retries <= 10:
            raise ValueError(f"max_retries must be 0 to 10, not {self.max_retries!r}")
        if self.initial_backoff < 0 or self.max_backoff < self.initial_backoff or self.max_retry_after < 0:
            raise ValueError("backoffs must satisfy 0 <= initial_backoff <= max_backoff")

    def delay(self, retry: int, retry_after: Optional[float]) -> float:
        """The wait in seconds before retry number ``retry`` (1 for the first)."""
        cap = min(self.initial_backoff * 2 ** min(retry - 1, 20), self.max_backoff)
        backoff = cap / 2 + random.uniform(0, cap / 2)
        return retry_after if retry_after is not None and retry_after > backoff else backoff


def retryable(status: int) -> bool:
    """True for the answers a retry may change: 429 and every 5xx."""
    return status == 429 or status >= 500


def retry_after_seconds(value: Optional[str]) -> Optional[float]:
    """``Retry-After`` as delta-seconds or an HTTP date; absent or unreadable: None."""
    if value is None:
        return None
    value = value.strip()
    if re.fullmatch(r"\d{1,9}", value):
        return float(value)
    try:
        at = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, at.timestamp() - time.time())


@dataclass(frozen=True)
class Answer:
    """A final answer: a 2xx, a 4xx, or what was left when the retries ran out."""

    status: int
    headers: Mapping[str, str]
    body: Any
    attempts: int

    @property
    def request_id(self) -> Optional[str]:
        return self.headers.get("X-Request-Id")


class _Secret:
    """Holds the API key so that no repr, log line or traceback's locals can show it."""

    __slots__ = ("_value",)

    def __init__(self, value: str):
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "<redacted>"

    __str__ = __repr__

    def __reduce__(self):
        raise TypeError("the API key is not pickled")


class Transport:
    def __init__(self, base_url: str, api_key: str, retries: RetryPolicy, timeout: float):
        self.base_url = base_url
        self._key = _Secret(api_key)
        self.retries = retries
        self.timeout = timeout

    async def send(self, method: str, path: str, body: Optional[bytes] = None) -> Answer:
        url = urllib.parse.urljoin(self.base_url, path)
        where = urllib.parse.urlsplit(url).path
        attempt = 0
        while True:
            attempt += 1
            try:
                status, headers, raw = await asyncio.to_thread(self._send_once, method, url, body)
            except (urllib.error.URLError, http.client.HTTPException, OSError) as e:
                why = _describe(e)
                if attempt > self.retries.max_retries:
                    plural = "" if attempt == 1 else "s"
                    # from None: the chained error's frames (urllib's) hold the request headers in their locals,
                    # which error reporters record; its type and reason are in the message
                    raise NetworkError(
                        f"{method} {where} got no answer after {attempt} attempt{plural}: {why}", attempts=attempt
                    ) from None
                await self._pause(method, where, attempt, self.retries.delay(attempt, None), f"no answer ({why})")
                continue
            if retryable(status) and attempt <= self.retries.max_retries:
                after = retry_after_seconds(headers.get("Retry-After"))
                if after is None or after <= self.retries.max_retry_after:
                    await self._pause(method, where, attempt, self.retries.delay(attempt, after), f"HTTP {status}")
                    continue
            return Answer(status, headers, _parse(raw), attempt)

    def _send_once(self, method: str, url: str, body: Optional[bytes]):
        request = urllib.request.Request(url, data=body, method=method)
        request.add_header("Accept", "application/json")
        request.add_header("Content-Type", "application/json")
        request.add_header("User-Agent", f"refract-python/{VERSION}")
        # added last and held by no local variable, so that a traceback's locals cannot show it
        request.add_header("Authorization", "Bearer " + self._key.reveal())
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return response.status, _headers(response.headers), response.read()
        except urllib.error.HTTPError as e:  # a 4xx or 5xx is an answer, not a failure to get one
            with e:
                return e.code, _headers(e.headers), e.read()

    async def _pause(self, method: str, where: str, attempt: int, seconds: float, why: str) -> None:
        log.debug(
            "%s %s: %s; retry %d of %d in %d ms", method, where, why, attempt, self.retries.max_retries, seconds * 1000
        )
        await asyncio.sleep(seconds)

    def __repr__(self) -> str:
        return f"Transport(base_url={self.base_url!r}, retries={self.retries!r})"


class _Headers(dict):
    """Response headers, looked up without regard to case."""

    def get(self, key, default=None):
        return super().get(key.lower(), default)


def _headers(message) -> _Headers:
    return _Headers((k.lower(), v) for k, v in message.items()) if message is not None else _Headers()


def _parse(raw: bytes) -> Any:
    if not raw:
        return None
    try:
        return json.loads(raw)
    except ValueError:
        return None  # a proxy's HTML page: described by its status alone


def _describe(e: BaseException) -> str:
    reason = getattr(e, "reason", None)
    return f"{type(e).__name__}: {reason if reason is not None else e}"
