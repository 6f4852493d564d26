import { errorFor, NotCancellableError, RefractError } from "./errors.js";
import { Answer, Logger, RetryOptions, retryPolicy, Transport } from "./transport.js";
import type { ListParams, Refund, RefundPage, RefundRequest, RefundResult } from "./types.js";

export interface ClientOptions {
  /** The merchant's API key (`rk_…`); kept out of every message, log line and inspection. */
  apiKey: string;
  /** Where Refract answers, e.g. `https://refract.example.com`. */
  baseUrl: string;
  retries?: RetryOptions;
  /** How long one send waits for its answer (30000); a timeout is a network error, retried. */
  timeoutMs?: number;
  /** Receives a line for each retry; nothing by default. */
  logger?: Logger;
  /** The fetch to send with (the global one by default). */
  fetch?: typeof fetch;
}

const REFUNDS = "v1/refunds";

/**
 * Refract's merchant API: `new RefractClient({ apiKey, baseUrl })`, then `refund`, `get`, `list`, `sync` and
 * `cancel`. Each call is retried as `RetryOptions` says and otherwise rejects with a `RefractError`.
 */
export class RefractClient {
  readonly #transport: Transport;
  readonly baseUrl: string;

  constructor(options: ClientOptions) {
    const { apiKey, baseUrl } = options;
    if (typeof apiKey !== "string" || !/^[\x21-\x7e]+$/.test(apiKey)) {
      throw new TypeError("apiKey is required: the merchant's API key, printable ASCII");
    }
    const url = new URL(baseUrl.endsWith("/") ? baseUrl : `${baseUrl}/`);
    if (url.protocol !== "http:" && url.protocol !== "https:") {
      throw new TypeError("baseUrl must be an http(s) URL");
    }
    this.baseUrl = url.toString();
    this.#transport = new Transport(
      url,
      apiKey,
      retryPolicy(options.retries),
      options.timeoutMs ?? 30000,
      options.logger ?? (() => {}),
      options.fetch ?? globalThis.fetch,
    );
  }

  /**
   * Creates a refund, or answers the one this merchant_refund_id already made. Sent again on a network error, a
   * 5xx or a 429 with the same body, so a retry can never make a second refund. A refund the PSP declined is
   * answered, not thrown: FAILED, with `error` and status code 402, 404 or 422.
   */
  async refund(request: RefundRequest): Promise<RefundResult> {
    if (!request || typeof request.merchant_refund_id !== "string" || request.merchant_refund_id.length === 0) {
      // without it a retry could not be told from a second refund
      throw new TypeError("merchant_refund_id is required: it makes the create idempotent");
    }
    const answer = await this.#transport.send("POST", REFUNDS, JSON.stringify(request));
    const isRefund = isObject(answer.body) && typeof answer.body.merchant_refund_id === "string";
    if ((answer.status >= 200 && answer.status < 300) || (isRefund && answer.status < 500)) {
      return {
        refund: answer.body as Refund,
        replayed: answer.headers.get("Idempotent-Replayed")?.toLowerCase() === "true",
        statusCode: answer.status,
        requestId: answer.headers.get("X-Request-Id"),
      };
    }
    throw toError(answer);
  }

  /** The refund as it is now; RefundNotFoundError when this merchant has none with that id. */
  get(merchantRefundId: string): Promise<Refund> {
    return this.#refundAt("GET", refundPath(merchantRefundId));
  }

  /** Asks the PSP for the refund's status now and answers the refund as updated. */
  sync(merchantRefundId: string): Promise<Refund> {
    return this.#refundAt("POST", `${refundPath(merchantRefundId)}/sync`);
  }

  /**
   * Cancels a refund still in flight where its PSP can: answered FAILED with error code refund_cancelled. If an
   * earlier send was cancelled but its answer lost, the retry's not_cancellable is checked against the refund.
   */
  async cancel(merchantRefundId: string): Promise<Refund> {
    try {
      return await this.#refundAt("POST", `${refundPath(merchantRefundId)}/cancel`);
    } catch (e) {
      if (e instanceof NotCancellableError && e.attempts > 1) {
        const now = await this.get(merchantRefundId);
        if (now.status === "FAILED" && now.error?.code === "refund_cancelled") return now;
      }
      throw e;
    }
  }

  /** The refunds matching `params`, newest first, a page at a time as the iteration goes (`next_cursor`). */
  async *list(params: ListParams = {}): AsyncGenerator<Refund, void, undefined> {
    let cursor: string | null = null;
    do {
      const page: RefundPage = await this.listPage(params, cursor);
      yield* page.data ?? [];
      cursor = page.has_more && page.next_cursor ? page.next_cursor : null;
    } while (cursor !== null);
  }

  /** One page of refunds after `cursor` (null: the first), for paging by hand. */
  async listPage(params: ListParams = {}, cursor: string | null = null): Promise<RefundPage> {
    const q = new URLSearchParams();
    for (const s of params.status ?? []) q.append("status", s);
    if (params.connector !== undefined) q.set("connector", params.connector);
    if (params.connector_transaction_id !== undefined) q.set("connector_transaction_id", params.connector_transaction_id);
    if (params.created_from !== undefined) q.set("created_from", time(params.created_from));
    if (params.created_to !== undefined) q.set("created_to", time(params.created_to));
    if (params.limit !== undefined) q.set("limit", String(params.limit));
    if (cursor !== null) q.set("cursor", cursor);
    const query = q.toString();
    const answer = await this.#transport.send("GET", query ? `${REFUNDS}?${query}` : REFUNDS);
    if (answer.status === 200 && isObject(answer.body)) return answer.body as RefundPage;
    throw toError(answer);
  }

  async #refundAt(method: string, path: string): Promise<Refund> {
    const answer = await this.#transport.send(method, path);
    if (answer.status >= 200 && answer.status < 300 && isObject(answer.body)) return answer.body as Refund;
    throw toError(answer);
  }

  toString(): string {
    return `RefractClient(${this.baseUrl})`;
  }

  toJSON(): object {
    return { baseUrl: this.baseUrl };
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }
}

function refundPath(merchantRefundId: string): string {
  if (typeof merchantRefundId !== "string" || merchantRefundId.length === 0) {
    throw new TypeError("merchant_refund_id is required");
  }
  return `${REFUNDS}/${encodeURIComponent(merchantRefundId)}`;
}

function time(t: string | Date): string {
  return t instanceof Date ? t.toISOString() : t;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** The typed error for an error answer `{"error": {type, code, message, param}}`. */
function toError(answer: Answer): RefractError {
  const e = isObject(answer.body) && isObject(answer.body.error) ? answer.body.error : null;
  const str = (v: unknown) => (typeof v === "string" ? v : null);
  const after = answer.headers.get("Retry-After");
  return errorFor({
    httpStatus: answer.status,
    code: str(e?.code),
    type: str(e?.type),
    message: str(e?.message) ?? `the service answered HTTP ${answer.status}${answer.body === null ? " without a JSON body" : ""}`,
    param: str(e?.param),
    requestId: answer.headers.get("X-Request-Id"),
    retryAfterSeconds: after !== null && /^\s*\d{1,9}\s*$/.test(after) ? Number(after) : null,
    attempts: answer.attempts,
  });
}
