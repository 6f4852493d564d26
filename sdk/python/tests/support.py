"""The packaged service the suite runs against (sdk/test-against-service.sh starts it), a proxy that spoils its
answers, and a merchant's notification endpoint."""

import json
import os
import queue
import threading
import time
import unittest
import urllib.error
import urllib.request
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import refract

BASE_URL = os.environ.get("REFRACT_BASE_URL")
ADMIN_TOKEN = os.environ.get("REFRACT_ADMIN_TOKEN")


def require_service():
    """Skips the test class without a service, unless REFRACT_SDK_REQUIRE_SERVICE=1 (CI), where it fails."""
    if BASE_URL and ADMIN_TOKEN:
        return
    if os.environ.get("REFRACT_SDK_REQUIRE_SERVICE") == "1":
        raise AssertionError("REFRACT_BASE_URL and REFRACT_ADMIN_TOKEN are required (sdk/test-against-service.sh)")
    raise unittest.SkipTest("no service: run sdk/test-against-service.sh")


def unique(prefix):
    return f"{prefix}_{uuid.uuid4().hex[:16]}"


def _admin(method, path, body, expected):
    request = urllib.request.Request(
        BASE_URL.rstrip("/") + path,
        data=json.dumps(body).encode(),
        method=method,
        headers={"Authorization": f"Bearer {ADMIN_TOKEN}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=20) as response:
        assert response.status == expected, f"{method} {path}: {response.status}"
        return json.loads(response.read())


def new_merchant():
    """A merchant of this run, (id, api_key), created through the admin API."""
    merchant_id = unique("m_py")[:20]
    created = _admin("POST", "/admin/v1/merchants", {"merchant_id": merchant_id, "name": "Python SDK"}, 201)
    return merchant_id, created["api_key"]


def set_webhook(merchant_id, url, secret):
    _admin("PUT", f"/admin/v1/merchants/{merchant_id}", {"webhook_url": url, "webhook_secret": secret}, 200)


def client(api_key, base_url=None, retries=refract.RetryPolicy()):
    return refract.Client(api_key=api_key, base_url=base_url or BASE_URL, retries=retries, timeout=20)


def request(refund_id, payment, minor, **extra):
    return {
        "merchant_refund_id": refund_id,
        "connector_transaction_id": payment,
        "amount": {"minor_amount": minor, "currency": "USD"},
        "reason": "Customer returned item",
        **extra,
    }


class _Server:
    def __init__(self, handler):
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.server.owner = self
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def port(self):
        return self.server.server_address[1]

    def close(self):
        self.server.shutdown()
        self.server.server_close()


class FaultyProxy(_Server):
    """A proxy in front of the service that spoils the next answers as told: "drop" forwards the request, then
    closes the connection without answering (the service acted, the client never learns it); "503" and "429"
    answer themselves with a Retry-After. It records every request it was sent as (method, path, body, at)."""

    def __init__(self):
        self.faults = []
        self.seen = []
        self.retry_after = "1"
        self.lock = threading.Lock()
        super().__init__(_ProxyHandler)

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def fail_next(self, *faults):
        with self.lock:
            self.faults.extend(faults)
        return self

    def next_fault(self):
        with self.lock:
            return self.faults.pop(0) if self.faults else None


class _ProxyHandler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_GET(self):
        self._handle()

    def do_POST(self):
        self._handle()

    def _handle(self):
        proxy = self.server.owner
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        proxy.seen.append((self.command, self.path, body.decode(), time.monotonic()))
        fault = proxy.next_fault()
        if fault in ("503", "429"):
            code = "service_unavailable" if fault == "503" else "rate_limited"
            error = json.dumps({"error": {"type": "api_error", "code": code, "message": "spoilt by the test's proxy"}})
            self.send_response(int(fault))
            self.send_header("Retry-After", proxy.retry_after)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(error)))
            self.end_headers()
            self.wfile.write(error.encode())
            return
        forward = urllib.request.Request(
            BASE_URL.rstrip("/") + self.path, data=body if self.command != "GET" else None, method=self.command
        )
        for h in ("Authorization", "Content-Type", "Accept"):
            if self.headers.get(h):
                forward.add_header(h, self.headers[h])
        try:
            with urllib.request.urlopen(forward, timeout=20) as answer:
                status, headers, payload = answer.status, answer.headers, answer.read()
        except urllib.error.HTTPError as e:
            status, headers, payload = e.code, e.headers, e.read()
        if fault == "drop":
            self.close_connection = True  # nothing written: the client reads no answer
            return
        self.send_response(status)
        for h in ("Content-Type", "X-Request-Id", "Idempotent-Replayed", "Retry-After"):
            if headers.get(h):
                self.send_header(h, headers[h])
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)


class Receiver(_Server):
    """A merchant's notification endpoint: keeps each delivery's raw body and Refract-Signature, answers 200."""

    def __init__(self):
        self.deliveries = queue.Queue()
        super().__init__(_ReceiverHandler)

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}/hooks"


class _ReceiverHandler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.server.owner.deliveries.put((body, self.headers.get("Refract-Signature")))
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()
