// verifyNotification on fixed vectors: the signatures are HMAC-SHA256 of "1768923001." + BODY computed outside this
// code (Python's hmac module), under "whsec_new" and "whsec_previous".
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { SignatureVerificationError, verifyNotification } from "../dist/index.js";

const BODY = '{"id":"evt_1","type":"refund.succeeded","created_at":"2026-01-20T15:30:01Z",'
  + '"data":{"merchant_refund_id":"refund_001","status":"SUCCEEDED","amount":{"minor_amount":1000,"currency":"USD"}}}';
const NEW = "20e4d969fec37530b4a5b9aaf44b7ed661cc632b148a01aad7bbb7659946521a";
const PREVIOUS = "77b69060e203690597989079811c38852ce4057f447c5c072b103f05e767cbc7";
const SIGNED = 1768923001;
const verify = (header, secrets, now = SIGNED, body = BODY) => verifyNotification(body, header, secrets, 300, now);
const refused = (header, secrets, now, body) =>
  assert.throws(() => verify(header, secrets, now, body), SignatureVerificationError, String(header));

describe("verifyNotification", () => {
  it("accepts a signature of the secret and parses the notification, from text or bytes", () => {
    for (const body of [BODY, new TextEncoder().encode(BODY), Buffer.from(BODY)]) {
      const n = verify(`t=${SIGNED},v1=${NEW}`, ["whsec_new"], SIGNED, body);
      assert.equal(n.id, "evt_1");
      assert.equal(n.type, "refund.succeeded");
      assert.equal(n.data.merchant_refund_id, "refund_001");
      assert.deepEqual(n.data.amount, { minor_amount: 1000, currency: "USD" });
    }
  });

  it("accepts any v1 matching any secret during a rotation", () => {
    const rotating = `t=${SIGNED},v1=${NEW},v1=${PREVIOUS}`;
    verify(rotating, ["whsec_new"]);
    verify(rotating, ["whsec_previous"]);
    verify(rotating, ["whsec_unrelated", "whsec_previous"]);
    verify(`t=${SIGNED},v1=${PREVIOUS}`, ["whsec_new", "whsec_previous"]);
  });

  it("refuses a wrong secret, a tampered body and another timestamp", () => {
    refused(`t=${SIGNED},v1=${NEW}`, ["whsec_other"]);
    refused(`t=${SIGNED},v1=${NEW}`, ["whsec_new"], SIGNED, BODY.replace("1000", "9000"));
    refused(`t=${SIGNED + 1},v1=${NEW}`, ["whsec_new"]);
  });

  it("refuses a timestamp outside the tolerance", () => {
    verify(`t=${SIGNED},v1=${NEW}`, ["whsec_new"], SIGNED + 300);
    assert.throws(() => verify(`t=${SIGNED},v1=${NEW}`, ["whsec_new"], SIGNED + 301), {
      name: "SignatureVerificationError",
      message: "the notification was signed 301 s from now, outside the tolerance of 300 s",
    });
    refused(`t=${SIGNED},v1=${NEW}`, ["whsec_new"], SIGNED - 301);
  });

  it("refuses malformed headers", () => {
    for (const header of ["", `v1=${NEW}`, `t=${SIGNED}`, `t=abc,v1=${NEW}`, `t=${SIGNED},t=${SIGNED},v1=${NEW}`,
      `t=${SIGNED},v1=${NEW.slice(2)}`, `t=${SIGNED},v0=${NEW}`, "garbage", null, undefined]) {
      refused(header, ["whsec_new"]);
    }
    assert.throws(() => verify(`t=${SIGNED},v1=${NEW}`, []), TypeError);
  });

  it("names neither the secret nor the expected signature when it refuses", () => {
    try {
      verify(`t=${SIGNED},v1=${PREVIOUS.replaceAll("7", "8")}`, ["whsec_new"]);
      assert.fail("verified");
    } catch (e) {
      assert.ok(e instanceof SignatureVerificationError);
      assert.ok(!e.message.includes("whsec_new") && !e.message.includes(NEW), e.message);
    }
  });
});
