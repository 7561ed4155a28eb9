/**
 * Receipt confirmation (marketplace-rules.md §1.12, §6 "Receipt auto-confirm", "Extension of acceptance time").
 *
 * After the last shipment the platform waits for the buyer; when the promised delivery time (`freight_commit_day`
 * days after shipment) runs out without a dispute, the order is confirmed automatically. The days are the platform's
 * countdown (`over_time_left` = shipment + N days, exact to the second, §1.3 and §1.12): N × 24 hours of elapsed
 * time, NOT N calendar days in a zone, so a countdown across a daylight-saving switch ends an hour earlier or later
 * on the local wall clock (108 days = 2592 h, whatever the zone). The policy's zone is where the time is shown. When
 * the order does not give the days, the fallbacks by logistics class apply (ASSUMPTION in the digest).
 */
import { localized, type Localized } from './i18n';
import { DAY_MS } from './time';
import type { TrackingStatus } from './tracking-status';
import { MOVING_STATUSES } from './tracking-status';

export type ReceiptClass = 'express' | 'standard' | 'economy' | 'choice';

export interface ReceiptRules {
  fallbackDays: Record<ReceiptClass, number>;
  /** Propose extending the buyer's acceptance time when the parcel still moves this close to auto-confirmation. */
  proposeExtensionWithinDays: number;
  /** How many days to propose. */
  proposedExtensionDays: number;
}

export const DEFAULT_RECEIPT_RULES: ReceiptRules = {
  // Digest §1.12 / §6: ASSUMPTION defaults when the API gives no freight_commit_day.
  fallbackDays: { express: 27, standard: 45, economy: 60, choice: 90 },
  // Digest §6: "propose when tracking shows IN_TRANSIT within 10 days of auto-confirm" (trigger ASSUMPTION).
  proposeExtensionWithinDays: 10,
  // ASSUMPTION: long enough for a parcel already in the destination country.
  proposedExtensionDays: 15,
};

const EXPRESS_WORDS = /EXPRESS|DHL|FEDEX|UPS|TNT|EMS|SF_|ARAMEX|PREMIUM/;
const ECONOMY_WORDS = /ECONOMY|ECONOMIC|SAVER|SUPER_ECONOMY|SMALL_PACKET|CPAP/;

/**
 * The receipt class of an order: Choice (semi/full-managed modes) first, then the service name the buyer chose.
 * Premium services count as express for the receipt clock (the shorter window, so nothing is confirmed late).
 */
export function receiptClassOf(
  logisticsService: string | null | undefined,
  policyMode: string | null | undefined,
): ReceiptClass {
  if (policyMode && /semi|full|jit|choice/i.test(policyMode)) return 'choice';
  const key = (logisticsService ?? '').toUpperCase();
  if (EXPRESS_WORDS.test(key)) return 'express';
  if (ECONOMY_WORDS.test(key)) return 'economy';
  return 'standard';
}

export interface ReceiptFacts {
  /** The last shipment: when the last parcel's number was declared. */
  lastShippedAt: number;
  /** The promised delivery days the order gives (`freight_commit_day`), if any. */
  freightCommitDays: number | null;
  receiptClass: ReceiptClass;
  /** Days the buyer's acceptance time was extended by. */
  extensionDays: number;
  /** The policy's zone, in which the time is shown (the countdown itself is elapsed hours). */
  zone: string;
}

export interface AutoConfirmation {
  at: number;
  days: number;
  source: 'order' | 'fallback';
  explanation: Localized;
}

export function autoConfirmationOf(facts: ReceiptFacts, rules: ReceiptRules = DEFAULT_RECEIPT_RULES): AutoConfirmation {
  const fromOrder = facts.freightCommitDays !== null && facts.freightCommitDays > 0;
  const base = fromOrder ? facts.freightCommitDays! : rules.fallbackDays[facts.receiptClass];
  const days = base + Math.max(0, facts.extensionDays);
  // Add hours, not calendar days: the platform's countdown is elapsed time (marketplace-rules.md §1.3).
  const at = facts.lastShippedAt + days * DAY_MS;
  const extension = facts.extensionDays > 0 ? ` + ${facts.extensionDays} d extension` : '';
  const extensionZh = facts.extensionDays > 0 ? ` + 延长 ${facts.extensionDays} 天` : '';
  return {
    at,
    days,
    source: fromOrder ? 'order' : 'fallback',
    explanation: fromOrder
      ? localized(
          `last shipment + ${base} promised delivery days (freight_commit_day)${extension}, ${days} × 24 h as the platform counts, shown in ${facts.zone}`,
          `最后发货时间 + 承诺运达 ${base} 天（freight_commit_day）${extensionZh}，按平台计时为 ${days} × 24 小时，以 ${facts.zone} 时间显示`,
        )
      : localized(
          `last shipment + ${base} days (fallback for ${facts.receiptClass} shipping: the order gives no promised delivery time)${extension}, ${days} × 24 h as the platform counts, shown in ${facts.zone}`,
          `最后发货时间 + ${base} 天（订单未提供承诺运达时间，按${RECEIPT_CLASS_ZH[facts.receiptClass]}默认值）${extensionZh}，按平台计时为 ${days} × 24 小时，以 ${facts.zone} 时间显示`,
        ),
  };
}

const RECEIPT_CLASS_ZH: Record<ReceiptClass, string> = {
  express: '快速类',
  standard: '标准类',
  economy: '经济类',
  choice: 'Choice',
};

/** True when the order is due for automatic confirmation now. */
export function isAutoConfirmDue(autoConfirmAt: number, now: number, hasOpenCase: boolean): boolean {
  return !hasOpenCase && now >= autoConfirmAt;
}

/**
 * Whether to propose extending the buyer's acceptance time: the order confirms itself within the window while a
 * parcel is still on its way.
 */
export function extensionProposal(
  autoConfirmAt: number,
  now: number,
  parcelStatuses: ReadonlyArray<TrackingStatus | null>,
  rules: ReceiptRules = DEFAULT_RECEIPT_RULES,
): { days: number; message: Localized; action: Localized } | undefined {
  if (now >= autoConfirmAt || autoConfirmAt - now > rules.proposeExtensionWithinDays * DAY_MS) return undefined;
  const moving = parcelStatuses.filter((status) => status === null || MOVING_STATUSES.includes(status));
  if (moving.length === 0) return undefined;
  const leftDays = Math.max(0, Math.ceil((autoConfirmAt - now) / DAY_MS));
  return {
    days: rules.proposedExtensionDays,
    message: localized(
      `The order confirms itself in ${leftDays} day(s) while a parcel is still on its way.`,
      `订单将在 ${leftDays} 天后自动确认收货，但包裹仍在途中。`,
    ),
    action: localized(
      `Extend the buyer's acceptance time by ${rules.proposedExtensionDays} days on the marketplace so the buyer does not open a dispute before the parcel arrives, and record the extension on the order's receipt in the dashboard.`,
      `请在平台上将买家确认收货时间延长 ${rules.proposedExtensionDays} 天，以免买家在包裹到达前发起纠纷；并在控制台订单的收货确认处记录此次延长。`,
    ),
  };
}
