/**
 * The rules of the pack station, pure: what a scan means, when a parcel is complete, and whether a weighed parcel
 * is what it should be.
 *
 * - `sellerUnits(lines, mappings)`: the order's lines as the seller SKUs a packer holds in hand (a marketplace SKU
 *   mapped to a bundle becomes its components, quantity × units), merged per SKU in first-seen order.
 * - `judgeScan(expected, scanned, reading)`: a scan is accepted only when it is an item of the parcel that is
 *   still missing; an unknown code, an item of another parcel or order, and one too many are refused on the spot
 *   with what is still expected.
 * - `judgeWeight(expectedG, measuredG, tolerance)`: within ± max(minG, expected × basisPoints / 10000) of the
 *   expected gross weight, or the parcel is stopped for a check.
 * - `packSessionMachine`: the session's states and moves (scanning → weighing → scanning … → done; held for a weight
 *   check; cancelled), one declared table like the order's.
 */
import { localized, type Localized } from './i18n';
import { defineMachine } from './state-machine';

export interface OrderLineUnits {
  sku: string; // the order line's (marketplace) SKU
  quantity: number;
}

/** A marketplace SKU of the shop = `units` of a seller SKU; a bundle is several components. */
export interface SkuComponent {
  sku: string;
  units: number;
}

export interface ExpectedItem {
  sku: string;
  quantity: number;
}

/** Lines → seller SKUs and quantities (mapped components when the shop maps the SKU, else the SKU itself). */
export function sellerUnits(
  lines: readonly OrderLineUnits[],
  mappings: ReadonlyMap<string, readonly SkuComponent[]>,
): ExpectedItem[] {
  const bySku = new Map<string, number>();
  for (const line of lines) {
    const components = mappings.get(line.sku);
    if (components && components.length > 0) {
      for (const c of components) bySku.set(c.sku, (bySku.get(c.sku) ?? 0) + line.quantity * c.units);
    } else {
      bySku.set(line.sku, (bySku.get(line.sku) ?? 0) + line.quantity);
    }
  }
  return [...bySku].map(([sku, quantity]) => ({ sku, quantity }));
}

/** What is left after taking `taken` away (e.g. units already in other parcels); never negative. */
export function subtractItems(from: readonly ExpectedItem[], taken: readonly ExpectedItem[]): ExpectedItem[] {
  const left = new Map(from.map((i) => [i.sku, i.quantity]));
  for (const t of taken) if (left.has(t.sku)) left.set(t.sku, Math.max(0, left.get(t.sku)! - t.quantity));
  return [...left].filter(([, q]) => q > 0).map(([sku, quantity]) => ({ sku, quantity }));
}

export interface ItemProgress {
  sku: string;
  expected: number;
  scanned: number;
  remaining: number;
}

export function progressOf(expected: readonly ExpectedItem[], scanned: ReadonlyMap<string, number>): ItemProgress[] {
  return expected.map((item) => {
    const done = Math.min(scanned.get(item.sku) ?? 0, item.quantity);
    return { sku: item.sku, expected: item.quantity, scanned: done, remaining: item.quantity - done };
  });
}

function isComplete(expected: readonly ExpectedItem[], scanned: ReadonlyMap<string, number>): boolean {
  return expected.every((item) => (scanned.get(item.sku) ?? 0) >= item.quantity);
}

/** "SKU-A ×1, SKU-B ×2" — what is still missing, or that nothing is. */
export function describeRemaining(progress: readonly ItemProgress[]): Localized {
  const missing = progress.filter((p) => p.remaining > 0);
  if (missing.length === 0) return localized('nothing: this parcel is complete', '无：该包裹已装齐');
  const list = missing.map((p) => `${p.sku} ×${p.remaining}`).join(', ');
  return localized(list, missing.map((p) => `${p.sku} ×${p.remaining}`).join('、'));
}

export type ScanRefusal = 'unknown-code' | 'wrong-item' | 'too-many';

/** How the station read a scanned code. */
export interface ScanReading {
  code: string;
  /** The seller SKU the code names (by SKU or item barcode); undefined when no SKU has this code. */
  sku?: string;
  /** When the SKU is in another parcel of the same order: that parcel's position (1-based) for the hint. */
  inOtherParcel?: number;
}

export type ScanJudgement =
  | { accepted: true; sku: string; progress: ItemProgress[]; complete: boolean; message: Localized }
  | { accepted: false; refusal: ScanRefusal; sku?: string; progress: ItemProgress[]; message: Localized };

export function judgeScan(
  expected: readonly ExpectedItem[],
  scanned: ReadonlyMap<string, number>,
  reading: ScanReading,
): ScanJudgement {
  const progress = progressOf(expected, scanned);
  const still = describeRemaining(progress);
  if (reading.sku === undefined) {
    return {
      accepted: false,
      refusal: 'unknown-code',
      progress,
      message: localized(
        `"${reading.code}" is not a SKU or item barcode we know: put it aside. Expected: ${still.en}.`,
        `「${reading.code}」不是已知的 SKU 或商品条码：请放到一边。应扫描：${still['zh-CN']}。`,
      ),
    };
  }
  const sku = reading.sku;
  const item = expected.find((i) => i.sku === sku);
  if (!item) {
    const where =
      reading.inOtherParcel !== undefined
        ? localized(
            ` It belongs in parcel ${reading.inOtherParcel} of this order.`,
            `它属于本订单的第 ${reading.inOtherParcel} 个包裹。`,
          )
        : localized(' It is not in this order.', '它不在本订单中。');
    return {
      accepted: false,
      refusal: 'wrong-item',
      sku,
      progress,
      message: localized(
        `Wrong item: ${sku} is not in this parcel.${where.en} Expected: ${still.en}.`,
        `商品错误：${sku} 不属于此包裹。${where['zh-CN']}应扫描：${still['zh-CN']}。`,
      ),
    };
  }
  const done = scanned.get(sku) ?? 0;
  if (done >= item.quantity) {
    return {
      accepted: false,
      refusal: 'too-many',
      sku,
      progress,
      message: localized(
        `One too many: this parcel takes ${item.quantity} × ${sku}, all already scanned. Take it out. Expected: ${still.en}.`,
        `多扫了一件：此包裹只需 ${item.quantity} 件 ${sku}，已全部扫描。请取出。应扫描：${still['zh-CN']}。`,
      ),
    };
  }
  const after = new Map(scanned);
  after.set(sku, done + 1);
  const nextProgress = progressOf(expected, after);
  const complete = isComplete(expected, after);
  const left = describeRemaining(nextProgress);
  return {
    accepted: true,
    sku,
    progress: nextProgress,
    complete,
    message: complete
      ? localized(
          `${sku} ${done + 1}/${item.quantity}. Parcel complete.`,
          `${sku} ${done + 1}/${item.quantity}。包裹已装齐。`,
        )
      : localized(
          `${sku} ${done + 1}/${item.quantity}. Still expected: ${left.en}.`,
          `${sku} ${done + 1}/${item.quantity}。还需：${left['zh-CN']}。`,
        ),
  };
}

export interface WeightTolerance {
  /** Relative: 500 = ±5 %. */
  basisPoints: number;
  /** Absolute floor of the band, so a light parcel is not stopped for a scale's last digit. */
  minG: number;
}

/** ASSUMPTION: ±5 %, at least ±20 g — a missing or extra small item shows, scale noise does not. Settable per session. */
export const DEFAULT_WEIGHT_TOLERANCE: WeightTolerance = { basisPoints: 500, minG: 20 };

export function weightRange(expectedG: number, tolerance: WeightTolerance): { minG: number; maxG: number } {
  const band = Math.max(tolerance.minG, Math.ceil((expectedG * tolerance.basisPoints) / 10_000));
  return { minG: Math.max(0, expectedG - band), maxG: expectedG + band };
}

export interface WeightJudgement {
  ok: boolean;
  expectedG: number;
  measuredG: number;
  range: { minG: number; maxG: number };
  deviationG: number;
  message: Localized;
}

export function judgeWeight(expectedG: number, measuredG: number, tolerance: WeightTolerance): WeightJudgement {
  const range = weightRange(expectedG, tolerance);
  const deviationG = measuredG - expectedG;
  const ok = measuredG >= range.minG && measuredG <= range.maxG;
  const signed = `${deviationG >= 0 ? '+' : ''}${deviationG} g`;
  const message = ok
    ? localized(
        `${measuredG} g is within ${range.minG}–${range.maxG} g (${signed}).`,
        `${measuredG} 克，在 ${range.minG}–${range.maxG} 克范围内（${signed}）。`,
      )
    : localized(
        `${measuredG} g is outside ${range.minG}–${range.maxG} g (expected ${expectedG} g, ${signed}): the parcel is stopped for a check — ${deviationG > 0 ? 'something extra inside?' : 'something missing?'} Re-weigh after checking, or accept with a reason.`,
        `${measuredG} 克，超出 ${range.minG}–${range.maxG} 克（应为 ${expectedG} 克，${signed}）：包裹已暂停待查——${deviationG > 0 ? '是否多装了东西？' : '是否少装了东西？'}检查后重新称重，或填写理由后放行。`,
      );
  return { ok, expectedG, measuredG, range, deviationG, message };
}

export function isWeightTolerance(value: { basisPoints: number; minG: number }): boolean {
  return (
    Number.isInteger(value.basisPoints) &&
    value.basisPoints >= 0 &&
    value.basisPoints <= 5_000 &&
    Number.isInteger(value.minG) &&
    value.minG >= 0 &&
    value.minG <= 10_000
  );
}

// ---------------------------------------------------------------------------------------------------------------
// The pack session's lifecycle: one declared table (state-machine.ts), moved by `decide` in app/pack-session-moves.ts.

export const PACK_SESSION_STATES = ['scanning', 'weighing', 'held', 'done', 'cancelled'] as const;
export type PackSessionState = (typeof PACK_SESSION_STATES)[number];

export const packSessionMachine = defineMachine({
  name: 'pack_session',
  label: { en: 'pack session', zh: '打包会话' },
  states: PACK_SESSION_STATES,
  transitions: {
    /** An item scanned into the current parcel (or refused): the parcel still needs more. */
    scan: { from: ['scanning'], to: 'scanning' },
    /** The current parcel's last item: the parcel is packed and waits for the scale. */
    pack_parcel: { from: ['scanning'], to: 'weighing' },
    /** The scale reads outside the tolerance: the parcel is held for a check. */
    hold: { from: ['weighing', 'held'], to: 'held' },
    /** Weighed (or accepted with a reason), and another planned parcel is left to pack. */
    next_parcel: { from: ['weighing', 'held'], to: 'scanning' },
    /** Weighed, and every parcel of the order is packed. */
    finish: { from: ['weighing', 'held'], to: 'done' },
    cancel: { from: ['scanning', 'weighing', 'held'], to: 'cancelled' },
  },
});
export type PackSessionAction = keyof typeof packSessionMachine.transitions;

/** The states of a session still being packed (the order's one open session). */
export const OPEN_PACK_SESSION_STATES: readonly PackSessionState[] = packSessionMachine.transitions.cancel.from;
