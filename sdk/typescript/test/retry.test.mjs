// Retries through a proxy that spoils answers, against the real service: a retried create reuses its
// merchant_refund_id and one refund results; Retry-After is waited for; other 4xx are never retried; retries end.
import { after, afterEach, before, beforeEach, describe, it } from "node:test";
import assert from "node:assert/strict";
import net from "node:net";
import { inspect } from "node:util";
import {
  AmountExceedsRefundableError, NetworkError, RateLimitedError, RefundNotFoundError, ServiceUnavailableError,
} from "../dist/index.js";
import { client, faultyProxy, newMerchant, rejection, request, serviceMissing, unique } from "./support.mjs";

const skip = serviceMissing();
const FAST = { maxRetries: 3, initialBackoffMs: 50, maxBackoffMs: 200, maxRetryAfterMs: 5000 };

describe("retries against the service", { skip }, () => {
  let merchant;
  let direct;
  let proxy;
  let viaProxy;
  let logLines;

  before(async () => {
    merchant = await newMerchant();
    direct = client(merchant.apiKey);
  });
  beforeEach(async () => {
    proxy = await faultyProxy();
    logLines = [];
    viaProxy = client(merchant.apiKey, { baseUrl: proxy.url, retries: FAST, logger: (l) => logLines.push(l) });
  });
  afterEach(async () => {
    await proxy.close();
    assert.ok(logLines.every((l) => !l.includes(merchant.apiKey)), "the API key is in a log line");
  });

  async function refundsOf(payment) {
    const found = [];
    for await (const r of direct.list({ connector_transaction_id: payment })) found.push(r);
    return found;
  }

  it("retries a lost answer with the same id, and one refund results", async () => {
    const id = unique("rf_ts_drop");
    const payment = unique("sbx_10000_USD");
    proxy.failNext("drop");
    const result = await viaProxy.refund(request(id, payment, 4000));
    assert.equal(proxy.seen.length, 2, "the first send's answer was lost, the second was answered");
    assert.equal(proxy.seen[1].body, proxy.seen[0].body, "the retry is the same request");
    assert.equal(JSON.parse(proxy.seen[1].body).merchant_refund_id, id);
    assert.equal(result.replayed, true, "the first send made the refund; the retry found it");
    assert.equal(result.refund.status, "SUCCEEDED");
    const refunds = await refundsOf(payment);
    assert.equal(refunds.length, 1, "one refund, not two");
    assert.equal(refunds[0].merchant_refund_id, id);
    assert.equal(refunds[0].amount.minor_amount, 4000);
    assert.ok(logLines.some((l) => l.includes("no answer")), `the retry is logged: ${logLines}`);
  });

  it("waits for a 503's Retry-After, then retries with the same id", async () => {
    const id = unique("rf_ts_503");
    const payment = unique("sbx_10000_USD");
    proxy.retryAfter("1").failNext("503");
    const result = await viaProxy.refund(request(id, payment, 1500));
    assert.equal(proxy.seen.length, 2);
    assert.equal(proxy.seen[1].body, proxy.seen[0].body);
    const waited = proxy.seen[1].at - proxy.seen[0].at;
    assert.ok(waited >= 1000, `Retry-After: 1 was honoured, retried after ${waited} ms`);
    assert.equal(result.replayed, false, "the 503 came from the proxy: the retry made the refund");
    assert.equal((await refundsOf(payment)).length, 1);
  });

  it("retries a 429", async () => {
    const id = unique("rf_ts_429");
    const payment = unique("sbx_10000_USD");
    proxy.retryAfter("0").failNext("429", "429");
    const result = await viaProxy.refund(request(id, payment, 100));
    assert.equal(proxy.seen.length, 3);
    assert.equal(result.refund.merchant_refund_id, id);
    assert.equal((await refundsOf(payment)).length, 1);
  });

  it("never retries another 4xx", async () => {
    await rejection(viaProxy.refund(request(unique("rf_ts"), unique("sbx_10000_USD"), 20000)), AmountExceedsRefundableError);
    await rejection(viaProxy.get("rf_ts_missing"), RefundNotFoundError);
    assert.equal(proxy.seen.length, 2, "one send each");
  });

  it("stops after the bounded retries and rejects with the last answer", async () => {
    const id = unique("rf_ts_down");
    proxy.retryAfter("0").failNext("503", "503", "503", "503");
    const e = await rejection(viaProxy.refund(request(id, unique("sbx_10000_USD"), 100)), ServiceUnavailableError);
    assert.equal(proxy.seen.length, 4, "one send and three retries");
    assert.equal(e.attempts, 4);
    assert.equal(e.httpStatus, 503);
    await rejection(direct.get(id), RefundNotFoundError);
  });

  it("rejects a Retry-After longer than allowed, with it", async () => {
    proxy.retryAfter("120").failNext("429");
    const e = await rejection(viaProxy.get("rf_ts_anything"), RateLimitedError);
    assert.equal(proxy.seen.length, 1);
    assert.equal(e.retryAfterSeconds, 120);
  });

  it("rejects no answer at all with a NetworkError that holds no key", async () => {
    const port = await new Promise((resolve) => {
      const s = net.createServer().listen(0, "127.0.0.1", () => { const p = s.address().port; s.close(() => resolve(p)); });
    });
    const nowhere = client(merchant.apiKey, { baseUrl: `http://127.0.0.1:${port}`, retries: FAST, logger: (l) => logLines.push(l) });
    const e = await rejection(nowhere.get("rf_ts_x"), NetworkError);
    assert.equal(e.attempts, 4);
    assert.equal(e.httpStatus, 0);
    for (const shown of [e.message, e.stack, inspect(e, { depth: 10 }), inspect(nowhere)]) {
      assert.ok(!shown.includes(merchant.apiKey), "the API key is shown");
    }
    assert.equal(logLines.length, 3, "each retry is logged");
  });
});
