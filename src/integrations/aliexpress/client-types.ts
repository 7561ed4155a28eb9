/**
 * The AliExpress client's public types: configuration, retry policy, events, and the inputs and results of its calls.
 */
import type { MarketplaceError } from './errors';
import type { CallKind } from './gateway-errors';
import type { PlatformOrderListItem } from './platform-types';
import type { TopSignMethod } from './signing';

export type { CallKind };

export interface AliExpressCredentials {
  appKey: string;
  appSecret: string;
  /** The seller's access token (sent as `session`, as the official SDKs do). */
  accessToken: string;
}

export type AliExpressGateway =
  | { protocol: 'iop'; baseUrl?: string }
  | { protocol: 'top'; baseUrl?: string; signMethod?: TopSignMethod };

export interface RetryPolicy {
  /** Attempts per call, the first included. Default 4. */
  maxAttempts?: number;
  /** First backoff step. Default 250 ms; doubles per attempt. */
  baseDelayMs?: number;
  /** Cap of one backoff step (before honouring a Retry-After). Default 8 s. */
  maxDelayMs?: number;
  /** Longer platform-imposed waits are not slept but returned as `retryAfterMs`. Default 60 s. */
  maxRetryAfterMs?: number;
}

/** Structured events for logs and metrics. They never contain parameters, credentials or signatures. */
export type ClientEvent =
  | { type: 'attempt'; method: string; attempt: number }
  | { type: 'success'; method: string; attempt: number; durationMs: number }
  | { type: 'retry'; method: string; attempt: number; delayMs: number; code: string; durationMs: number }
  | {
      type: 'failure';
      method: string;
      attempt: number;
      kind: MarketplaceError['kind'];
      code: string;
      durationMs: number;
    };

export interface AliExpressClientConfig {
  credentials: AliExpressCredentials;
  gateway?: AliExpressGateway;
  /** Per-attempt timeout. Default 15 s. */
  timeoutMs?: number;
  retry?: RetryPolicy;
  /** Epoch ms; used for request timestamps and Retry-After dates. */
  now?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** In [0, 1); jitter source. */
  random?: () => number;
  fetch?: typeof fetch;
  onEvent?: (event: ClientEvent) => void;
}

export interface CallOptions {
  /** Aborts the whole call, retries included. */
  signal?: AbortSignal;
}

export interface OrderListQuery {
  /** Modified-time window, epoch ms, inclusive. */
  from: number;
  to: number;
  /**
   * Creation-time window, epoch ms, inclusive: the platform requires one, at most `MAX_CREATE_WINDOW_MS` (180
   * days) long; walk longer spans with `creationWindows` (protocol.ts).
   */
  created: { from: number; to: number };
  /** Platform statuses, at most 20 (e.g. `WAIT_SELLER_SEND_GOODS`). */
  statuses?: readonly string[];
  /** 1-based. */
  page?: number;
  /** At most 50 (the platform's limit). Default 50. */
  pageSize?: number;
}

export interface OrderSummary {
  orderId: string;
  status: string;
  /** Epoch ms, parsed from the platform's Pacific wall-clock times. */
  createdAt: number | undefined;
  modifiedAt: number | undefined;
  paidAt: number | undefined;
  /** End of the current state's countdown (`timeout_left_time` is relative to our request timestamp). */
  countdownEndsAt: number | undefined;
  raw: PlatformOrderListItem;
}

export interface OrderListPage {
  orders: OrderSummary[];
  page: number;
  pageSize: number;
  totalCount: number;
  totalPages: number;
}

export type SendType = 'part' | 'all';

export interface DeclareShipmentInput {
  orderId: string;
  /** A logistics service key from `listLogisticsServices()`, e.g. `CAINIAO_STANDARD`; `other` needs a website. */
  serviceName: string;
  logisticsNo: string;
  /** `part` keeps the order in SELLER_PART_SEND_GOODS; the last parcel must be `all`. */
  sendType: SendType;
  trackingWebsite?: string;
  /** English, at most 512 characters. */
  description?: string;
}

export interface ModifyShipmentInput {
  orderId: string;
  oldServiceName: string;
  oldLogisticsNo: string;
  newServiceName: string;
  newLogisticsNo: string;
  sendType: SendType;
  trackingWebsite?: string;
  description?: string;
}

export interface LogisticsService {
  serviceName: string;
  displayName: string | undefined;
  logisticsCompany: string | undefined;
  minProcessDays: number | undefined;
  maxProcessDays: number | undefined;
  trackingNumberPattern: string | undefined;
}

export interface BuyerMessageInput {
  orderId: string;
  /** The buyer's login id (`buyerloginid` in the order detail). */
  buyerLoginId: string;
  /** The seller's login id (`seller_operator_login_id` in the order detail). */
  sellerLoginId: string;
  content: string;
}

export interface RawCallResult {
  /** The object inside `<api>_response`. */
  response: Record<string, unknown>;
  /** The `timestamp` the successful request carried, epoch ms (countdowns are relative to it). */
  requestTimestamp: number;
}

/** One failed attempt, as the transport hands it to the retry loop. */
export interface AttemptFailure {
  error: MarketplaceError;
  /** The caller's signal fired: stop without further attempts. */
  stop?: boolean;
}
