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
import {
  TRACKING_CHECK_LABELS,
  type TrackingCheck,
  type TrackingCheckOptions,
  type TrackingNumberReport,
} from './check-types';
import { checkFormat } from './format-check';
import { detectCarriers, resolveCarrier, type FormatMatch } from './formats';
import { logisticsClassCheck, reuseCheck } from './order-checks';
import { s10Checks } from './s10-checks';
import { parseS10, type S10Parts } from './s10';

// The checks' vocabulary, as their callers name it.
export {
  TRACKING_CHECK_LABELS,
  type TrackingCheck,
  type TrackingCheckId,
  type TrackingCheckResult,
  type TrackingNumberReport,
} from './check-types';

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
