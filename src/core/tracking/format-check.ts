/**
 * The `format` check of a tracking number (core/tracking/number-check.ts): only letters and digits, a sane length,
 * then the declared carrier's formats (binding where our table is complete), a mistyped S10, or — with no carrier
 * declared — a recognisable format, else refused unless the seller confirms it with a reason.
 */
import { localized } from '../i18n';
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

export function checkFormat(
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
