/**
 * Pre-upload checks that a tracking number is real, so a shipment is never declared with a fake or wrong number
 * (AliExpress "false shipment", marketplace-rules.md §1.8 and §6 "False-shipment checks before upload").
 *
 * `checkTrackingNumber(number, options)` runs, in order:
 *   1. `format`                — syntax for the declared carrier (or, with none declared, a recognisable format:
 *                                an unrecognised one is refused unless the seller confirms it with a reason); a
 *                                number shaped like S10 with a digit missing or extra is refused whatever is declared;
 *   2. `s10-check-digit`       — UPU S10 check digit (only when the number is read as S10);
 *   3. `s10-service-indicator` — reserved J… and K… refused, domestic-only flagged, and it must fit the declared service;
 *   4. `s10-country`           — the last two letters are a real ISO country with an S10-issuing post;
 *   5. `reuse`                 — no other order used the number within the re-use window (12 months);
 *   6. `logistics-class`       — the declared service is at least the class the buyer chose, unless overridden
 *                                with a reason.
 * Each check reports `pass`, `warn` (passes, but a person should look), `fail` or `skip` (not applicable or no
 * data), with an English + zh-CN message. The number is valid when no check fails. Carrier detection from the
 * number is reported as `hints` and never refuses a number: only the DECLARED carrier's formats are binding, and
 * only where our table is complete or the number is a malformed variant of a published format (e.g. `LP123`).
 */
import { localized, type Localized } from '../i18n';
import { LOGISTICS_CLASS_LABELS, meetsLogisticsClass, type LogisticsClass } from '../carrier/logistics-class';
import {
  carrierFormatsAreComplete,
  carrierName,
  detectCarriers,
  matchCarrierFormats,
  nearMissFormats,
  resolveCarrier,
  type FormatMatch,
  type TrackingCarrier,
} from './formats';
import { s10Checks, s10ShapeProblem } from './s10-checks';
import { parseS10, type S10Parts } from './s10';

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

const DAY_MS = 86_400_000;
const MIN_LENGTH = 8;
const MAX_LENGTH = 40;

function describeMatches(matches: readonly FormatMatch[]): { en: string; zh: string } {
  const en = matches.map((m) => `${m.format} (${carrierName(m.carrier).en})`).join(', ');
  const zh = matches.map((m) => `${m.format}（${carrierName(m.carrier)['zh-CN']}）`).join('、');
  return { en, zh };
}

interface FormatOutcome {
  check: TrackingCheck;
  declaredMatches?: FormatMatch[];
}

function checkFormat(
  number: string,
  declared: TrackingCarrier | undefined,
  options: TrackingCheckOptions,
  hints: FormatMatch[],
): FormatOutcome {
  const declaredText = options.carrier;
  const bad = number.match(/[^A-Z0-9]/);
  if (bad) {
    return {
      check: {
        id: 'format',
        result: 'fail',
        message: localized(
          `Contains "${bad[0]}": a tracking number has only letters and digits.`,
          `包含字符“${bad[0]}”：跟踪单号只能由字母和数字组成。`,
        ),
      },
    };
  }
  if (number.length < MIN_LENGTH || number.length > MAX_LENGTH) {
    return {
      check: {
        id: 'format',
        result: 'fail',
        message: localized(
          `${number.length} characters: real tracking numbers have ${MIN_LENGTH}–${MAX_LENGTH}.`,
          `长度为 ${number.length} 个字符：真实跟踪单号为 ${MIN_LENGTH}–${MAX_LENGTH} 个字符。`,
        ),
      },
    };
  }
  if (!/\d/.test(number)) {
    return {
      check: {
        id: 'format',
        result: 'fail',
        message: localized(
          'Has no digits: every carrier number contains digits.',
          '不含数字：所有承运商单号都包含数字。',
        ),
      },
    };
  }

  if (options.issuedByPlatform) {
    return {
      check: {
        id: 'format',
        result: 'pass',
        message: localized(
          "Issued by the marketplace's own logistics for this order: no format guess needed.",
          '由平台线上物流为该订单签发：无需按格式推断。',
        ),
      },
    };
  }

  // A mistyped S10 (a digit missing or extra) is invalid whatever else is declared, unless the declared carrier has a
  // format that explains the shape.
  const s10Problem = s10ShapeProblem(number);
  const malformedS10 = (): FormatOutcome => ({
    declaredMatches: [],
    check: { id: 'format', result: 'fail', message: s10Problem! },
  });

  if (declaredText !== undefined && declared === undefined) {
    if (s10Problem) return malformedS10();
    return {
      check: {
        id: 'format',
        result: 'skip',
        message: localized(
          `No number formats on file for carrier "${declaredText}"; the carrier's tracking lookup decides.`,
          `系统中没有承运商“${declaredText}”的单号格式；以承运商轨迹查询为准。`,
        ),
      },
    };
  }

  if (declared) {
    const name = carrierName(declared);
    const matches = matchCarrierFormats(number, declared);
    if (matches.length > 0) {
      const d = describeMatches(matches);
      return {
        declaredMatches: matches,
        check: {
          id: 'format',
          result: 'pass',
          message: localized(`Matches ${d.en}.`, `符合 ${d.zh} 格式。`),
        },
      };
    }
    if (s10Problem) return malformedS10();
    const nearMisses = nearMissFormats(number, declared);
    if (nearMisses.length > 0) {
      return {
        declaredMatches: [],
        check: {
          id: 'format',
          result: 'fail',
          message: localized(
            `Starts like a ${nearMisses.join(' / ')} number but is malformed (wrong length or characters).`,
            `以 ${nearMisses.join(' / ')} 单号开头，但长度或字符不对。`,
          ),
        },
      };
    }
    if (carrierFormatsAreComplete(declared)) {
      return {
        declaredMatches: [],
        check: {
          id: 'format',
          result: 'fail',
          message: localized(
            `Not a ${name.en} tracking number: it matches none of ${name.en}'s formats (or its check digit is wrong).`,
            `不是${name['zh-CN']}的跟踪单号：不符合任何${name['zh-CN']}单号格式（或校验位错误）。`,
          ),
        },
      };
    }
    return {
      declaredMatches: [],
      check: {
        id: 'format',
        result: 'warn',
        message: localized(
          `Not one of the ${name.en} formats we know; our list for ${name.en} is incomplete, so the carrier lookup after upload decides.`,
          `不属于已知的${name['zh-CN']}单号格式；该承运商格式表不完整，以上传后的承运商查询为准。`,
        ),
      },
    };
  }

  if (s10Problem) return { check: malformedS10().check };
  if (hints.length > 0) {
    const d = describeMatches(hints);
    return {
      check: {
        id: 'format',
        result: 'pass',
        message: localized(
          `Looks like ${d.en} (a hint; declare the carrier to check it).`,
          `看起来像 ${d.zh}（仅供参考；请填写承运商以便校验）。`,
        ),
      },
    };
  }
  if (parseS10(number)) {
    return {
      check: { id: 'format', result: 'pass', message: localized('UPU S10 format.', '符合 UPU S10 格式。') },
    };
  }
  // Unrecognised and no carrier to check it against: refused unless the seller confirms it with a reason.
  const reason = options.confirmUnrecognised?.reason.trim();
  if (reason) {
    return {
      check: {
        id: 'format',
        result: 'warn',
        message: localized(
          `Format not recognised and no carrier declared; confirmed by the seller: ${reason}`,
          `无法识别单号格式且未填写承运商；卖家已确认：${reason}`,
        ),
      },
    };
  }
  return {
    check: {
      id: 'format',
      result: 'fail',
      confirmable: true,
      message: localized(
        "Format not recognised and no carrier declared: declare the parcel's carrier so its format can be checked, or confirm the number with the reason you are sure of it (recorded on the order's timeline).",
        '无法识别单号格式且未填写承运商：请填写包裹的承运商以便校验格式，或填写确认理由以确认此单号（理由将记录在订单时间线上）。',
      ),
    },
  };
}

/** Whether the number should be judged as an S10 identifier. */
function readsAsS10(
  parts: S10Parts | undefined,
  declaredMatches: FormatMatch[] | undefined,
  hints: FormatMatch[],
): boolean {
  if (!parts) return false;
  // A carrier-specific non-S10 format (e.g. Yanwen …YP) explains the shape better than "any post's S10".
  if (declaredMatches && declaredMatches.length > 0) return !declaredMatches.some((m) => !m.s10);
  if (declaredMatches) return true; // declared carrier did not recognise it: judge the S10 reading as well
  // No carrier declared: same preference, from the detection hints.
  return !hints.some((m) => !m.s10);
}

function reuseCheck(options: TrackingCheckOptions): TrackingCheck {
  if (!options.usedBy) {
    return {
      id: 'reuse',
      result: 'skip',
      message: localized('Not looked up against other orders.', '未与其他订单比对。'),
    };
  }
  const windowMs = (options.reuseWindowDays ?? 365) * DAY_MS;
  const now = options.now;
  const recent = options.usedBy.filter((use) => now === undefined || now - use.usedAt < windowMs);
  if (recent.length === 0) {
    return {
      id: 'reuse',
      result: 'pass',
      message: localized('No other order uses this number.', '没有其他订单使用此单号。'),
    };
  }
  const shown = recent.slice(0, 5).map((use) => use.orderId);
  const more = recent.length > shown.length ? ` (+${recent.length - shown.length})` : '';
  return {
    id: 'reuse',
    result: 'fail',
    message: localized(
      `Already used by order ${shown.join(', ')}${more}: one number belongs to one parcel.`,
      `已被订单 ${shown.join('、')}${more} 使用：一个单号只能对应一个包裹。`,
    ),
  };
}

function logisticsClassCheck(options: TrackingCheckOptions): TrackingCheck {
  const service = options.service;
  const buyer = options.buyerLogisticsClass;
  if (!service || !buyer) {
    return {
      id: 'logistics-class',
      result: 'skip',
      message: localized(
        "No declared service or buyer's logistics choice to compare.",
        '缺少申报物流服务或买家所选物流方式，无法比对。',
      ),
    };
  }
  const serviceClass = LOGISTICS_CLASS_LABELS[service.logisticsClass];
  const buyerClass = LOGISTICS_CLASS_LABELS[buyer];
  if (meetsLogisticsClass(service.logisticsClass, buyer)) {
    return {
      id: 'logistics-class',
      result: 'pass',
      message: localized(
        `Declared ${serviceClass.en} service meets the buyer's ${buyerClass.en} choice.`,
        `申报的${serviceClass['zh-CN']}服务满足买家选择的${buyerClass['zh-CN']}物流。`,
      ),
    };
  }
  const reason = options.override?.reason.trim();
  if (reason) {
    return {
      id: 'logistics-class',
      result: 'warn',
      message: localized(
        `Declared ${serviceClass.en} service is below the buyer's ${buyerClass.en} choice; overridden: ${reason}`,
        `申报的${serviceClass['zh-CN']}服务低于买家选择的${buyerClass['zh-CN']}物流；已人工确认：${reason}`,
      ),
    };
  }
  return {
    id: 'logistics-class',
    result: 'fail',
    message: localized(
      `Declared ${serviceClass.en} service is below the buyer's ${buyerClass.en} choice: ship the class the buyer chose, or record the buyer's agreement as an override reason.`,
      `申报的${serviceClass['zh-CN']}服务低于买家选择的${buyerClass['zh-CN']}物流：请按买家所选方式发货，或填写买家同意的理由。`,
    ),
  };
}

export function checkTrackingNumber(input: string, options: TrackingCheckOptions = {}): TrackingNumberReport {
  const number = input.replace(/[\s-]+/g, '').toUpperCase();
  const declared = options.carrier !== undefined ? resolveCarrier(options.carrier) : undefined;
  const sane = /^[A-Z0-9]+$/.test(number);
  const hints = sane ? detectCarriers(number) : [];
  const format = checkFormat(number, declared, options, hints);
  const checks: TrackingCheck[] = [format.check];

  const parts = sane ? parseS10(number) : undefined;
  if (parts && readsAsS10(parts, format.declaredMatches, hints)) {
    checks.push(...s10Checks(parts, options));
  } else {
    const why = parts
      ? localized('Read as a carrier format, not as UPU S10.', '按承运商格式识别，不按 UPU S10 校验。')
      : localized('Not a UPU S10 number.', '不是 UPU S10 单号。');
    checks.push(
      { id: 's10-check-digit', result: 'skip', message: why },
      { id: 's10-service-indicator', result: 'skip', message: why },
      { id: 's10-country', result: 'skip', message: why },
    );
  }
  checks.push(reuseCheck(options), logisticsClassCheck(options));

  const failed = checks.filter((check) => check.result === 'fail').map((check) => check.id);
  const warnings = checks.filter((check) => check.result === 'warn').length;
  let summary: Localized;
  if (failed.length === 0) {
    summary = localized(
      `Valid${warnings ? `, with ${warnings} warning${warnings > 1 ? 's' : ''} to review` : ''}.`,
      `有效${warnings ? `，有 ${warnings} 项提醒需要查看` : ''}。`,
    );
  } else {
    const first = checks.find((check) => check.result === 'fail')!;
    summary = localized(
      `Refused: failed ${failed.map((id) => TRACKING_CHECK_LABELS[id].en).join(', ')}. ${first.message.en}`,
      `拒绝：未通过${failed.map((id) => TRACKING_CHECK_LABELS[id]['zh-CN']).join('、')}。${first.message['zh-CN']}`,
    );
  }
  return {
    input,
    number,
    valid: failed.length === 0,
    checks,
    failed,
    ...(declared ? { declaredCarrier: declared } : {}),
    hints,
    ...(parts ? { s10: parts } : {}),
    summary,
    needsConfirmation:
      failed.length === 1 &&
      checks.some((check) => check.id === 'format' && check.result === 'fail' && check.confirmable === true),
  };
}
