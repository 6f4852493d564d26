// Every method of the client against the packaged service on its sandbox PSP.
import { before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { inspect } from "node:util";
import {
  AmountExceedsRefundableError, AuthenticationError, IdempotencyConflictError, InvalidRequestError,
  NotCancellableError, RefractError, RefundNotFoundError, SignatureVerificationError, verifyNotification,
} from "../dist/index.js";
import { client, newMerchant, receiver, rejection, request, serviceMissing, setWebhook, unique } from "./support.mjs";

const skip = serviceMissing();

describe("RefractClient against the service", { skip }, () => {
  let refract;
  before(async () => {
    refract = client((await newMerchant()).apiKey);
  });

  it("creates a refund and answers the same one on replay", async () => {
    const id = unique("rf_ts");
    const first = await refract.refund(request(id, unique("sbx_10000_USD"), 2500));
    assert.equal(first.replayed, false);
    assert.equal(first.statusCode, 200);
    assert.match(first.requestId, /\S+/);
    assert.equal(first.refund.merchant_refund_id, id);
    assert.equal(first.refund.status, "SUCCEEDED");
    assert.deepEqual(first.refund.amount, { minor_amount: 2500, currency: "USD" });
    assert.equal(first.refund.connector, "sandbox");

    const again = await refract.refund(request(id, first.refund.connector_transaction_id, 2500));
    assert.equal(again.replayed, true, "Idempotent-Replayed: true");
    assert.equal(again.refund.connector_refund_id, first.refund.connector_refund_id);
    assert.equal(again.refund.created_at, first.refund.created_at);

    const read = await refract.get(id);
    assert.equal(read.connector_refund_id, first.refund.connector_refund_id);
    assert.equal(read.status, "SUCCEEDED");
  });

  it("answers the same id with other parameters with IdempotencyConflictError", async () => {
    const id = unique("rf_ts");
    const payment = unique("sbx_10000_USD");
    await refract.refund(request(id, payment, 1000));
    const e = await rejection(refract.refund(request(id, payment, 1500)), IdempotencyConflictError);
    assert.equal(e.httpStatus, 409);
    assert.equal(e.code, "idempotency_conflict");
    assert.ok(e.requestId);
    assert.equal(e.attempts, 1, "a 409 is never retried");
  });

  it("answers more than refundable with a 422 naming the amount", async () => {
    const e = await rejection(
      refract.refund(request(unique("rf_ts"), unique("sbx_10000_USD"), 10001)), AmountExceedsRefundableError);
    assert.equal(e.httpStatus, 422);
    assert.equal(e.code, "amount_exceeds_refundable");
    assert.equal(e.param, "amount");
    assert.ok(e.requestId);
    assert.ok(e instanceof RefractError);
  });

  it("answers a bad field with InvalidRequestError naming it", async () => {
    const bad = request(unique("rf_ts"), unique("sbx_10000_USD"), 100);
    bad.amount.currency = "usd";
    const e = await rejection(refract.refund(bad), InvalidRequestError);
    assert.equal(e.httpStatus, 400);
    assert.equal(e.code, "invalid_currency");
    assert.equal(e.param, "amount.currency");
  });

  it("answers a decline as a FAILED refund, not an error", async () => {
    const declined = await refract.refund(request(unique("rf_ts"), unique("sbx_10000_USD"), 700,
      { connector_options: { sandbox_outcome: "declined" } }));
    assert.equal(declined.statusCode, 402);
    assert.equal(declined.refund.status, "FAILED");
    assert.equal(declined.refund.error.code, "refund_failed");
    assert.equal(declined.refund.status_code, 402);
  });

  it("answers an unknown refund with RefundNotFoundError", async () => {
    const e = await rejection(refract.get(unique("missing")), RefundNotFoundError);
    assert.equal(e.httpStatus, 404);
    assert.equal(e.code, "refund_not_found");
  });

  it("lists across pages by following next_cursor, newest first", async () => {
    const payment = unique("sbx_10000_USD");
    const created = [];
    for (let i = 0; i < 5; i++) {
      const id = unique(`rf_ts_list${i}`);
      await refract.refund(request(id, payment, 100));
      created.unshift(id);
    }
    const first = await refract.listPage({ connector_transaction_id: payment, limit: 2 });
    assert.equal(first.data.length, 2);
    assert.equal(first.has_more, true);
    assert.ok(first.next_cursor);

    const listed = [];
    for await (const r of refract.list({ connector_transaction_id: payment, limit: 2 })) listed.push(r.merchant_refund_id);
    assert.deepEqual(listed, created, "all five, newest first, none twice, across three pages");
    const failed = [];
    for await (const r of refract.list({ connector_transaction_id: payment, status: ["FAILED"], limit: 2 })) failed.push(r);
    assert.deepEqual(failed, []);
  });

  it("syncs with the PSP and answers the refund as updated", async () => {
    const id = unique("rf_ts_sync");
    const pending = await refract.refund(request(id, unique("sbx_10000_USD"), 1200,
      { connector_options: { sandbox_outcome: "pending", sandbox_settle_ms: 300 } }));
    assert.equal(pending.refund.status, "PENDING");
    const deadline = Date.now() + 15000;
    let synced = await refract.sync(id);
    while (synced.status === "PENDING" && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      synced = await refract.sync(id);
    }
    assert.equal(synced.status, "SUCCEEDED");
    assert.equal(synced.amount.minor_amount, 1200);
    assert.ok(synced.connector_refund_id);
  });

  it("answers cancel on the sandbox with NotCancellableError", async () => {
    const id = unique("rf_ts_cancel");
    await refract.refund(request(id, unique("sbx_10000_USD"), 300));
    const e = await rejection(refract.cancel(id), NotCancellableError);
    assert.equal(e.httpStatus, 409);
    assert.equal(e.code, "not_cancellable");
    assert.ok(e.requestId);
    assert.equal((await refract.get(id)).status, "SUCCEEDED", "nothing changed");
  });

  it("answers a wrong key with AuthenticationError and never repeats the key", async () => {
    const wrong = `rk_wrong_${unique("k")}`;
    const stranger = client(wrong);
    const e = await rejection(stranger.get("anything"), AuthenticationError);
    assert.equal(e.httpStatus, 401);
    assert.equal(e.code, "authentication_required");
    for (const shown of [e.message, String(e), inspect(e), e.stack, inspect(stranger), String(stranger), JSON.stringify(stranger)]) {
      assert.ok(!shown.includes(wrong), shown);
    }
  });

  it("receives a notification and verifies it", async () => {
    const secret = `whsec_ts_${unique("s")}`;
    const notified = await newMerchant();
    const hooks = await receiver();
    try {
      await setWebhook(notified.id, hooks.url, secret);
      const id = unique("rf_ts_notify");
      await client(notified.apiKey).refund(request(id, unique("sbx_10000_USD"), 900));
      const deadline = Date.now() + 30000;
      let delivery;
      let notification;
      do {
        delivery = await hooks.next(Math.max(deadline - Date.now(), 1));
        assert.ok(delivery, "refund.succeeded was not delivered within 30 s");
        // another secret first: any secret that matches is enough (a secret being rolled)
        notification = verifyNotification(delivery.body, delivery.signature, ["whsec_previous", secret], 300);
      } while (notification.type !== "refund.succeeded");
      assert.equal(notification.data.merchant_refund_id, id);
      assert.equal(notification.data.status, "SUCCEEDED");
      assert.equal(notification.data.amount.minor_amount, 900);
      assert.match(notification.id, /^evt_/);

      assert.throws(() => verifyNotification(delivery.body, delivery.signature, ["whsec_other"], 300),
        SignatureVerificationError);
      const t = Number(/t=(\d+)/.exec(delivery.signature)[1]);
      assert.throws(() => verifyNotification(delivery.body, delivery.signature, [secret], 300, t + 301),
        SignatureVerificationError, "a notification replayed six minutes later is refused");
    } finally {
      await hooks.close();
    }
  });
});
