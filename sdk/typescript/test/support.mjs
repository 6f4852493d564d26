// The packaged service the suite runs against (sdk/test-against-service.sh starts it), a proxy that spoils its
// answers, and a merchant's notification endpoint.
import assert from "node:assert/strict";
import http from "node:http";
import { randomUUID } from "node:crypto";
import { RefractClient } from "../dist/index.js";

export const BASE_URL = process.env.REFRACT_BASE_URL;
const ADMIN_TOKEN = process.env.REFRACT_ADMIN_TOKEN;

/** false when the service is there; else the reason to skip, unless REFRACT_SDK_REQUIRE_SERVICE=1 (CI). */
export function serviceMissing() {
  if (BASE_URL && ADMIN_TOKEN) return false;
  if (process.env.REFRACT_SDK_REQUIRE_SERVICE === "1") {
    throw new Error("REFRACT_BASE_URL and REFRACT_ADMIN_TOKEN are required (sdk/test-against-service.sh sets them)");
  }
  return "no service: run sdk/test-against-service.sh";
}

export const unique = (prefix) => `${prefix}_${randomUUID().replaceAll("-", "").slice(0, 16)}`;

async function admin(method, path, body, expected) {
  const response = await fetch(new URL(path, BASE_URL), {
    method,
    headers: { Authorization: `Bearer ${ADMIN_TOKEN}`, "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  if (response.status !== expected) throw new Error(`${method} ${path}: ${response.status} ${text}`);
  return JSON.parse(text);
}

/** A merchant of this run with its API key, created through the admin API. */
export async function newMerchant() {
  const id = unique("m_ts").slice(0, 20);
  const created = await admin("POST", "/admin/v1/merchants", { merchant_id: id, name: "TypeScript SDK" }, 201);
  return { id, apiKey: created.api_key };
}

export function setWebhook(merchantId, url, secret) {
  return admin("PUT", `/admin/v1/merchants/${merchantId}`, { webhook_url: url, webhook_secret: secret }, 200);
}

export function client(apiKey, options = {}) {
  return new RefractClient({ apiKey, baseUrl: BASE_URL, timeoutMs: 20000, ...options });
}

export function request(id, payment, minor, extra = {}) {
  return {
    merchant_refund_id: id,
    connector_transaction_id: payment,
    amount: { minor_amount: minor, currency: "USD" },
    reason: "Customer returned item",
    ...extra,
  };
}

function listen(server) {
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server.address().port)));
}

async function readBody(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/**
 * A proxy in front of the service that spoils the next answers as told: "drop" forwards the request, then closes
 * the connection without answering (the service acted, the client never learns it); "503" and "429" answer
 * themselves with a Retry-After. It records every request it was sent.
 */
export async function faultyProxy() {
  const faults = [];
  const seen = [];
  let retryAfter = "1";
  const server = http.createServer(async (req, res) => {
    const body = await readBody(req);
    seen.push({ method: req.method, path: req.url, body: body.toString("utf8"), at: performance.now() });
    const fault = faults.shift();
    if (fault === "503" || fault === "429") {
      const code = fault === "503" ? "service_unavailable" : "rate_limited";
      res.writeHead(Number(fault), { "Content-Type": "application/json", "Retry-After": retryAfter });
      res.end(JSON.stringify({ error: { type: "api_error", code, message: "spoilt by the test's proxy" } }));
      return;
    }
    const headers = {};
    for (const h of ["authorization", "content-type", "accept"]) if (req.headers[h]) headers[h] = req.headers[h];
    const answer = await fetch(new URL(req.url, BASE_URL), {
      method: req.method,
      headers,
      body: req.method === "GET" ? undefined : body,
    });
    const answerBody = Buffer.from(await answer.arrayBuffer());
    if (fault === "drop") {
      req.socket.destroy();
      return;
    }
    const out = {};
    for (const h of ["content-type", "x-request-id", "idempotent-replayed", "retry-after"]) {
      const v = answer.headers.get(h);
      if (v !== null) out[h] = v;
    }
    res.writeHead(answer.status, out);
    res.end(answerBody);
  });
  const port = await listen(server);
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    failNext(...next) { faults.push(...next); return this; },
    retryAfter(value) { retryAfter = value; return this; },
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(resolve); }),
  };
}

/** A merchant's notification endpoint: keeps each delivery's raw body and Refract-Signature, answers 200. */
export async function receiver() {
  const deliveries = [];
  const waiting = [];
  const server = http.createServer(async (req, res) => {
    const delivery = { body: await readBody(req), signature: req.headers["refract-signature"] };
    res.writeHead(200).end();
    const w = waiting.shift();
    if (w) w(delivery); else deliveries.push(delivery);
  });
  const port = await listen(server);
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    /** The next delivery, or null after timeoutMs. */
    next(timeoutMs) {
      if (deliveries.length) return Promise.resolve(deliveries.shift());
      return new Promise((resolve) => {
        const timer = setTimeout(() => { waiting.splice(waiting.indexOf(done), 1); resolve(null); }, timeoutMs);
        const done = (d) => { clearTimeout(timer); resolve(d); };
        waiting.push(done);
      });
    },
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(resolve); }),
  };
}

/** The rejection of `promise`, checked to be an instance of `type`. */
export async function rejection(promise, type) {
  try {
    await promise;
  } catch (e) {
    assert.ok(e instanceof type, `expected ${type.name}, got ${e}`);
    return e;
  }
  assert.fail(`expected ${type.name}, got an answer`);
}
