/**
 * The vocabulary of the pre-upload tracking number checks (core/tracking/number-check.ts): the checks' ids and
 * labels, one check's outcome, what the caller tells the checks, and the report they give.
 */
import { localized, type Localized } from '../i18n';
import type { LogisticsClass } from '../carrier/logistics-class';
import type { FormatMatch, TrackingCarrier } from './formats';
import type { S10Parts } from './s10';

const TRACKING_CHECK_IDS = [
  'format',
  's10-check-digit',
  's10-service-indicator',
  's10-country',
  'reuse',
  'logistics-class',
] as const;
export type TrackingCheckId = (typeof TRACKING_CHECK_IDS)[number];
export type TrackingCheckResult = 'pass' | 'warn' | 'fail' | 'skip';

export const TRACKING_CHECK_LABELS: Record<TrackingCheckId, Localized> = {
  format: localized('format for the carrier', '承运商单号格式'),
  's10-check-digit': localized('S10 check digit', 'S10 校验位'),
  's10-service-indicator': localized('S10 service indicator', 'S10 业务代码'),
  's10-country': localized('S10 country code', 'S10 国家代码'),
  reuse: localized('not used by another order', '未被其他订单使用'),
  'logistics-class': localized("matches the buyer's logistics choice", '与买家所选物流方式一致'),
};

export interface TrackingCheck {
  id: TrackingCheckId;
  result: TrackingCheckResult;
  message: Localized;
  /** A failed format check the seller may overrule with a reason (an unrecognised format, no carrier declared). */
  confirmable?: true;
}

/** Another order that already carries this number (from the store's lookup). */
export interface TrackingNumberUse {
  orderId: string;
  usedAt: number; // epoch ms the number was attached to that order
}

/** The service the seller declares for the shipment. */
export interface DeclaredService {
  code: string;
  name?: Localized;
  logisticsClass: LogisticsClass;
  /** For postal services: the S10 service indicators the service issues, by first letter (ePacket 'L', EMS 'E'). */
  s10IndicatorFirstLetters?: string;
}

export interface TrackingCheckOptions {
  carrier?: string; // declared carrier: our code ('cainiao', 'china-post', 'ups', ...) or a common name ('EMS')
  country?: string; // destination country of the order (ISO alpha-2)
  service?: DeclaredService;
  buyerLogisticsClass?: LogisticsClass;
  usedBy?: readonly TrackingNumberUse[]; // undefined = not looked up (the check is skipped)
  now?: number; // with `now`, uses older than the re-use window are ignored
  reuseWindowDays?: number; // default 365: S10 numbers must not be re-used within 12 months
  override?: { reason: string }; // seller's reason for shipping below the buyer's logistics class
  /** Seller's confirmation of a number in no format we know, with no carrier declared (refused without it). */
  confirmUnrecognised?: { reason: string };
  /**
   * The marketplace issued this number for this order (its own online logistics): its format is the platform's, not
   * a guess to check; only the character checks and the re-use check apply.
   */
  issuedByPlatform?: boolean;
}

export interface TrackingNumberReport {
  input: string;
  number: string; // normalised: upper case, no spaces or hyphens
  valid: boolean;
  checks: TrackingCheck[];
  failed: TrackingCheckId[];
  declaredCarrier?: TrackingCarrier;
  hints: FormatMatch[]; // carriers whose formats the number matches: a hint, never a verdict
  s10?: S10Parts;
  summary: Localized;
  /** Refused only because its format is unrecognised with no carrier declared: a reason (confirmUnrecognised) would pass it. */
  needsConfirmation: boolean;
}
