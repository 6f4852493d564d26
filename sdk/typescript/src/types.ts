// The wire types, named as merchants speak of them; their shapes come from src/generated/openapi.ts, which the
// build generates from docs/openapi.json (npm run generate).
import type { components, paths } from "./generated/openapi.js";

type Schemas = components["schemas"];

/** The body of `POST /v1/refunds`. */
export type RefundRequest = Schemas["CreateRefundBody"];
/** An amount in the currency's minor unit: `{ minor_amount: 500, currency: "USD" }` is $5.00. */
export type Money = Schemas["MoneyBody"];
/** A refund as every endpoint answers it. */
export type Refund = Schemas["RefundView"];
export type RefundStatus = Schemas["RefundStatus"];
/** Why a refund is FAILED or in MANUAL_REVIEW. */
export type RefundFailure = Schemas["ErrorView"];
/** One page of `GET /v1/refunds`. */
export type RefundPage = Schemas["ListView"];
/** `{"error": {type, code, message, param}}`. */
export type ErrorResponse = Schemas["ErrorBody"];

type ListQuery = NonNullable<paths["/v1/refunds"]["get"]["parameters"]["query"]>;

/** The filters of `list`: any of these statuses, a connector, a payment, a creation window, a page size. */
export interface ListParams {
  status?: RefundStatus[];
  connector?: ListQuery["connector"];
  connector_transaction_id?: ListQuery["connector_transaction_id"];
  /** Inclusive; RFC 3339 or a Date. */
  created_from?: string | Date;
  /** Exclusive; RFC 3339 or a Date. */
  created_to?: string | Date;
  /** Refunds per page fetched, 1 to 100 (20); iteration goes on across pages. */
  limit?: number;
}

/** The answer to a create. */
export interface RefundResult {
  /** The refund as it is now; FAILED with its `error` when the PSP declined. */
  refund: Refund;
  /** `Idempotent-Replayed: true`: the stored refund of an earlier send with the same merchant_refund_id. */
  replayed: boolean;
  /** 200, or 402, 404, 422 for a refund the PSP refused. */
  statusCode: number;
  /** The answer's `X-Request-Id`. */
  requestId: string | null;
}

/** A verified merchant notification. */
export interface Notification {
  id: string;
  type: "refund.succeeded" | "refund.failed" | "refund.pending" | "refund.manual_review" | string;
  created_at: string;
  data: Refund;
}
