/**
 * Delivering one claimed outbox row to the marketplace (network only; no transaction is open meanwhile): an upload
 * (read back first when an earlier outcome is unknown; a refusal explained by reading the order back) or a buyer's
 * notice, each ending in a `DeliveryOutcome` that app/upload-outbox.ts records. `availabilitySignal` says what an
 * outcome tells about the platform being there (app/marketplace-outage.ts).
 */
import { localized, type Localized } from '../core/i18n';
import type { AvailabilitySignal } from '../core/marketplace-outage';
import { mapPlatformStatus } from '../core/platform-status';
import { readbackVerdict, type ReadbackVerdict } from '../core/upload-rules';
import {
  AmbiguousOutcomeError,
  PermanentMarketplaceError,
  ReauthorisationRequiredError,
  RetryableMarketplaceError,
} from '../integrations/aliexpress/errors';
import type { MarketplacePort } from '../integrations/marketplace/port';
import * as outbox from '../store/outbox';
import type { OutboxRow } from '../store/schema';
import type { AppContext } from './context';
import { settledOrdersOf } from './order-situation';
import type { UploadPayload } from './shipments';
import { closedOrderUploadReason } from './upload-refusal';

export interface NoticePayload {
  platformOrderId: string;
  trackingNumber: string;
  content: string;
  buyerLoginId: string | null;
  sellerLoginId: string | null;
}

/** The platform's copy of the order, as far as an upload cares. */
export interface ReadbackSummary {
  status: string;
  declared: string[];
  verdict: ReadbackVerdict;
}

export type DeliveryOutcome =
  | {
      type: 'accepted';
      via: 'declared' | 'readback';
      readback?: ReadbackSummary;
      /** The declaration's unclear answer that the read-back right after it explained. */
      unclear?: { code: string; message: string };
    }
  | { type: 'notice_sent' }
  /** The message may or may not have gone; it is not sent again (a buyer gets at most one notice per parcel). */
  | { type: 'notice_unconfirmed'; code: string; message: string }
  /** Transient; `outage` when the failure is of the kind an outage of the platform causes (5xx, timeout, no connection). */
  | {
      type: 'retry';
      needsReadback: boolean;
      code: string;
      message: string;
      retryAfterMs?: number;
      readback?: ReadbackSummary;
      outage?: boolean;
      reauthorise?: true;
    }
  | { type: 'refused'; reason: 'order_closed' | 'all_declared'; message: Localized; readback?: ReadbackSummary }
  /** Permanent: the platform refused the request itself (credentials, parameters); dead-lettered at once. */
  | { type: 'failed'; code: string; message: string; readback?: ReadbackSummary }
  /** The worker stopped before anything was sent: the claim is handed back and the attempt does not count. */
  | { type: 'interrupted' };

/** Why an upload's order takes no number: closed by the platform or cancelled, by its row or by its situation. */
export interface SettledStanding {
  kind: 'closed' | 'cancelled';
  message: Localized;
}

/**
 * The claimed uploads' orders that are closed or cancelled, read once per batch from the one situation
 * (app/order-situation.ts `settledOrdersOf`): nothing is sent for them.
 */
export async function settledOrdersOfRows(ctx: AppContext, rows: OutboxRow[]): Promise<Map<number, SettledStanding>> {
  const ids = [...new Set(rows.filter((row) => row.kind === outbox.UPLOAD_KIND).map((row) => row.order_id))];
  const result = new Map<number, SettledStanding>();
  for (const [id, settled] of await settledOrdersOf(ctx, ids, ctx.now())) {
    result.set(id, {
      kind: settled.kind,
      message: closedOrderUploadReason(settled.order.platform_order_id, settled.kind, settled.why),
    });
  }
  return result;
}

export async function deliverOutboxRow(
  row: OutboxRow,
  port: MarketplacePort,
  context: { settled: SettledStanding | undefined; signal?: AbortSignal },
): Promise<DeliveryOutcome> {
  if (context.signal?.aborted) return { type: 'interrupted' };
  if (row.kind === outbox.UPLOAD_KIND)
    return deliverUpload(row, JSON.parse(row.payload) as UploadPayload, port, context);
  if (row.kind === outbox.NOTICE_KIND)
    return deliverNotice(JSON.parse(row.payload) as NoticePayload, port, context.signal);
  return { type: 'failed', code: 'UNKNOWN_KIND', message: `unknown outbox kind ${row.kind}` };
}

async function deliverUpload(
  row: OutboxRow,
  payload: UploadPayload,
  port: MarketplacePort,
  context: { settled: SettledStanding | undefined; signal?: AbortSignal },
): Promise<DeliveryOutcome> {
  // The order's situation says the platform closed it (or it is cancelled): a number for a refunded order is never sent.
  if (context.settled) return { type: 'refused', reason: 'order_closed', message: context.settled.message };
  const options = context.signal ? { signal: context.signal } : {};
  let readback: ReadbackSummary | undefined;
  if (row.needs_readback) {
    try {
      readback = await readBack(port, payload, options);
    } catch (error) {
      return failure(error, true, undefined);
    }
    const decided = verdictOutcome(readback, payload);
    if (decided) return decided;
  }
  try {
    await port.declareShipment(
      {
        orderId: payload.platformOrderId,
        serviceName: payload.serviceName,
        trackingNumber: payload.trackingNumber,
        sendType: payload.sendType,
      },
      options,
    );
    return readback ? { type: 'accepted', via: 'declared', readback } : { type: 'accepted', via: 'declared' };
  } catch (error) {
    if (
      error instanceof PermanentMarketplaceError &&
      (error.reason === 'business_rule' || error.reason === 'not_found')
    ) {
      // Find out why: closed meanwhile, or the number is there already (an earlier attempt went through).
      try {
        const why = await readBack(port, payload, options);
        const decided = verdictOutcome(why, payload);
        if (decided) return decided;
        return { type: 'failed', code: error.code, message: error.message, readback: why };
      } catch (readError) {
        return failure(readError, false, readback);
      }
    }
    if (error instanceof AmbiguousOutcomeError && ANSWERED_UNCLEARLY.has(error.reason))
      return readBackUnclear(error, port, payload, options);
    return failure(error, false, readback);
  }
}

/**
 * Unclear answers the platform did give (an `isp.*` or 5xx error, an HTML page, an answer cut off): it is there, so
 * the order is read back at once (a different call, order detail) instead of after a backoff step. No answer at all
 * (a timeout, a dropped connection) may be an outage or a write still travelling: that read-back waits for the retry.
 */
const ANSWERED_UNCLEARLY: ReadonlySet<AmbiguousOutcomeError['reason']> = new Set([
  'server_error',
  'upstream_timeout',
  'bad_response',
]);

/**
 * After a declaration's unclear answer: the order read back at once. The number on the order: done. The order closed
 * or fully shipped: refused, as any read-back. Anything else (not there yet, the read failed) is the unclear outcome
 * it was: the row keeps `needs_readback`, so the next try reads the order back again before it sends anything, and a
 * declaration the platform applies late is still found; nothing is ever sent twice on this read alone.
 */
async function readBackUnclear(
  error: AmbiguousOutcomeError,
  port: MarketplacePort,
  payload: UploadPayload,
  options: { signal?: AbortSignal },
): Promise<DeliveryOutcome> {
  let readback: ReadbackSummary;
  try {
    readback = await readBack(port, payload, options);
  } catch {
    return failure(error, true, undefined);
  }
  const unclear = { code: error.code, message: error.message };
  if (readback.verdict === 'already_declared') return { type: 'accepted', via: 'readback', readback, unclear };
  // `wait` and `send` stay unclear: the declaration may still be applied (`verdictOutcome`'s `wait` would drop the
  // read-back the next try needs).
  const settled = readback.verdict === 'wait' ? undefined : verdictOutcome(readback, payload);
  return settled ?? failure(error, true, readback);
}

async function readBack(
  port: MarketplacePort,
  payload: UploadPayload,
  options: { signal?: AbortSignal },
): Promise<ReadbackSummary> {
  const order = await port.pullOrder(payload.platformOrderId, options);
  const declared = order.declaredNumbers;
  const status = order.status;
  const verdict = readbackVerdict({
    trackingNumber: payload.trackingNumber,
    declaredNumbers: declared,
    declarable: order.declarable,
    platformState: mapPlatformStatus(port.platform, status),
  });
  return { status, declared, verdict };
}

function verdictOutcome(readback: ReadbackSummary, payload: UploadPayload): DeliveryOutcome | undefined {
  switch (readback.verdict) {
    case 'already_declared':
      return { type: 'accepted', via: 'readback', readback };
    case 'order_closed':
      return {
        type: 'refused',
        reason: 'order_closed',
        readback,
        message: localized(
          `AliExpress closed order ${payload.platformOrderId} (${readback.status}): the number is not uploaded after closure.`,
          `速卖通已关闭订单 ${payload.platformOrderId}（${readback.status}）：关闭后不再上传单号。`,
        ),
      };
    case 'all_declared':
      return {
        type: 'refused',
        reason: 'all_declared',
        readback,
        message: localized(
          `AliExpress holds order ${payload.platformOrderId} as fully shipped (${readback.status}) without ${payload.trackingNumber}; correct the shipment by hand.`,
          `速卖通已将订单 ${payload.platformOrderId} 视为全部发货（${readback.status}），但不含单号 ${payload.trackingNumber}；请手动更正。`,
        ),
      };
    case 'wait':
      return {
        type: 'retry',
        needsReadback: false,
        code: 'NOT_DECLARABLE',
        message: `the platform order is ${readback.status}; not declarable now`,
        readback,
      };
    case 'send':
      return undefined;
  }
}

function failure(error: unknown, stillNeedsReadback: boolean, readback: ReadbackSummary | undefined): DeliveryOutcome {
  const extra = readback ? { readback } : {};
  if (error instanceof AmbiguousOutcomeError) {
    return {
      type: 'retry',
      needsReadback: true,
      code: error.code,
      message: error.message,
      outage: error.reason !== 'bad_response',
      ...extra,
    };
  }
  if (error instanceof RetryableMarketplaceError) {
    return {
      type: 'retry',
      needsReadback: stillNeedsReadback,
      outage: error.reason === 'server_error' || error.reason === 'network' || error.reason === 'timeout',
      code: error.code,
      message: error.message,
      ...(error.retryAfterMs !== undefined ? { retryAfterMs: error.retryAfterMs } : {}),
      ...extra,
    };
  }
  if (error instanceof PermanentMarketplaceError)
    return { type: 'failed', code: error.code, message: error.message, ...extra };
  // The token, not the upload, is at fault: the worker renews it once (then the upload goes again soon) or pauses
  // the shop, and the upload waits for it to be authorised again (app/shop-authorisation-upkeep.ts).
  if (error instanceof ReauthorisationRequiredError) {
    return {
      type: 'retry',
      needsReadback: stillNeedsReadback,
      code: error.code,
      message: error.message,
      retryAfterMs: error.retryAfterMs,
      outage: false,
      reauthorise: true,
      ...extra,
    };
  }
  if (error instanceof RangeError) return { type: 'failed', code: 'INVALID_REQUEST', message: error.message, ...extra };
  // Anything else happened somewhere we cannot see: treat it as an unknown outcome.
  return {
    type: 'retry',
    needsReadback: true,
    code: 'UNEXPECTED',
    message: error instanceof Error ? error.message : String(error),
    ...extra,
  };
}

async function deliverNotice(
  payload: NoticePayload,
  port: MarketplacePort,
  signal: AbortSignal | undefined,
): Promise<DeliveryOutcome> {
  // A platform with no usable message call (AliExpress: integrations/marketplace/aliexpress/adapter.ts) gets no
  // notice rows; one queued before that is settled as not sendable, with the reason.
  if (!port.notifyBuyer)
    return {
      type: 'failed',
      code: 'NOTICE_UNAVAILABLE',
      message: port.noticeUnavailable ?? 'the marketplace offers no buyer message call',
    };
  const options = signal ? { signal } : {};
  let buyer = payload.buyerLoginId;
  let seller = payload.sellerLoginId;
  try {
    if (!buyer || !seller) {
      const order = await port.pullOrder(payload.platformOrderId, options);
      buyer = order.buyerLoginId;
      seller = order.sellerLoginId;
      if (!buyer || !seller)
        return { type: 'failed', code: 'NO_BUYER', message: 'the platform order names no buyer or seller login id' };
    }
  } catch (error) {
    return failure(error, false, undefined);
  }
  try {
    await port.notifyBuyer(
      { orderId: payload.platformOrderId, buyerLoginId: buyer, sellerLoginId: seller, content: payload.content },
      options,
    );
    return { type: 'notice_sent' };
  } catch (error) {
    if (error instanceof AmbiguousOutcomeError)
      return { type: 'notice_unconfirmed', code: error.code, message: error.message };
    return failure(error, false, undefined);
  }
}

/** What a delivery's outcome says about the platform being there (core/marketplace-outage.ts). */
export function availabilitySignal(outcome: DeliveryOutcome): AvailabilitySignal {
  switch (outcome.type) {
    case 'accepted':
    case 'notice_sent':
    case 'refused':
      return 'answered';
    case 'failed':
      // A refusal with the platform's code is an answer; WORKER, UNKNOWN_KIND, NO_BUYER… happened on our side.
      return outcome.code === 'WORKER' || outcome.code === 'UNKNOWN_KIND' || outcome.code === 'NO_BUYER'
        ? 'neutral'
        : 'answered';
    case 'retry':
      return outcome.outage ? 'outage' : outcome.readback ? 'answered' : 'neutral';
    default:
      return 'neutral';
  }
}
