/**
 * The rules of uploading a tracking number to a marketplace (declaring a shipment), pure: when a shop uploads, the
 * part/all rule, what a read-back of the platform's order means, and when a failed upload is retried or given up.
 * The outbox (app/upload-outbox.ts) applies them; nothing here does I/O or reads a clock.
 */
import { backoffMs } from './backoff';
import { localized, type Localized } from './i18n';
import { ORDER_PROGRESS, TERMINAL_ORDER_STATES, type OrderState } from './order';
import { HOUR_MS } from './time';

/** When a shop's tracking numbers go to the marketplace. */
export const UPLOAD_TIMINGS = ['label', 'first_scan', 'early'] as const;
export type UploadTiming = (typeof UPLOAD_TIMINGS)[number];

export function isUploadTiming(value: string): value is UploadTiming {
  return (UPLOAD_TIMINGS as readonly string[]).includes(value);
}

export const UPLOAD_TIMING_LABELS: Record<UploadTiming, Localized> = {
  label: localized('at label creation (default)', '创建面单时上传（默认）'),
  first_scan: localized("only after the carrier's first scan", '承运商首次扫描（上网）后才上传'),
  early: localized('early, before the label exists ("virtual shipment")', '提前上传，面单生成之前（“虚拟发货”）'),
};

/** The risk of "virtual shipment", shown whenever a shop chooses it and on every early upload. */
export const EARLY_UPLOAD_WARNING: Localized = localized(
  'Early upload ("virtual shipment") declares the order shipped before the parcel has a label or is with the carrier. ' +
    'AliExpress judges shipping by the first carrier scan: if none appears within 5 days of the upload, the order counts ' +
    'as a false shipment (points, a fine of USD 1–2 per order, lower search ranking), and a number that is never used ' +
    'counts as an invalid number. Use it only when the parcel will surely be handed over within a day.',
  '提前上传（“虚拟发货”）会在包裹生成面单、交给承运商之前就声明已发货。速卖通以承运商首次扫描（上网）判断是否发货：' +
    '上传后 5 天内没有上网记录，订单会被判为虚假发货（扣分、每单罚款 1–2 美元、搜索降权）；单号最终未被使用则按无效单号处理。' +
    '仅在确定包裹一天内能交给承运商时使用。',
);

export type SendType = 'part' | 'all';

/** The last parcel of an order is declared `all`; every earlier one `part` (marketplace-rules.md §3.3). */
export function sendTypeFor(lastParcel: boolean): SendType {
  return lastParcel ? 'all' : 'part';
}

/** An upload already queued for the same order. */
export interface QueuedUpload {
  trackingNumber: string;
  sendType: SendType;
  /** Outbox status; `cancelled` uploads no longer count. */
  status: string;
}

/**
 * Whether a new parcel may be queued for upload on an order: a number is never declared twice on an order, and
 * nothing follows the parcel that was declared the last one (`all`). Returns the refusal, or undefined.
 */
export function refuseNewUpload(queued: readonly QueuedUpload[], trackingNumber: string): Localized | undefined {
  const live = queued.filter((upload) => upload.status !== 'cancelled');
  if (live.some((upload) => upload.trackingNumber === trackingNumber)) {
    return localized(
      `Tracking number ${trackingNumber} is already queued or declared on this order; a number is declared once.`,
      `物流单号 ${trackingNumber} 已在该订单上排队或已申报；同一单号只申报一次。`,
    );
  }
  if (live.some((upload) => upload.sendType === 'all')) {
    return localized(
      "This order's last parcel was already marked (declared as send_type=all); no parcel can follow it.",
      '该订单的最后一个包裹已标记（以 send_type=all 申报），之后不能再添加包裹。',
    );
  }
  return undefined;
}

/**
 * What the platform's copy of the order means for a pending upload, read back before a retry after an unclear
 * failure (or before the first try after a worker lost its claim):
 * - `already_declared`: the number is on the order: the earlier attempt went through; do not send it again;
 * - `send`: the order accepts a declaration and does not carry the number: send it;
 * - `order_closed`: the order was closed or cancelled: refuse, never upload after closure;
 * - `all_declared`: the platform holds the order as fully shipped without this number: refuse;
 * - `wait`: the order is open but not declarable now (risk review, a cancellation request): try later.
 */
export type ReadbackVerdict = 'already_declared' | 'send' | 'order_closed' | 'all_declared' | 'wait';

export function readbackVerdict(input: {
  trackingNumber: string;
  declaredNumbers: readonly string[];
  /** The platform status allows a declaration now (AliExpress: WAIT_SELLER_SEND_GOODS, SELLER_PART_SEND_GOODS). */
  declarable: boolean;
  /** The platform status as a shipby order state, when known. */
  platformState: OrderState | undefined;
}): ReadbackVerdict {
  const wanted = normaliseNumber(input.trackingNumber);
  if (input.declaredNumbers.some((number) => normaliseNumber(number) === wanted)) return 'already_declared';
  if (input.declarable) return 'send';
  const state = input.platformState;
  if (state && TERMINAL_ORDER_STATES.includes(state)) return 'order_closed';
  if (state && ORDER_PROGRESS[state] >= ORDER_PROGRESS.shipped) return 'all_declared';
  return 'wait';
}

/** Our own order states after which nothing may be uploaded. */
export function isClosedForUpload(state: OrderState): boolean {
  return state === 'cancelled' || state === 'closed_unfulfilled';
}

function normaliseNumber(number: string): string {
  return number.replace(/[\s-]+/g, '').toUpperCase();
}

export interface RetryPolicy {
  /**
   * Failed attempts after which an outbox row WITHOUT a closing point (a buyer's notice, an upload without a
   * deadline) goes to the dead-letter list. An upload whose order can still be saved is never given up for
   * transient failures, however many (`afterFailure`).
   */
  maxAttempts: number;
  /** First backoff step (a wait in its upper half, equal jitter); doubles per failed attempt. */
  baseDelayMs: number;
  /** Cap of one step. */
  maxDelayMs: number;
  /** Within this much of the deadline, a step is at most `urgentMaxDelayMs`. */
  urgentWithinMs: number;
  urgentMaxDelayMs: number;
}

/**
 * The steps, for a real shop:
 * - A transient failure that is not a call limit (`ServiceUnavailable`, an `isp.*` error, an HTML page or a cut-off
 *   answer, a timeout) is almost always one request's bad luck: the platform answers the calls around it. The first
 *   retry comes after 0.5–1 s (a 1 s step, equal jitter), soon enough that an isolated failure costs a seller nothing,
 *   late enough that the uploads which failed together do not come back together. Each further failure of the same
 *   upload doubles the step (1–2 s, 2–4 s, …), so an upload the platform keeps failing costs it little; a failure
 *   the platform shares with every call is an outage, which marketplace-outage.ts puts on a grid instead.
 * - A call limit (`ApiCallLimit`: "this ban will last N seconds") is the platform saying when it takes calls again:
 *   the retry is never before the stated ban (`retryAfterMs`, gateway-errors.ts `banDurationMs`), and comes at a
 *   random point of the half step after it so the uploads banned together do not meet the next ban together;
 *   later failures wait the longer of the ban and the doubled step.
 * - The step is capped at 10 min, and at 30 s within 6 h of the ship-by deadline; no wait passes the order's closing
 *   point, which is its last chance to be saved (`nextAttemptAt`).
 */
export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 10,
  baseDelayMs: 1_000,
  maxDelayMs: 10 * 60_000,
  urgentWithinMs: 6 * HOUR_MS,
  urgentMaxDelayMs: 30_000,
};

/**
 * When to try again after the `attempt`-th attempt failed: exponential backoff with "equal jitter" (at least half the
 * step), never before the platform's stated wait (`retryAfterMs`, then spread over half the first step), and short
 * when the ship-by deadline is near so an urgent upload is not parked behind a long backoff. Never later than the
 * closing point (`closesAt`), so the last chance to save the order is tried, even inside a ban that outlasts it.
 * During a marketplace outage (`alignMs`) it is a point of a grid: the waiting uploads come due together, so the
 * claim (most urgent first) probes with the most urgent one. DEFAULT_RETRY_POLICY says why the steps are what they are.
 */
export function nextAttemptAt(input: {
  now: number;
  attempt: number;
  policy: RetryPolicy;
  deadlineAt: number | null;
  closesAt?: number | null;
  retryAfterMs?: number | undefined;
  /** In [0, 1). */
  random: number;
  alignMs?: number | undefined;
}): number {
  const { policy } = input;
  const urgent = input.deadlineAt !== null && input.deadlineAt - input.now <= policy.urgentWithinMs;
  const cap = urgent ? Math.min(policy.maxDelayMs, policy.urgentMaxDelayMs) : policy.maxDelayMs;
  const delay = backoffMs({ firstMs: policy.baseDelayMs, maxMs: cap, jitter: 'equal' }, input.attempt, input.random);
  const banned =
    input.retryAfterMs === undefined ? 0 : input.retryAfterMs + Math.floor((input.random * policy.baseDelayMs) / 2);
  const next = input.alignMs
    ? alignedAttemptAt(input.now, delay, input.retryAfterMs ?? 0, input.alignMs)
    : input.now + Math.max(delay, banned);
  return input.closesAt != null && input.closesAt > input.now ? Math.min(next, input.closesAt) : next;
}

/**
 * On the grid of `alignMs`: as many grid points after the current grid period as the delay needs (at least one), so
 * every upload tried within one period comes due at the same point whatever its jitter; never before Retry-After.
 */
function alignedAttemptAt(now: number, delayMs: number, retryAfterMs: number, alignMs: number): number {
  const steps = Math.max(1, Math.ceil(delayMs / alignMs));
  const aligned = (Math.floor(now / alignMs) + steps) * alignMs;
  return aligned >= now + retryAfterMs ? aligned : Math.ceil((now + retryAfterMs) / alignMs) * alignMs;
}

/**
 * The point after which the platform closes the order and no number can be uploaded any more: the ship-by
 * deadline plus the policy's closing hours (`closing.hoursAfterDeadline`), or, when the policy names none, plus its
 * grace (`graceHours`; 0 without a policy). Null when the order has no deadline.
 */
export function uploadClosesAt(
  deadlineAt: number | null,
  policy: { closingHoursAfterDeadline: number | null; graceHours: number } | undefined,
): number | null {
  if (deadlineAt === null) return null;
  const hours = policy ? (policy.closingHoursAfterDeadline ?? policy.graceHours) : 0;
  return deadlineAt + hours * HOUR_MS;
}

/**
 * After a failed attempt: retry, or give up into the dead-letter list. "An upload is never abandoned while its
 * order can still be saved":
 * - a permanent refusal (credentials, parameters, a business rule the read-back could not explain) is dead at once;
 * - a transient failure (5xx, timeout, refused connection, rate limit, an unknown outcome) is retried as long as the
 *   order's closing point has not passed, however many attempts that takes; once it has, the order cannot be saved
 *   and the row is dead;
 * - a row with no closing point (a buyer's notice, an upload without a deadline) is dead after `maxAttempts`, except
 *   that the attempts made while the marketplace is down (`duringOutage`) do not use them up.
 */
export function afterFailure(input: {
  attempts: number;
  permanent: boolean;
  now: number;
  closesAt: number | null;
  policy: RetryPolicy;
  duringOutage?: boolean;
}): 'retry' | 'dead' {
  if (input.permanent) return 'dead';
  if (input.closesAt !== null) return input.now < input.closesAt ? 'retry' : 'dead';
  if (input.duringOutage) return 'retry';
  return input.attempts >= input.policy.maxAttempts ? 'dead' : 'retry';
}

/** The queue order: the earliest ship-by deadline first; uploads without one after all that have one. */
export const NO_DEADLINE_PRIORITY = 8.64e15;

export function uploadPriority(shipByAt: number | null): number {
  return shipByAt ?? NO_DEADLINE_PRIORITY;
}

/** The buyer's notice once a number is accepted (sent through the marketplace's order messages, in English). */
export function buyerNoticeText(input: {
  platformOrderId: string;
  trackingNumber: string;
  carrierName: string;
  lastParcel: boolean;
}): string {
  const which = input.lastParcel ? 'Your order' : 'Part of your order';
  return (
    `${which} ${input.platformOrderId} has shipped with ${input.carrierName}, tracking number ${input.trackingNumber}. ` +
    'Tracking usually shows the first scan within 1-3 days. Thank you for your order!'
  );
}
