/**
 * The what-if staffing of `GET /plan` read from its query, refused as a 400 naming the field (issue 19, finding 11)
 * by the same rules as a stored staffing (app/planning.ts setStaffing): shifts HH:MM-HH:MM; pick-ups HH:MM (24 h), at most 24; the zone
 * an IANA time zone. Before, a malformed one reached the planner (a 500, or a plan on nonsense times).
 */
import { ValidationError } from '../../app/errors';
import { parseShifts, parseTimes } from '../../app/planning';
import type { LocalWindow } from '../../core/schedule';
import { localized } from '../../core/i18n';
import { isCutoffTime } from '../../core/inventory';
import { isValidTimeZone } from '../../core/time';

export function planWhatIf(q: { shift?: string; pickups?: string; zone?: string }): {
  shifts?: LocalWindow[];
  pickups?: string[];
  zone?: string;
} {
  const issues = [];
  let shifts: LocalWindow[] | undefined;
  if (q.shift !== undefined) {
    shifts = parseShifts(q.shift);
    const bad = shifts.find((w) => !isCutoffTime(w.start) || !isCutoffTime(w.end) || w.start === w.end);
    if (bad || !shifts.length || shifts.length > 12) {
      issues.push({
        row: 0,
        field: 'shift',
        message: localized(
          `shift must be 1 to 12 windows HH:MM-HH:MM (24 h), start and end different, e.g. 09:00-12:00,13:00-18:00${bad ? `; "${bad.start}-${bad.end}" is not one` : ''}.`,
          `shift 须为 1 到 12 个 HH:MM-HH:MM（24 小时制）时段，开始与结束不同，例如 09:00-12:00,13:00-18:00${bad ? `；「${bad.start}-${bad.end}」无效` : ''}。`,
        ),
      });
    }
  }
  let pickups: string[] | undefined;
  if (q.pickups !== undefined) {
    pickups = parseTimes(q.pickups);
    const bad = q.pickups
      .split(',')
      .map((t) => t.trim())
      .find((t) => !isCutoffTime(t));
    if (bad !== undefined || !pickups.length) {
      issues.push({
        row: 0,
        field: 'pickups',
        message: localized(
          `pickups must be times HH:MM (24 h), comma-separated, e.g. 11:00,17:00${bad !== undefined ? `; "${bad}" is not one` : ''}.`,
          `pickups 须为逗号分隔的 HH:MM（24 小时制）时间，例如 11:00,17:00${bad !== undefined ? `；「${bad}」不是有效时间` : ''}。`,
        ),
      });
    } else if (pickups.length > 24) {
      issues.push({
        row: 0,
        field: 'pickups',
        message: localized('at most 24 pick-ups a day.', '每天最多 24 次揽收。'),
      });
    }
  }
  if (q.zone !== undefined && !isValidTimeZone(q.zone)) {
    issues.push({
      row: 0,
      field: 'zone',
      message: localized(
        `zone "${q.zone}" is not an IANA time zone (e.g. Asia/Shanghai).`,
        `zone「${q.zone}」不是 IANA 时区（例如 Asia/Shanghai）。`,
      ),
    });
  }
  if (issues.length) throw new ValidationError(issues);
  return {
    ...(shifts ? { shifts } : {}),
    ...(pickups ? { pickups } : {}),
    ...(q.zone !== undefined ? { zone: q.zone } : {}),
  };
}
