/**
 * How long an order takes to pick and pack: minutes per order + per line + per unit. The seller sets the three
 * figures (per shop or per warehouse); once enough packing sessions have been measured they are learned instead,
 * by non-negative least squares over the sessions' durations. Pure: the sessions are passed in.
 */
import { localized, type Localized } from './i18n';

export interface WorkEstimate {
  minutesPerOrder: number;
  minutesPerLine: number;
  minutesPerUnit: number;
}

/** One measured packing session: the order's size and how long it took. */
export interface PackingSample {
  lines: number;
  units: number;
  minutes: number;
}

/** Fewer measured sessions than this and the seller's figures stay in force. */
export const MIN_SESSIONS_TO_LEARN = 20;
/** A session longer than this was left open (a break, the end of a shift), not worked: it is not a measure. */
const MAX_SESSION_MINUTES = 240;

export interface FittedEstimate extends WorkEstimate {
  sessions: number;
  /** Root mean square error of the fit over the sessions, minutes. */
  rmseMinutes: number;
}

/** Work minutes of an order of this size under an estimate. */
export function workMinutes(estimate: WorkEstimate, lines: number, units: number): number {
  return estimate.minutesPerOrder + estimate.minutesPerLine * lines + estimate.minutesPerUnit * units;
}

/** The samples that measure work: a positive duration that is not a session left open. */
export function usableSamples(samples: readonly PackingSample[]): PackingSample[] {
  return samples.filter(
    (s) =>
      s.minutes > 0 && s.minutes <= MAX_SESSION_MINUTES && s.lines >= 1 && s.units >= 1 && Number.isFinite(s.minutes),
  );
}

/**
 * Non-negative least squares for the three coefficients: the best fit over every subset of them allowed to be
 * non-zero (at most 7 small systems), keeping only fits with no negative figure. Exact for three unknowns, and
 * a subset whose columns are collinear (every order of one line, say) is skipped, not guessed.
 * Returns undefined below `minSessions` usable samples.
 */
export function fitWorkEstimate(
  samples: readonly PackingSample[],
  minSessions = MIN_SESSIONS_TO_LEARN,
): FittedEstimate | undefined {
  const usable = usableSamples(samples);
  if (usable.length < Math.max(1, minSessions)) return undefined;
  const rows = usable.map((s) => [1, s.lines, s.units] as const);
  const y = usable.map((s) => s.minutes);
  // Normal equations A'A and A'y once; each subset is a principal sub-system.
  const ata = [0, 1, 2].map((i) => [0, 1, 2].map((j) => rows.reduce((sum, r) => sum + r[i]! * r[j]!, 0)));
  const aty = [0, 1, 2].map((i) => rows.reduce((sum, r, k) => sum + r[i]! * y[k]!, 0));
  let best: { coef: number[]; sse: number } | undefined;
  for (let mask = 1; mask < 8; mask++) {
    const cols = [0, 1, 2].filter((c) => mask & (1 << c));
    const solved = solve(
      cols.map((i) => cols.map((j) => ata[i]![j]!)),
      cols.map((i) => aty[i]!),
    );
    if (!solved || solved.some((v) => v < 0)) continue;
    const coef = [0, 0, 0];
    cols.forEach((c, k) => (coef[c] = solved[k]!));
    const sse = rows.reduce((sum, r, k) => sum + (r[0] * coef[0]! + r[1] * coef[1]! + r[2] * coef[2]! - y[k]!) ** 2, 0);
    if (!best || sse < best.sse - 1e-9) best = { coef, sse };
  }
  if (!best) return undefined;
  const round = (x: number) => Math.round(x * 1000) / 1000;
  return {
    minutesPerOrder: round(best.coef[0]!),
    minutesPerLine: round(best.coef[1]!),
    minutesPerUnit: round(best.coef[2]!),
    sessions: usable.length,
    rmseMinutes: round(Math.sqrt(best.sse / usable.length)),
  };
}

/** Gaussian elimination with partial pivoting; undefined when the system is (nearly) singular. */
function solve(a: number[][], b: number[]): number[] | undefined {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i]!]);
  const scale = Math.max(1, ...a.flat().map(Math.abs));
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(m[r]![col]!) > Math.abs(m[pivot]![col]!)) pivot = r;
    if (Math.abs(m[pivot]![col]!) < 1e-9 * scale) return undefined;
    [m[col], m[pivot]] = [m[pivot]!, m[col]!];
    for (let r = 0; r < n; r++) {
      if (r === col) continue;
      const f = m[r]![col]! / m[col]![col]!;
      for (let c = col; c <= n; c++) m[r]![c]! -= f * m[col]![c]!;
    }
  }
  return m.map((row, i) => row[n]! / row[i]!);
}

export type EstimateSource = 'learned' | 'shop' | 'warehouse' | 'default';

/** The estimate in force and where it comes from: learned when enough sessions were measured, else the seller's. */
export interface EstimateInForce extends WorkEstimate {
  source: EstimateSource;
  /** Usable measured sessions (whether or not enough to learn from). */
  sessions: number;
  rmseMinutes?: number;
  explanation: Localized;
}

/**
 * Picks the estimate in force: the learned one when there are enough sessions, else the shop's figures, else the
 * warehouse's, else the defaults.
 */
export function estimateInForce(options: {
  learned: FittedEstimate | undefined;
  sessions: number;
  shop?: WorkEstimate;
  warehouse?: WorkEstimate;
  defaults: WorkEstimate;
  minSessions?: number;
}): EstimateInForce {
  const min = options.minSessions ?? MIN_SESSIONS_TO_LEARN;
  const figures = (e: WorkEstimate) => `${e.minutesPerOrder} + ${e.minutesPerLine}/line + ${e.minutesPerUnit}/unit min`;
  const figuresZh = (e: WorkEstimate) =>
    `每单 ${e.minutesPerOrder} 分钟 + 每行 ${e.minutesPerLine} 分钟 + 每件 ${e.minutesPerUnit} 分钟`;
  if (options.learned) {
    const l = options.learned;
    return {
      minutesPerOrder: l.minutesPerOrder,
      minutesPerLine: l.minutesPerLine,
      minutesPerUnit: l.minutesPerUnit,
      source: 'learned',
      sessions: l.sessions,
      rmseMinutes: l.rmseMinutes,
      explanation: localized(
        `Learned from ${l.sessions} measured packing sessions: ${figures(l)} (typical error ${l.rmseMinutes} min).`,
        `根据 ${l.sessions} 次实测打包学习得出：${figuresZh(l)}（典型误差 ${l.rmseMinutes} 分钟）。`,
      ),
    };
  }
  const [source, set]: [EstimateSource, WorkEstimate] = options.shop
    ? ['shop', options.shop]
    : options.warehouse
      ? ['warehouse', options.warehouse]
      : ['default', options.defaults];
  const whose = {
    shop: ['the shop', '店铺'],
    warehouse: ['the warehouse', '仓库'],
    default: ['shipby (default)', 'shipby（默认）'],
  }[source];
  return {
    ...pick(set),
    source,
    sessions: options.sessions,
    explanation: localized(
      `Set by ${whose[0]}: ${figures(set)}; ${options.sessions} of the ${min} measured sessions needed to learn it.`,
      `由${whose[1]}设定：${figuresZh(set)}；已实测 ${options.sessions} 次，需 ${min} 次才能自动学习。`,
    ),
  };
}

function pick(e: WorkEstimate): WorkEstimate {
  return { minutesPerOrder: e.minutesPerOrder, minutesPerLine: e.minutesPerLine, minutesPerUnit: e.minutesPerUnit };
}
