/**
 * The verdict's shape ("can I still ship?") and what its situations share: one file per situation beside this one
 * (shipped, cancelled, closed, awaiting-count, open), each with its wording; index.ts decides which applies.
 */
import type { Localized } from '../i18n';
import type { Money } from '../money';
import type { MetricKey, Policy } from '../policy/schema';
import type { CompiledPolicy } from '../policy/compiled';
import { METRIC_NAMES, percentText, type Bilingual } from '../policy/wording';
import type { ShipBy } from '../deadline';
import type { FineQuote, OrderFacts } from '../penalty';
import { localized } from '../i18n';

export type VerdictStatus =
  | 'on_track'
  | 'past_internal_target'
  /** Before the deadline, but a hand-over now would be counted after it (e.g. the carrier scan comes too late). */
  | 'hand_over_window_missed'
  | 'late'
  /** Handed over; waiting for the event the platform counts (carrier scan, warehouse receipt). */
  | 'awaiting_count'
  /** Open, but it cannot ship until stock arrives. */
  | 'waiting_for_stock'
  | 'shipped_on_time'
  | 'shipped_late'
  | 'cancelled'
  | 'closed';

export type Course = 'ship_now' | 'ask_extension' | 'cancel' | 'void_label' | 'wait_for_stock' | 'none';

export interface CourseOption {
  course: Exclude<Course, 'none'>;
  available: boolean;
  /** Money this course costs (fine, plus the margin given up when cancelling); null when not comparable. */
  cost: Money | null;
  fine: FineQuote | null;
  points: number;
  metricEffects: readonly MetricKey[];
  explanation: Localized;
}

export interface StepAhead {
  /** The step applies to counted events after this instant. */
  startsAt: number;
  /** Hand over by this instant to stay below the step. */
  handOverBy: number;
  fine: Money;
  points: number;
}

export interface Verdict {
  status: VerdictStatus;
  now: number;
  shipBy: ShipBy;
  /** Deadline minus now; negative once late. */
  timeLeftMs: number;
  /** The latest hand-over whose counted event still falls on or before the deadline. */
  latestHandOverAt: number;
  internalTargetAt: number | null;
  closesAt: number | null;
  closedByPlatform: boolean;
  canStillShip: boolean;
  /** Lateness of the counted event: the actual one, the expected one, or one from a hand-over now. */
  latenessMs: number;
  fine: FineQuote;
  points: number;
  stepsAhead: StepAhead[];
  metricEffects: readonly MetricKey[];
  options: CourseOption[];
  recommended: Course;
  headline: Localized;
  sentences: Localized[];
}

export function effectsText(keys: readonly MetricKey[], compiled: CompiledPolicy): Localized | null {
  if (keys.length === 0) return null;
  const en = keys.map((key) => {
    const threshold = compiled.metricThreshold.get(key);
    const limit = threshold
      ? ` (limit ${threshold.direction === 'at_most' ? '≤' : '≥'} ${percentText(threshold.limit)})`
      : '';
    return `${METRIC_NAMES[key].en}${limit}`;
  });
  const zh = keys.map((key) => {
    const threshold = compiled.metricThreshold.get(key);
    const limit = threshold
      ? `（要求 ${threshold.direction === 'at_most' ? '≤' : '≥'} ${percentText(threshold.limit)}）`
      : '';
    return `${METRIC_NAMES[key].zh}${limit}`;
  });
  return localized(`Counts against: ${en.join(', ')}.`, `计入：${zh.join('、')}。`);
}

export function addMoney(a: Money, b: Money | undefined): Money | null {
  if (!b) return a;
  return a.currency === b.currency ? { amount: a.amount + b.amount, currency: a.currency } : null;
}

export const NO_EFFECTS: readonly MetricKey[] = [];

export type VerdictCommon = Pick<
  Verdict,
  'now' | 'shipBy' | 'timeLeftMs' | 'latestHandOverAt' | 'internalTargetAt' | 'closesAt'
>;
export type VerdictPart = Omit<Verdict, keyof VerdictCommon>;

/** What every situation reads: the order, its policy, the instant, and what the deadline makes of them. */
export interface VerdictInput {
  order: OrderFacts;
  policy: Policy;
  now: number;
  compiled: CompiledPolicy;
  zone: CompiledPolicy['zone'];
  shipBy: ShipBy;
  deadline: number;
  deadlineText: string;
  /** The event the platform counts as shipped, in words. */
  event: Bilingual;
  closesAt: number | null;
  latestHandOverAt: number;
  internalTargetAt: number | null;
  common: VerdictCommon;
  lastStep: number;
  /** What cancelling costs under the policy (the fine; the margin is added by the open situation). */
  cancelFine: FineQuote;
}

/** One literal with every field in a fixed order: V8 handles `{ ...common, more }` poorly (about 1 µs a field). */
export function assemble(common: VerdictCommon, part: VerdictPart): Verdict {
  return {
    status: part.status,
    now: common.now,
    shipBy: common.shipBy,
    timeLeftMs: common.timeLeftMs,
    latestHandOverAt: common.latestHandOverAt,
    internalTargetAt: common.internalTargetAt,
    closesAt: common.closesAt,
    closedByPlatform: part.closedByPlatform,
    canStillShip: part.canStillShip,
    latenessMs: part.latenessMs,
    fine: part.fine,
    points: part.points,
    stepsAhead: part.stepsAhead,
    metricEffects: part.metricEffects,
    options: part.options,
    recommended: part.recommended,
    headline: part.headline,
    sentences: part.sentences,
  };
}
