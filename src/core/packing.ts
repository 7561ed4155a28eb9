/**
 * Box choice and parcel weights.
 *
 * `chooseBoxes(items, boxes, options?)` packs the order's items (each unit separately, with quantities expanded)
 * into the cheapest box from the catalogue that holds them all, rotations allowed (any of the 6 axis-aligned
 * orientations). It returns a real placement — every unit's corner (x, y, z) and placed dimensions in the box's
 * inner space — and checks it before returning (inside the box, no overlaps, gross weight within the box's limit).
 * When no single box holds everything it splits the order into several parcels and says so; a unit that fits no
 * box at all is reported as unpackable instead of being silently dropped.
 *
 * How: for each box in order of cost, cheap bounds first (weight, total volume, each unit fits alone), then an
 * extreme-point heuristic (Crainic, Perboli & Tadei 2008) tried with several item orders and two placement
 * rules; for orders of at most `exactItemLimit` units (default 3) an exact search settles what the heuristic could
 * not: for every orientation choice and every choice of a separating axis and side per pair of units, the
 * tightest coordinates are longest paths in the "is before" graph on each axis, and a placement exists iff one of
 * these fits — so for small orders "cheapest box" is exact, for larger ones it is the heuristic's best. The
 * placement inside one box is packing-placement.ts.
 *
 * Weights: `grossWeightG` = contents + box tare; a box's `maxWeightG` limits the gross weight. With
 * `options.volumetricDivisors` (carrier/service code → cm³ per kg) each parcel reports its volumetric weight for
 * each carrier, from the box's outer dimensions (`outerMm`, defaulting to the inner ones).
 */
import { localized, type Localized } from './i18n';
import { volumetricWeightG } from './carrier/rate-card';
import {
  boundsAllow,
  boxVolume,
  exactPack,
  extremePointPack,
  fitsAlone,
  fitsDims,
  heuristicPack,
  ORDERS,
  type Placed,
  type Unit,
} from './packing-placement';
export { orientations } from './packing-placement';

export type Dims = readonly [number, number, number];

export interface Box {
  code: string;
  innerMm: Dims;
  outerMm?: Dims;
  maxWeightG: number; // gross: contents + tare
  tareG: number;
  cost: number; // minor units; all boxes in one catalogue share a currency
}

export interface PackItem {
  sku: string;
  dimsMm: Dims;
  weightG: number;
  quantity?: number; // default 1
}

export interface Placement {
  sku: string;
  unit: number; // index of the unit in the expanded order (items in order, each repeated `quantity` times)
  x: number;
  y: number;
  z: number;
  dimsMm: Dims; // as placed (rotated)
}

export interface PackedParcel {
  box: Box;
  placements: Placement[];
  contentWeightG: number;
  grossWeightG: number;
  outerMm: Dims;
  volumetricG: Record<string, number>;
}

export interface UnpackableUnit {
  sku: string;
  unit: number;
  reason: Localized;
}

export interface PackingResult {
  parcels: PackedParcel[];
  split: boolean; // more than one parcel
  unpackable: UnpackableUnit[];
  boxCost: number; // sum of the boxes' cost
  /** True when every parcel's box is provably the cheapest for its contents (small orders). */
  exact: boolean;
  message: Localized;
}

export interface PackingOptions {
  volumetricDivisors?: Readonly<Record<string, number>>;
  /** Orders with at most this many units get the exact search when the heuristic fails (default 3). */
  exactItemLimit?: number;
}
function byCost(boxes: readonly Box[]): Box[] {
  return [...boxes].sort((a, b) => a.cost - b.cost || boxVolume(a) - boxVolume(b) || a.code.localeCompare(b.code));
}

interface SingleBox {
  box: Box;
  placed: Placed[];
  exact: boolean; // no cheaper box can hold these units (proved)
}

function cheapestSingleBox(
  units: readonly Unit[],
  sortedBoxes: readonly Box[],
  exactLimit: number,
): SingleBox | undefined {
  const canBeExact = units.length <= exactLimit;
  for (const box of sortedBoxes) {
    if (!boundsAllow(units, box)) continue;
    const placed = heuristicPack(units, box) ?? (canBeExact ? exactPack(units, box) : undefined);
    if (placed) return { box, placed, exact: canBeExact };
  }
  return undefined;
}

/**
 * Exact answer to "do these items fit this box together?" (weight and geometry), with a placement when they do.
 * Exponential in the number of units: meant for a handful (≤ 4).
 */
export function packExactly(items: readonly PackItem[], box: Box): Placement[] | undefined {
  const units = expand(items);
  if (units.reduce((sum, u) => sum + u.weightG, box.tareG) > box.maxWeightG) return undefined;
  const placed = exactPack(units, box);
  return placed?.map((p) => ({
    sku: p.unit.sku,
    unit: p.unit.index,
    x: p.x,
    y: p.y,
    z: p.z,
    dimsMm: [p.w, p.d, p.h] as Dims,
  }));
}

/** Checks a placement: inside the box, no two units overlap, gross weight within the limit. Returns the problems. */
function verifyPacking(parcel: Pick<PackedParcel, 'box' | 'placements' | 'grossWeightG'>): string[] {
  const problems: string[] = [];
  const [W, D, H] = parcel.box.innerMm;
  const ps = parcel.placements;
  for (const p of ps) {
    const [w, d, h] = p.dimsMm;
    if (p.x < 0 || p.y < 0 || p.z < 0 || p.x + w > W || p.y + d > D || p.z + h > H) {
      problems.push(`unit ${p.unit} (${p.sku}) sticks out of box ${parcel.box.code}`);
    }
  }
  for (let i = 0; i < ps.length; i++) {
    for (let j = i + 1; j < ps.length; j++) {
      const a = ps[i]!;
      const b = ps[j]!;
      if (
        a.x < b.x + b.dimsMm[0] &&
        b.x < a.x + a.dimsMm[0] &&
        a.y < b.y + b.dimsMm[1] &&
        b.y < a.y + a.dimsMm[1] &&
        a.z < b.z + b.dimsMm[2] &&
        b.z < a.z + a.dimsMm[2]
      ) {
        problems.push(`units ${a.unit} and ${b.unit} overlap`);
      }
    }
  }
  if (parcel.grossWeightG > parcel.box.maxWeightG) {
    problems.push(`gross ${parcel.grossWeightG} g exceeds box ${parcel.box.code} limit ${parcel.box.maxWeightG} g`);
  }
  return problems;
}

function toParcel(box: Box, placed: readonly Placed[], divisors: Readonly<Record<string, number>>): PackedParcel {
  const placements = placed
    .map((p) => ({ sku: p.unit.sku, unit: p.unit.index, x: p.x, y: p.y, z: p.z, dimsMm: [p.w, p.d, p.h] as Dims }))
    .sort((a, b) => a.unit - b.unit);
  const contentWeightG = placed.reduce((sum, p) => sum + p.unit.weightG, 0);
  const outerMm = box.outerMm ?? box.innerMm;
  const volumetricG: Record<string, number> = {};
  for (const [carrier, divisor] of Object.entries(divisors)) volumetricG[carrier] = volumetricWeightG(outerMm, divisor);
  const parcel: PackedParcel = {
    box,
    placements,
    contentWeightG,
    grossWeightG: contentWeightG + box.tareG,
    outerMm,
    volumetricG,
  };
  const problems = verifyPacking(parcel);
  if (problems.length > 0) throw new Error(`Packing produced an invalid placement: ${problems.join('; ')}`);
  return parcel;
}

function expand(items: readonly PackItem[]): Unit[] {
  const units: Unit[] = [];
  for (const item of items) {
    const quantity = item.quantity ?? 1;
    if (!Number.isInteger(quantity) || quantity < 0)
      throw new RangeError(`Quantity of ${item.sku} must be a whole number.`);
    if (item.dimsMm.some((d) => !(d > 0)) || !(item.weightG >= 0))
      throw new RangeError(`${item.sku} needs positive dimensions and a weight.`);
    for (let q = 0; q < quantity; q++) {
      units.push({
        index: units.length,
        sku: item.sku,
        dims: item.dimsMm,
        volume: item.dimsMm[0] * item.dimsMm[1] * item.dimsMm[2],
        weightG: item.weightG,
      });
    }
  }
  return units;
}

export function chooseBoxes(
  items: readonly PackItem[],
  boxes: readonly Box[],
  options: PackingOptions = {},
): PackingResult {
  const exactLimit = options.exactItemLimit ?? 3;
  const divisors = options.volumetricDivisors ?? {};
  const sorted = byCost(boxes);
  const units = expand(items);

  const unpackable: UnpackableUnit[] = [];
  const packable: Unit[] = [];
  for (const unit of units) {
    if (sorted.some((box) => fitsAlone(unit, box))) {
      packable.push(unit);
      continue;
    }
    const tooBig = !sorted.some((box) => fitsDims(unit.dims, box.innerMm));
    unpackable.push({
      sku: unit.sku,
      unit: unit.index,
      reason: tooBig
        ? localized(
            `${unit.sku} (${unit.dims.join('×')} mm) fits no box in the catalogue.`,
            `${unit.sku}（${unit.dims.join('×')} 毫米）放不进任何包装箱。`,
          )
        : localized(
            `${unit.sku} (${unit.weightG} g) is too heavy for every box that fits it.`,
            `${unit.sku}（${unit.weightG} 克）超过所有可装下它的箱子的承重。`,
          ),
    });
  }

  const parcels: PackedParcel[] = [];
  let exact = true;
  let remaining = packable;
  while (remaining.length > 0) {
    const single = cheapestSingleBox(remaining, sorted, exactLimit);
    if (single) {
      parcels.push(toParcel(single.box, single.placed, divisors));
      exact &&= single.exact;
      break;
    }
    // Nothing holds the rest: fill the box that takes the most volume, then downsize that parcel's box.
    let best: { box: Box; placed: Placed[]; volume: number } | undefined;
    const byVolume = [...remaining].sort(ORDERS[0]);
    for (const box of sorted) {
      const placed = extremePointPack(byVolume, box, 'bottom-back-left', true) ?? [];
      const volume = placed.reduce((sum, p) => sum + p.unit.volume, 0);
      if (placed.length > 0 && (!best || volume > best.volume)) best = { box, placed, volume };
    }
    if (!best) throw new Error('Packing made no progress although every unit fits some box alone.');
    const subset = best.placed.map((p) => p.unit);
    const downsized = cheapestSingleBox(subset, sorted, exactLimit);
    const chosen = downsized ?? { box: best.box, placed: best.placed, exact: false };
    parcels.push(toParcel(chosen.box, chosen.placed, divisors));
    exact = false; // how to split is a heuristic choice
    const taken = new Set(subset.map((u) => u.index));
    remaining = remaining.filter((u) => !taken.has(u.index));
  }

  const boxCost = parcels.reduce((sum, p) => sum + p.box.cost, 0);
  const split = parcels.length > 1;
  const describe = parcels.map((p) => `${p.box.code} (${p.placements.length}, ${p.grossWeightG} g)`).join(', ');
  let message: Localized;
  if (parcels.length === 0) {
    message = localized('Nothing to pack: no item fits any box.', '没有可装箱的商品：所有商品都放不进任何箱子。');
  } else if (split) {
    message = localized(
      `No single box holds all ${packable.length} items; split into ${parcels.length} parcels: ${describe}.`,
      `没有一个箱子能装下全部 ${packable.length} 件商品；拆分为 ${parcels.length} 个包裹：${describe}。`,
    );
  } else {
    message = localized(`Packed in ${describe}.`, `装入 ${describe}。`);
  }
  if (unpackable.length > 0) {
    message = localized(
      `${message.en} ${unpackable.length} item(s) fit no box: ${unpackable.map((u) => u.reason.en).join(' ')}`,
      `${message['zh-CN']} 有 ${unpackable.length} 件商品无法装箱：${unpackable.map((u) => u.reason['zh-CN']).join('')}`,
    );
  }
  return { parcels, split, unpackable, boxCost, exact: exact && unpackable.length === 0, message };
}
