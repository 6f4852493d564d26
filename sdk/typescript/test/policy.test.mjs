// The waits between sends: doubling, jittered within [half, all] of the step, capped, never under Retry-After.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { delayMs, retryable, retryAfterMs, retryPolicy } from "../dist/transport.js";

describe("retry policy", () => {
  const policy = retryPolicy({ maxRetries: 5, initialBackoffMs: 400, maxBackoffMs: 3000 });

  it("doubles with jitter up to the cap", () => {
    [400, 800, 1600, 3000, 3000].forEach((cap, i) => {
      const seen = new Set();
      for (let n = 0; n < 200; n++) {
        const ms = delayMs(policy, i + 1, null);
        assert.ok(ms >= cap / 2 && ms <= cap, `retry ${i + 1}: ${ms}`);
        seen.add(ms);
      }
      assert.ok(seen.size > 20, `jittered, not fixed: ${seen.size} distinct waits`);
    });
  });

  it("never retries sooner than Retry-After, in seconds or as a date", () => {
    assert.equal(delayMs(policy, 1, 7000), 7000);
    assert.ok(delayMs(policy, 4, 0) >= 1500);
    assert.equal(retryAfterMs("2"), 2000);
    const inTenSeconds = retryAfterMs(new Date(Date.now() + 10000).toUTCString());
    assert.ok(inTenSeconds > 8000 && inTenSeconds <= 10000, String(inTenSeconds));
    assert.equal(retryAfterMs("soon"), null);
    assert.equal(retryAfterMs(null), null);
  });

  it("retries only 429 and 5xx", () => {
    for (const s of [429, 500, 502, 503, 504]) assert.equal(retryable(s), true, String(s));
    for (const s of [200, 400, 401, 402, 403, 404, 409, 422]) assert.equal(retryable(s), false, String(s));
  });

  it("refuses an unbounded policy", () => {
    assert.throws(() => retryPolicy({ maxRetries: 11 }), RangeError);
    assert.throws(() => retryPolicy({ initialBackoffMs: 2000, maxBackoffMs: 1000 }), RangeError);
  });
});
