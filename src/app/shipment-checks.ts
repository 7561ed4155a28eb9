/**
 * Marking shipped, phase 2 (shipments.ts): each input checked against what was read under the orders' locks — the
 * number (format, check digit, re-use, not twice in the request), the shop's connection, the order machine, the
 * order's queued uploads and the parcel's state — and its plan decided; nothing is written. Every problem is
 * collected: a ValidationError for the issues, else a ConflictError naming the first conflict.
 */
import { localized, type Localized } from '../core/i18n';
import { orderMachine, type OrderState, type ParcelAction, type ParcelState } from '../core/order';
import type { ImportIssue } from '../core/order-input';
import { decide } from '../core/state-machine';
import { checkTrackingNumber } from '../core/tracking/number-check';
import {
  EARLY_UPLOAD_WARNING,
  isClosedForUpload,
  isUploadTiming,
  refuseNewUpload,
  sendTypeFor,
  type QueuedUpload,
  type UploadTiming,
} from '../core/upload-rules';
import type { MarketplaceConnectionRow, OrderRow, ParcelRow } from '../store/schema';
import { ConflictError, ValidationError } from './errors';
import type { ShipParcelInput } from './shipments';

/** What marking one input shipped will write. */
export interface ShipmentPlan {
  input: ShipParcelInput;
  order: OrderRow;
  number: string;
  timing: UploadTiming;
  /** The existing parcel; none when one is to be created. */
  parcel: ParcelRow | undefined;
  path: ParcelAction[];
  warnings: Localized[];
  confirmedUnrecognised: string | undefined;
}

/** What the checks read, under the orders' locks. */
export interface ShipmentFacts {
  now: number;
  byId: ReadonlyMap<number, OrderRow>;
  connections: ReadonlyMap<string, MarketplaceConnectionRow>;
  /** Each order's uploads already queued (the request's own are added as they are planned). */
  queued: Map<number, QueuedUpload[]>;
  /** The inputs' numbers, normalised, in input order. */
  numbers: readonly string[];
  uses: ReadonlyMap<string, Array<{ order_id: number; platform_order_id: string; used_at: number }>>;
  parcels: ReadonlyMap<number, ParcelRow>;
}

interface Conflict {
  rule: string;
  message: Localized;
  state: string;
}

/** One input's outcome: its plan, or the first problem found (an issue of the input, or a conflict of state). */
type ShipmentCheck = { plan: ShipmentPlan } | { issue: ImportIssue } | { conflict: Conflict };

/** Checks every input and decides its plan; throws with every problem found, writing nothing. */
export function checkShipments(inputs: readonly ShipParcelInput[], facts: ShipmentFacts): ShipmentPlan[] {
  const issues: ImportIssue[] = [];
  const numberInBatch = new Map<string, number>();
  const conflicts: Conflict[] = [];
  const plans: ShipmentPlan[] = [];
  inputs.forEach((input, index) => {
    const checked = checkShipment(input, index, facts, numberInBatch);
    if ('plan' in checked) plans.push(checked.plan);
    else if ('issue' in checked) issues.push(checked.issue);
    else conflicts.push(checked.conflict);
  });
  if (issues.length) throw new ValidationError(issues);
  if (conflicts.length) {
    const first = conflicts[0]!;
    const more = conflicts.length > 1 ? ` (+${conflicts.length - 1})` : '';
    throw new ConflictError(first.rule, localized(first.message.en + more, first.message['zh-CN'] + more), first.state);
  }
  return plans;
}

/**
 * One input: its order, the shop's connection, the order machine, the number, the order's queued uploads and the
 * parcel. A planned upload joins the order's queued ones in `facts.queued`, so the next input of the order sees it.
 */
function checkShipment(
  input: ShipParcelInput,
  index: number,
  facts: ShipmentFacts,
  numberInBatch: Map<string, number>,
): ShipmentCheck {
  const row = index + 1;
  const order = facts.byId.get(input.orderId);
  if (!order) {
    return {
      issue: {
        row,
        field: 'order',
        message: localized(`order ${input.orderId} not found.`, `未找到订单 ${input.orderId}。`),
      },
    };
  }
  const connection = facts.connections.get(order.shop_id);
  if (!connection) {
    return {
      issue: {
        row,
        field: 'shop',
        message: localized(
          `shop ${order.shop_id} is not connected to its marketplace, so shipby cannot upload this number: enter it in the marketplace's seller centre yourself, or have the account's owner connect the shop first.`,
          `店铺 ${order.shop_id} 未连接平台，shipby 无法上传此单号：请自行在平台卖家后台填写，或请账户所有者先连接店铺。`,
        ),
      },
    };
  }
  if (!input.serviceName.trim()) {
    return {
      issue: { row, field: 'service', message: localized('the carrier service is required.', '必须填写物流服务。') },
    };
  }
  const state = order.status as OrderState;
  const orderConflict = refuseShippingOrder(order, state, input);
  if (orderConflict) return { conflict: orderConflict };
  const number = facts.numbers[index]!;
  const checked = checkNumberOfInput(input, row, order, number, facts, numberInBatch);
  if ('issue' in checked) return checked;
  const already = facts.queued.get(order.id) ?? [];
  const refusal = refuseNewUpload(already, number);
  if (refusal) return { conflict: { rule: 'upload.order_parcels', message: refusal, state } };
  const timing: UploadTiming = isUploadTiming(connection.upload_timing) ? connection.upload_timing : 'label';
  const parcelCheck = parcelOfInput(input, row, order, facts.parcels);
  if (!('parcel' in parcelCheck)) return parcelCheck;
  const { parcel, from } = parcelCheck;
  // At label creation (and for a first scan later) the parcel carries its label; early uploads leave it as it is.
  const path: ParcelAction[] =
    timing === 'early' ? [] : from === 'created' ? ['pack', 'label'] : from === 'packed' ? ['label'] : [];
  const warnings = timing === 'early' ? [EARLY_UPLOAD_WARNING] : [];
  already.push({ trackingNumber: number, sendType: sendTypeFor(input.lastParcel), status: 'pending' });
  facts.queued.set(order.id, already);
  return {
    plan: {
      input,
      order,
      number,
      timing,
      parcel,
      path,
      warnings,
      confirmedUnrecognised: checked.confirmedUnrecognised,
    },
  };
}

/** The order may not ship: it is closed for uploads, or the order machine refuses the send type. */
function refuseShippingOrder(order: OrderRow, state: OrderState, input: ShipParcelInput): Conflict | null {
  if (isClosedForUpload(state)) {
    return {
      rule: 'upload.order_closed',
      state,
      message: localized(
        `order ${order.platform_order_id} is ${state}: a tracking number is never uploaded after the order was closed.`,
        `订单 ${order.platform_order_id} 已${state === 'cancelled' ? '取消' : '关闭'}：订单关闭后不再上传物流单号。`,
      ),
    };
  }
  const sendType = sendTypeFor(input.lastParcel);
  const decision = decide(orderMachine, state, sendType === 'all' ? 'ship_all' : 'ship_part', {});
  return decision.ok ? null : { rule: decision.rule, message: decision.message, state };
}

/** The number: not on two orders of this request, and passing its checks (or confirmed by the seller). */
function checkNumberOfInput(
  input: ShipParcelInput,
  row: number,
  order: OrderRow,
  number: string,
  facts: ShipmentFacts,
  numberInBatch: Map<string, number>,
): { issue: ImportIssue } | { confirmedUnrecognised: string | undefined } {
  const batchUse = numberInBatch.get(number);
  if (batchUse !== undefined && batchUse !== order.id) {
    return {
      issue: {
        row,
        field: 'tracking_number',
        message: localized(
          `tracking number ${number} appears on two orders in this request.`,
          `物流单号 ${number} 在本次请求中出现在两个订单上。`,
        ),
      },
    };
  }
  numberInBatch.set(number, order.id);
  const usedBy = (facts.uses.get(number) ?? [])
    .filter((use) => use.order_id !== order.id)
    .map((use) => ({ orderId: use.platform_order_id, usedAt: use.used_at }));
  const carrier = input.carrier ?? carrierForService(input.serviceName);
  const check = validateTrackingNumber({
    trackingNumber: number,
    carrier,
    country: order.buyer_country,
    usedBy,
    now: facts.now,
    confirmUnrecognised: input.confirmUnrecognised,
  });
  if (check.refusal) {
    // Refused only for want of the seller's word: the issue names the field that would pass it, so a form can ask.
    return {
      issue: {
        row,
        field: check.needsConfirmation ? 'confirm_unrecognised.reason' : 'tracking_number',
        message: check.refusal,
      },
    };
  }
  return { confirmedUnrecognised: check.confirmedUnrecognised };
}

/** The input's parcel (none: one is to be created): the order's own, in a state whose number can be queued. */
function parcelOfInput(
  input: ShipParcelInput,
  row: number,
  order: OrderRow,
  parcels: ReadonlyMap<number, ParcelRow>,
): { parcel: ParcelRow | undefined; from: ParcelState } | { issue: ImportIssue } | { conflict: Conflict } {
  let parcel: ParcelRow | undefined;
  if (input.parcelId !== undefined) {
    parcel = parcels.get(input.parcelId);
    if (!parcel || parcel.order_id !== order.id) {
      return {
        issue: {
          row,
          field: 'parcel',
          message: localized(
            `parcel ${input.parcelId} is not a parcel of this order.`,
            `包裹 ${input.parcelId} 不属于该订单。`,
          ),
        },
      };
    }
  }
  const from = (parcel?.status ?? 'created') as ParcelState;
  if (!UPLOADABLE_STATES.includes(from)) {
    return {
      conflict: {
        rule: 'parcel.upload_tracking.from',
        state: from,
        message: localized(
          `parcel ${parcel?.id} is ${from}; its number cannot be queued for upload.`,
          `包裹 ${parcel?.id} 状态为「${from}」，不能排队上传单号。`,
        ),
      },
    };
  }
  return { parcel, from };
}

/** The one place a number is checked before it is queued (core/tracking). */
function validateTrackingNumber(input: {
  trackingNumber: string;
  carrier: string | undefined;
  country: string;
  usedBy: Array<{ orderId: string; usedAt: number }>;
  now: number;
  /** An unrecognised format with no carrier is refused unless confirmed with a reason (then recorded). */
  confirmUnrecognised?: { reason: string } | undefined;
}): { number: string; refusal?: Localized; needsConfirmation?: boolean; confirmedUnrecognised?: string } {
  const report = checkTrackingNumber(input.trackingNumber, {
    ...(input.carrier ? { carrier: input.carrier } : {}),
    country: input.country,
    usedBy: input.usedBy,
    now: input.now,
    ...(input.confirmUnrecognised ? { confirmUnrecognised: input.confirmUnrecognised } : {}),
  });
  if (!report.valid)
    return { number: report.number, refusal: report.summary, needsConfirmation: report.needsConfirmation };
  // The confirmation counts only when it was needed: the format check passed on the seller's word.
  const format = report.checks.find((check) => check.id === 'format');
  const reason = input.confirmUnrecognised?.reason.trim();
  return format?.result === 'warn' && reason && !input.carrier
    ? { number: report.number, confirmedUnrecognised: reason }
    : { number: report.number };
}

/** The carrier behind an AliExpress logistics service key, for the number's format checks. */
export function carrierForService(serviceName: string): string | undefined {
  const key = serviceName.trim().toUpperCase();
  if (key.startsWith('CAINIAO') || key.startsWith('AE_')) return 'cainiao';
  if (key.startsWith('YANWEN')) return 'yanwen';
  if (key === 'EMS' || key.startsWith('EMS_')) return 'ems';
  if (key === 'CPAM' || key.startsWith('CHINA_POST') || key === 'EPACKET') return 'china-post';
  if (key.startsWith('YUN')) return 'yunexpress';
  if (key.startsWith('4PX') || key.startsWith('FOURPX')) return '4px';
  return undefined;
}

const UPLOADABLE_STATES: readonly ParcelState[] = ['created', 'packed', 'labelled', 'handed_over'];
