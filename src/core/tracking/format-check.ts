/**
 * The `format` check of a tracking number (core/tracking/number-check.ts): only letters and digits, a sane length,
 * then the declared carrier's formats (binding where our table is complete), a mistyped S10, or — with no carrier
 * declared — a recognisable format, else refused unless the seller confirms it with a reason.
 */
import { localized, type Localized } from '../i18n';
import {
  carrierFormatsAreComplete,
  carrierName,
  matchCarrierFormats,
  nearMissFormats,
  type FormatMatch,
  type TrackingCarrier,
} from './formats';
import type { TrackingCheck, TrackingCheckOptions } from './check-types';
import { s10ShapeProblem } from './s10-checks';
import { parseS10 } from './s10';

const MIN_LENGTH = 8;
const MAX_LENGTH = 40;

function describeMatches(matches: readonly FormatMatch[]): { en: string; zh: string } {
  const en = matches.map((m) => `${m.format} (${carrierName(m.carrier).en})`).join(', ');
  const zh = matches.map((m) => `${m.format}（${carrierName(m.carrier)['zh-CN']}）`).join('、');
  return { en, zh };
}

export interface FormatOutcome {
  check: TrackingCheck;
  declaredMatches?: FormatMatch[];
}

function formatCheck(result: TrackingCheck['result'], message: Localized): TrackingCheck {
  return { id: 'format', result, message };
}

export function checkFormat(
  number: string,
  declared: TrackingCarrier | undefined,
  options: TrackingCheckOptions,
  hints: FormatMatch[],
): FormatOutcome {
  const shapeFailure = unusableShape(number);
  if (shapeFailure) return { check: shapeFailure };
  if (options.issuedByPlatform) {
    return {
      check: formatCheck(
        'pass',
        localized(
          "Issued by the marketplace's own logistics for this order: no format guess needed.",
          '由平台线上物流为该订单签发：无需按格式推断。',
        ),
      ),
    };
  }

  // A mistyped S10 (a digit missing or extra) is invalid whatever else is declared, unless the declared carrier has a
  // format that explains the shape.
  const s10Problem = s10ShapeProblem(number);
  const declaredText = options.carrier;
  if (declaredText !== undefined && declared === undefined) {
    if (s10Problem) return { declaredMatches: [], check: formatCheck('fail', s10Problem) };
    return {
      check: formatCheck(
        'skip',
        localized(
          `No number formats on file for carrier "${declaredText}"; the carrier's tracking lookup decides.`,
          `系统中没有承运商“${declaredText}”的单号格式；以承运商轨迹查询为准。`,
        ),
      ),
    };
  }
  if (declared) return checkDeclaredCarrierFormat(number, declared, s10Problem);
  if (s10Problem) return { check: formatCheck('fail', s10Problem) };
  return { check: checkUndeclaredFormat(number, options, hints) };
}

/** Fails a number no carrier issues: other characters than letters and digits, an insane length, no digit. */
function unusableShape(number: string): TrackingCheck | null {
  const bad = number.match(/[^A-Z0-9]/);
  if (bad) {
    return formatCheck(
      'fail',
      localized(
        `Contains "${bad[0]}": a tracking number has only letters and digits.`,
        `包含字符“${bad[0]}”：跟踪单号只能由字母和数字组成。`,
      ),
    );
  }
  if (number.length < MIN_LENGTH || number.length > MAX_LENGTH) {
    return formatCheck(
      'fail',
      localized(
        `${number.length} characters: real tracking numbers have ${MIN_LENGTH}–${MAX_LENGTH}.`,
        `长度为 ${number.length} 个字符：真实跟踪单号为 ${MIN_LENGTH}–${MAX_LENGTH} 个字符。`,
      ),
    );
  }
  if (!/\d/.test(number)) {
    return formatCheck(
      'fail',
      localized('Has no digits: every carrier number contains digits.', '不含数字：所有承运商单号都包含数字。'),
    );
  }
  return null;
}

/** The declared carrier's formats: a match passes; else a mistyped S10, a near miss, or no match (binding or not). */
function checkDeclaredCarrierFormat(
  number: string,
  declared: TrackingCarrier,
  s10Problem: Localized | undefined,
): FormatOutcome {
  const name = carrierName(declared);
  const matches = matchCarrierFormats(number, declared);
  if (matches.length > 0) {
    const d = describeMatches(matches);
    return {
      declaredMatches: matches,
      check: formatCheck('pass', localized(`Matches ${d.en}.`, `符合 ${d.zh} 格式。`)),
    };
  }
  if (s10Problem) return { declaredMatches: [], check: formatCheck('fail', s10Problem) };
  const nearMisses = nearMissFormats(number, declared);
  if (nearMisses.length > 0) {
    return {
      declaredMatches: [],
      check: formatCheck(
        'fail',
        localized(
          `Starts like a ${nearMisses.join(' / ')} number but is malformed (wrong length or characters).`,
          `以 ${nearMisses.join(' / ')} 单号开头，但长度或字符不对。`,
        ),
      ),
    };
  }
  if (carrierFormatsAreComplete(declared)) {
    return {
      declaredMatches: [],
      check: formatCheck(
        'fail',
        localized(
          `Not a ${name.en} tracking number: it matches none of ${name.en}'s formats (or its check digit is wrong).`,
          `不是${name['zh-CN']}的跟踪单号：不符合任何${name['zh-CN']}单号格式（或校验位错误）。`,
        ),
      ),
    };
  }
  return {
    declaredMatches: [],
    check: formatCheck(
      'warn',
      localized(
        `Not one of the ${name.en} formats we know; our list for ${name.en} is incomplete, so the carrier lookup after upload decides.`,
        `不属于已知的${name['zh-CN']}单号格式；该承运商格式表不完整，以上传后的承运商查询为准。`,
      ),
    ),
  };
}

/** No carrier declared: a recognisable format passes as a hint; else refused unless the seller confirms it. */
function checkUndeclaredFormat(number: string, options: TrackingCheckOptions, hints: FormatMatch[]): TrackingCheck {
  if (hints.length > 0) {
    const d = describeMatches(hints);
    return formatCheck(
      'pass',
      localized(
        `Looks like ${d.en} (a hint; declare the carrier to check it).`,
        `看起来像 ${d.zh}（仅供参考；请填写承运商以便校验）。`,
      ),
    );
  }
  if (parseS10(number)) return formatCheck('pass', localized('UPU S10 format.', '符合 UPU S10 格式。'));
  // Unrecognised and no carrier to check it against: refused unless the seller confirms it with a reason.
  const reason = options.confirmUnrecognised?.reason.trim();
  if (reason) {
    return formatCheck(
      'warn',
      localized(
        `Format not recognised and no carrier declared; confirmed by the seller: ${reason}`,
        `无法识别单号格式且未填写承运商；卖家已确认：${reason}`,
      ),
    );
  }
  return {
    id: 'format',
    result: 'fail',
    confirmable: true,
    message: localized(
      "Format not recognised and no carrier declared: declare the parcel's carrier so its format can be checked, or confirm the number with the reason you are sure of it (recorded on the order's timeline).",
      '无法识别单号格式且未填写承运商：请填写包裹的承运商以便校验格式，或填写确认理由以确认此单号（理由将记录在订单时间线上）。',
    ),
  };
}
