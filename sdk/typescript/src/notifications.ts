import { createHmac, timingSafeEqual } from "node:crypto";
import { SignatureVerificationError } from "./errors.js";
import type { Notification } from "./types.js";

/** Stripe's tolerance, and a sensible one: five minutes either way. */
export const DEFAULT_TOLERANCE_SECONDS = 300;

/**
 * Verifies `Refract-Signature: t=<unix>,v1=<hex>[,v1=<hex>…]` over the raw body (the bytes received, before any
 * JSON parsing) with any of `secrets`, and refuses a timestamp further than `toleranceSeconds` from `nowSeconds`.
 * While a secret is being rolled, Refract signs with each secret still valid (several v1) and the receiver may hold
 * several: any v1 matching any secret is enough. Every comparison takes the same time whatever the bytes.
 * Returns the parsed notification; throws SignatureVerificationError otherwise.
 */
export function verifyNotification(
  body: string | Uint8Array,
  header: string | null | undefined,
  secrets: string[],
  toleranceSeconds: number = DEFAULT_TOLERANCE_SECONDS,
  nowSeconds: number = Math.floor(Date.now() / 1000),
): Notification {
  if (!Array.isArray(secrets) || secrets.length === 0 || secrets.some((s) => typeof s !== "string" || s.length === 0)) {
    throw new TypeError("at least one webhook secret is required, and none may be empty");
  }
  if (typeof header !== "string" || header.trim() === "") {
    throw new SignatureVerificationError("no Refract-Signature header");
  }
  let timestamp: number | null = null;
  const signatures: Buffer[] = [];
  for (const part of header.split(",")) {
    const eq = part.indexOf("=");
    if (eq < 0) throw new SignatureVerificationError("Refract-Signature is not t=…,v1=…");
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === "t") {
      if (timestamp !== null || !/^\d{1,12}$/.test(value)) {
        throw new SignatureVerificationError("Refract-Signature has no single numeric t");
      }
      timestamp = Number(value);
    } else if (key === "v1" && /^[0-9a-fA-F]{64}$/.test(value)) {
      signatures.push(Buffer.from(value, "hex"));
    }
    // other schemes (v0, a future v2) are not ours to check
  }
  if (timestamp === null || signatures.length === 0) {
    throw new SignatureVerificationError("Refract-Signature has no t or no v1 signature");
  }
  const age = nowSeconds - timestamp;
  if (Math.abs(age) > toleranceSeconds) {
    throw new SignatureVerificationError(
      `the notification was signed ${age} s from now, outside the tolerance of ${toleranceSeconds} s`,
    );
  }
  const raw = typeof body === "string" ? Buffer.from(body, "utf8") : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  let matched = false;
  for (const secret of secrets) {
    const expected = createHmac("sha256", secret).update(`${timestamp}.`).update(raw).digest();
    for (const candidate of signatures) {
      // no early exit: the time taken does not depend on which secret or signature matched
      matched = timingSafeEqual(expected, candidate) || matched;
    }
  }
  if (!matched) {
    throw new SignatureVerificationError(`no v1 signature matches any of the ${secrets.length} secret(s)`);
  }
  try {
    return JSON.parse(raw.toString("utf8")) as Notification;
  } catch {
    throw new SignatureVerificationError("the signed body is not a notification");
  }
}
