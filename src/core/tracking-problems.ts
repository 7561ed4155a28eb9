/**
 * What can go wrong with a parcel after it is shipped, each with what to do about it (marketplace-rules.md §1.8,
 * §1.10 and §6): not online N hours after hand-over, the three false-shipment signs the platform looks for,
 * stalled parcels, delivery failures and returns. Pure: the facts and the clock come in, problems go out.
 * A problem holds while its condition holds; the caller raises the new ones once and resolves the ones gone.
 */
import { localized, type Localized } from './i18n';
import { DAY_MS, HOUR_MS } from './time';
import type { TrackingState } from './tracking-status';

const PROBLEM_KINDS = [
  'not_online',
  'invalid_number',
  'scan_before_payment',
  'wrong_destination',
  'stalled',
  'delivery_failed',
  'returning',
  'returned',
  'lost_damaged',
  'extension_proposed',
] as const;
export type ProblemKind = (typeof PROBLEM_KINDS)[number];

export function isProblemKind(value: string): value is ProblemKind {
  return (PROBLEM_KINDS as readonly string[]).includes(value);
}

/** The kinds that are signs of a false shipment (§1.8): each one, left alone, can cost points and a fine. */
export const FALSE_SHIPMENT_KINDS: readonly ProblemKind[] = [
  'invalid_number',
  'scan_before_payment',
  'wrong_destination',
];

export type ProblemLevel = 'warning' | 'alarm' | 'breach';

export interface ProblemRules {
  /** Hours after hand-over without a first scan, each with its level. */
  notOnline: ReadonlyArray<{ afterHours: number; level: ProblemLevel }>;
  /** A parcel with no carrier news for this long is stalled. */
  stalledDays: { express: number; postal: number };
  /** A first scan this much before payment is not clock skew. */
  scanBeforePaymentToleranceMs: number;
}

export const DEFAULT_PROBLEM_RULES: ProblemRules = {
  // §6 (6): first carrier event within 5 days (rule) — warn at 48 h, alarm at 72 h; the 5-day limit breached at 120 h.
  notOnline: [
    { afterHours: 48, level: 'warning' },
    { afterHours: 72, level: 'alarm' },
    { afterHours: 120, level: 'breach' },
  ],
  // §6 "Stalled": AfterShip 30 d; TrackingMore 30 d express / 60 d postal.
  stalledDays: { express: 30, postal: 60 },
  // ASSUMPTION: carriers' clocks and zone-less times can be an hour off.
  scanBeforePaymentToleranceMs: HOUR_MS,
};

/** Couriers whose parcels count as express for the stalled rule; everything else (posts, lines) as postal. */
const EXPRESS_CARRIERS = new Set(['dhl', 'fedex', 'ups', 'tnt', 'sf', 'sf-express', 'ems', 'aramex', 'dpd', 'toll']);

export function isExpressCarrier(carrier: string | null | undefined): boolean {
  return carrier ? EXPRESS_CARRIERS.has(carrier.trim().toLowerCase()) : false;
}

export interface ParcelProblemFacts {
  parcelId: number;
  trackingNumber: string;
  carrier: string | null;
  /** When the seller declared it shipped (the upload, else the label): the online clock starts here. */
  declaredAt: number | null;
  paidAt: number;
  buyerCountry: string;
  state: TrackingState;
}

export interface DetectedProblem {
  /** Unique per order: the same problem is raised once. */
  key: string;
  kind: ProblemKind;
  level: ProblemLevel;
  message: Localized;
  action: Localized;
  data: Record<string, unknown>;
}

const iso = (ms: number) => new Date(ms).toISOString().slice(0, 16).replace('T', ' ') + ' UTC';

/** The problems a parcel has now. */
export function detectParcelProblems(
  facts: ParcelProblemFacts,
  now: number,
  rules: ProblemRules = DEFAULT_PROBLEM_RULES,
): DetectedProblem[] {
  const problems: DetectedProblem[] = [];
  addNotOnline(facts, now, rules, problems);
  addFalseShipmentSigns(facts, rules, problems);
  addStalled(facts, now, rules, problems);
  addCarrierReported(facts, problems);
  return problems;
}

/** No carrier scan yet, one problem per threshold passed since the parcel was declared shipped. */
function addNotOnline(facts: ParcelProblemFacts, now: number, rules: ProblemRules, problems: DetectedProblem[]): void {
  const { state } = facts;
  const tag = `p${facts.parcelId}`;
  const number = facts.trackingNumber;
  if (state.firstScanAt === null && facts.declaredAt !== null && state.phase < 2) {
    const hours = (now - facts.declaredAt) / HOUR_MS;
    for (const threshold of rules.notOnline) {
      if (hours < threshold.afterHours) continue;
      problems.push({
        key: `${tag}:not_online:${threshold.afterHours}`,
        kind: 'not_online',
        level: threshold.level,
        message: localized(
          `${number} has no carrier scan ${threshold.afterHours} h after it was declared shipped (${iso(facts.declaredAt)}).`,
          `运单 ${number} 声明发货（${iso(facts.declaredAt)}）${threshold.afterHours} 小时后仍未上网。`,
        ),
        action:
          threshold.level === 'breach'
            ? localized(
                'The 5-day online limit is passed: the platform may judge it a false shipment. Ask the carrier for an acceptance scan today, or ship again and correct the number on the platform.',
                '已超过 5 天上网期限：平台可能判定为虚假发货。请今天让承运商扫描收件，或重新发货并在平台更正运单号。',
              )
            : localized(
                'Check the parcel was really collected: call the carrier or the consolidation warehouse and get it scanned before the 5-day limit.',
                '请确认包裹已被揽收：联系承运商或集运仓，在 5 天期限前完成扫描。',
              ),
        data: { declared_at: facts.declaredAt, hours: threshold.afterHours },
      });
    }
  }
}

/** The three signs of a false shipment (§1.8): an unknown number, a scan before payment, another country. */
function addFalseShipmentSigns(facts: ParcelProblemFacts, rules: ProblemRules, problems: DetectedProblem[]): void {
  const { state } = facts;
  const tag = `p${facts.parcelId}`;
  const number = facts.trackingNumber;
  if (state.status === 'invalid_number') {
    problems.push({
      key: `${tag}:invalid_number`,
      kind: 'invalid_number',
      level: 'alarm',
      message: localized(
        `The carrier does not know ${number} (invalid or cancelled number).`,
        `承运商查无运单 ${number}（无效或已取消）。`,
      ),
      action: localized(
        'A number the carrier does not know is a false shipment: check the label against the upload and correct the number on the platform now.',
        '承运商查不到的单号属于虚假发货：请核对面单与上传的单号，立即在平台更正。',
      ),
      data: { raw_status: state.rawStatus, raw_substatus: state.rawSubstatus },
    });
  }

  if (state.firstScanAt !== null && state.firstScanAt < facts.paidAt - rules.scanBeforePaymentToleranceMs) {
    problems.push({
      key: `${tag}:scan_before_payment`,
      kind: 'scan_before_payment',
      level: 'alarm',
      message: localized(
        `The carrier accepted ${number} at ${iso(state.firstScanAt)}, before the order was paid (${iso(facts.paidAt)}).`,
        `承运商于 ${iso(state.firstScanAt)} 收件运单 ${number}，早于订单付款时间（${iso(facts.paidAt)}）。`,
      ),
      action: localized(
        'The number probably belongs to another parcel: find the right label and correct the number on the platform before it is judged a false shipment.',
        '该单号很可能属于其他包裹：请找到正确面单并在平台更正，以免被判定为虚假发货。',
      ),
      data: { first_scan_at: state.firstScanAt, paid_at: facts.paidAt },
    });
  }

  if (state.destinationCountry && state.destinationCountry.toUpperCase() !== facts.buyerCountry.toUpperCase()) {
    problems.push({
      key: `${tag}:wrong_destination`,
      kind: 'wrong_destination',
      level: 'alarm',
      message: localized(
        `${number} is going to ${state.destinationCountry}, but the buyer is in ${facts.buyerCountry}.`,
        `运单 ${number} 的目的国为 ${state.destinationCountry}，但买家在 ${facts.buyerCountry}。`,
      ),
      action: localized(
        "A parcel to another country is a false shipment: check whether labels were swapped, correct the number, and ship the buyer's parcel.",
        '寄往其他国家的包裹属于虚假发货：请检查面单是否贴错，更正单号并寄出买家的包裹。',
      ),
      data: { destination_country: state.destinationCountry, buyer_country: facts.buyerCountry },
    });
  }
}

/** No carrier news for longer than the carrier's limit (express or postal), or the tracking says stalled. */
function addStalled(facts: ParcelProblemFacts, now: number, rules: ProblemRules, problems: DetectedProblem[]): void {
  const { state } = facts;
  if (state.status === 'stalled' || (state.lastEventAt !== null && state.phase === 1)) {
    const limitDays = isExpressCarrier(facts.carrier) ? rules.stalledDays.express : rules.stalledDays.postal;
    const since = state.lastEventAt;
    if (since !== null && (state.status === 'stalled' || now - since >= limitDays * DAY_MS)) {
      const number = facts.trackingNumber;
      problems.push({
        key: `p${facts.parcelId}:stalled:${since}`,
        kind: 'stalled',
        level: 'alarm',
        message: localized(
          `${number} has had no carrier news since ${iso(since)} (limit ${limitDays} days).`,
          `运单 ${number} 自 ${iso(since)} 起无物流更新（期限 ${limitDays} 天）。`,
        ),
        action: localized(
          'Open an inquiry with the carrier, tell the buyer, and prepare a re-shipment or refund before the buyer opens a "not received" dispute.',
          '请向承运商发起查询并告知买家；在买家发起“未收到货”纠纷前准备补发或退款。',
        ),
        data: { last_event_at: since, limit_days: limitDays },
      });
    }
  }
}

/** What the carrier reports gone wrong: a failed delivery, a parcel on its way back or returned, lost or damaged. */
function addCarrierReported(facts: ParcelProblemFacts, problems: DetectedProblem[]): void {
  const { state } = facts;
  const tag = `p${facts.parcelId}`;
  const number = facts.trackingNumber;
  if (state.status === 'delivery_failed' && state.statusAt !== null) {
    problems.push({
      key: `${tag}:delivery_failed:${state.statusAt}`,
      kind: 'delivery_failed',
      level: 'warning',
      message: localized(
        `Delivery of ${number} failed at ${iso(state.statusAt)}: ${state.description ?? state.rawSubstatus ?? 'no reason given'}.`,
        `运单 ${number} 于 ${iso(state.statusAt)} 投递失败：${state.description ?? state.rawSubstatus ?? '未说明原因'}。`,
      ),
      action: localized(
        'Message the buyer to check the address and be available (or collect it), so it is not sent back.',
        '请联系买家核对地址并安排收件（或自提），以免包裹被退回。',
      ),
      data: { at: state.statusAt, raw_substatus: state.rawSubstatus },
    });
  }

  if (state.status === 'returning') {
    problems.push({
      key: `${tag}:returning`,
      kind: 'returning',
      level: 'alarm',
      message: localized(`${number} is on its way back to the sender.`, `运单 ${number} 正在退回发件人。`),
      action: localized(
        'Contact the buyer: re-ship or refund before a dispute; ask the carrier whether the return can still be stopped.',
        '请联系买家：在纠纷前补发或退款；询问承运商能否拦截退件。',
      ),
      data: { at: state.statusAt },
    });
  }

  if (state.status === 'returned') {
    problems.push({
      key: `${tag}:returned`,
      kind: 'returned',
      level: 'alarm',
      message: localized(`${number} was returned to the sender.`, `运单 ${number} 已退回发件人。`),
      action: localized(
        'Receive the returned goods into stock, then re-ship or refund the buyer.',
        '请将退回的货物入库，然后为买家补发或退款。',
      ),
      data: { at: state.returnedAt ?? state.statusAt },
    });
  }

  if (state.status === 'lost_damaged') {
    problems.push({
      key: `${tag}:lost_damaged`,
      kind: 'lost_damaged',
      level: 'alarm',
      message: localized(`The carrier reports ${number} lost or damaged.`, `承运商报告运单 ${number} 丢失或损坏。`),
      action: localized(
        'File a claim with the carrier (keep the tracking history as evidence) and re-ship or refund the buyer.',
        '请向承运商索赔（保留物流轨迹作为证据），并为买家补发或退款。',
      ),
      data: { at: state.statusAt, raw_substatus: state.rawSubstatus },
    });
  }
}
