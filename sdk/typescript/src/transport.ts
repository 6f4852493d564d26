import { NetworkError } from "./errors.js";

/**
 * When a call is sent again: after a network error (no answer), a 5xx or a 429, at most `maxRetries` times, never
 * after any other 4xx. The n-th retry waits a random time between half and all of `initialBackoffMs × 2^(n-1)`,
 * capped at `maxBackoffMs`, and never less than the answer's `Retry-After`; an answer asking to wait longer than
 * `maxRetryAfterMs` is not waited for but raised, with its `retryAfterSeconds`.
 */
export interface RetryOptions {
  /** Sends after the first, 0 to 10 (3); 0 switches retries off. */
  maxRetries?: number;
  /** The first retry's wait before jitter (500). */
  initialBackoffMs?: number;
  /** The longest wait between two sends before Retry-After (8000). */
  maxBackoffMs?: number;
  /** The longest Retry-After honoured by waiting (60000). */
  maxRetryAfterMs?: number;
}

export type RetryPolicy = Required<RetryOptions>;

export function retryPolicy(options: RetryOptions = {}): RetryPolicy {
  const p: RetryPolicy = {
    maxRetries: options.maxRetries ?? 3,
    initialBackoffMs: options.initialBackoffMs ?? 500,
    maxBackoffMs: options.maxBackoffMs ?? 8000,
    maxRetryAfterMs: options.maxRetryAfterMs ?? 60000,
  };
  if (!Number.isInteger(p.maxRetries) || p.maxRetries < 0 || p.maxRetries > 10) {
    throw new RangeError(`maxRetries must be 0 to 10, not ${p.maxRetries}`);
  }
  if (p.initialBackoffMs < 0 || p.maxBackoffMs < p.initialBackoffMs || p.maxRetryAfterMs < 0) {
    throw new RangeError("backoffs must satisfy 0 <= initialBackoffMs <= maxBackoffMs");
  }
  return p;
}

/** True for the answers a retry may change: 429 and every 5xx. */
export function retryable(status: number): boolean {
  return status === 429 || status >= 500;
}

/** The wait in ms before retry number `retry` (1 for the first), given the answer's Retry-After in ms if any. */
export function delayMs(policy: RetryPolicy, retry: number, retryAfterMs: number | null): number {
  const cap = Math.min(policy.initialBackoffMs * 2 ** Math.min(retry - 1, 20), policy.maxBackoffMs);
  const backoff = Math.floor(cap / 2 + Math.random() * (cap / 2 + 1));
  return retryAfterMs !== null && retryAfterMs > backoff ? retryAfterMs : backoff;
}

/** `Retry-After` as delta-seconds or an HTTP date, in ms; absent or unreadable: null. */
export function retryAfterMs(value: string | null): number | null {
  if (value === null) return null;
  const v = value.trim();
  if (/^\d{1,9}$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? null : Math.max(0, at - Date.now());
}

/** A final answer: a 2xx, a 4xx, or what was left when the retries ran out. */
export interface Answer {
  status: number;
  headers: Headers;
  body: unknown;
  attempts: number;
}

export type Logger = (line: string) => void;

/**
 * Sends one call, again where the policy allows, always with the same body: a create's merchant_refund_id is in
 * the very bytes each send repeats. The API key goes nowhere but the Authorization header.
 */
export class Transport {
  readonly #authorization: string;

  constructor(
    readonly baseUrl: URL,
    apiKey: string,
    readonly policy: RetryPolicy,
    readonly timeoutMs: number,
    readonly log: Logger,
    readonly fetchImpl: typeof fetch,
  ) {
    this.#authorization = `Bearer ${apiKey}`;
  }

  async send(method: string, pathAndQuery: string, body?: string): Promise<Answer> {
    const url = new URL(pathAndQuery, this.baseUrl);
    for (let attempt = 1; ; attempt++) {
      let status: number;
      let headers: Headers;
      let text: string;
      try {
        const response = await this.fetchImpl(url, {
          method,
          body,
          headers: {
            Authorization: this.#authorization,
            Accept: "application/json",
            "Content-Type": "application/json",
            "User-Agent": "refract-node/0.1.0",
          },
          signal: AbortSignal.timeout(this.timeoutMs),
        });
        status = response.status;
        headers = response.headers;
        text = await response.text();
      } catch (e) {
        const why = describe(e);
        if (attempt > this.policy.maxRetries) {
          throw new NetworkError(
            {
              httpStatus: 0, code: null, type: null, param: null, requestId: null, retryAfterSeconds: null, attempts: attempt,
              message: `${method} ${url.pathname} got no answer after ${attempt} attempt${attempt === 1 ? "" : "s"}: ${why}`,
            },
            { cause: e },
          );
        }
        await this.#pause(method, url, attempt, delayMs(this.policy, attempt, null), `no answer (${why})`);
        continue;
      }
      if (retryable(status) && attempt <= this.policy.maxRetries) {
        const after = retryAfterMs(headers.get("Retry-After"));
        if (after === null || after <= this.policy.maxRetryAfterMs) {
          await this.#pause(method, url, attempt, delayMs(this.policy, attempt, after), `HTTP ${status}`);
          continue;
        }
      }
      return { status, headers, body: parse(text), attempts: attempt };
    }
  }

  async #pause(method: string, url: URL, attempt: number, ms: number, why: string): Promise<void> {
    this.log(`${method} ${url.pathname}: ${why}; retry ${attempt} of ${this.policy.maxRetries} in ${ms} ms`);
    // a timer may fire a little early (its clock is the event loop's, read at the loop's turn): never sooner than asked
    const until = performance.now() + ms;
    for (let left = ms; left > 0; left = until - performance.now()) {
      await new Promise((resolve) => setTimeout(resolve, Math.ceil(left)));
    }
  }
}

function parse(text: string): unknown {
  if (text.length === 0) return null;
  try {
    return JSON.parse(text);
  } catch {
    return null; // a proxy's HTML page: described by its status alone
  }
}

function describe(e: unknown): string {
  if (e instanceof Error) {
    const cause = e.cause instanceof Error ? `: ${e.cause.message}` : "";
    return `${e.name}: ${e.message}${cause}`;
  }
  return String(e);
}
