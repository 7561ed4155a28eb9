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
 * these fits — so for small orders "cheapest box" is exact, for larger ones it is the heuristic's best.
 *
 * Weights: `grossWeightG` = contents + box tare; a box's `maxWeightG` limits the gross weight. With
 * `options.volumetricDivisors` (carrier/service code → cm³ per kg) each parcel reports its volumetric weight for
 * each carrier, from the box's outer dimensions (`outerMm`, defaulting to the inner ones).
 */
import { localized, type Localized } from './i18n';
import { volumetricWeightG } from './carrier/rate-card';

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

interface Unit {
  index: number;
  sku: string;
  dims: Dims;
  volume: number;
  weightG: number;
}

interface Placed {
  unit: Unit;
  x: number;
  y: number;
  z: number;
  w: number;
  d: number;
  h: number;
}

/** The distinct axis-aligned orientations of a cuboid. */
export function orientations(dims: Dims): Dims[] {
  const [a, b, c] = dims;
  const all: Dims[] = [
    [a, b, c],
    [a, c, b],
    [b, a, c],
    [b, c, a],
    [c, a, b],
    [c, b, a],
  ];
  const seen = new Set<string>();
  return all.filter((o) => {
    const key = o.join('x');
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function fitsDims(dims: Dims, inner: Dims): boolean {
  const s = [...dims].sort((p, q) => p - q);
  const t = [...inner].sort((p, q) => p - q);
  return s[0]! <= t[0]! && s[1]! <= t[1]! && s[2]! <= t[2]!;
}

function boxVolume(box: Box): number {
  return box.innerMm[0] * box.innerMm[1] * box.innerMm[2];
}

function fitsAlone(unit: Unit, box: Box): boolean {
  return fitsDims(unit.dims, box.innerMm) && unit.weightG + box.tareG <= box.maxWeightG;
}

function overlaps(p: Placed, x: number, y: number, z: number, w: number, d: number, h: number): boolean {
  return x < p.x + p.w && p.x < x + w && y < p.y + p.d && p.y < y + d && z < p.z + p.h && p.z < z + h;
}

type Merit = 'bottom-back-left' | 'tight';

/**
 * Extreme-point packing of `units` in the given order. With `partial`, units that do not fit are skipped;
 * otherwise the first unit that does not fit ends the attempt (undefined).
 */
function extremePointPack(units: readonly Unit[], box: Box, merit: Merit, partial: boolean): Placed[] | undefined {
  const [W, D, H] = box.innerMm;
  const budget = box.maxWeightG - box.tareG;
  const placed: Placed[] = [];
  let points: Array<[number, number, number]> = [[0, 0, 0]];
  const seen = new Set<string>(['0,0,0']);
  let weight = 0;
  let extentX = 0;
  let extentY = 0;
  let extentZ = 0;

  for (const unit of units) {
    if (weight + unit.weightG > budget) {
      if (partial) continue;
      return undefined;
    }
    let best: Placed | undefined;
    let bestScore = Number.POSITIVE_INFINITY;
    let bestTie = Number.POSITIVE_INFINITY;
    const options = orientations(unit.dims);
    for (const [x, y, z] of points) {
      for (const [w, d, h] of options) {
        if (x + w > W || y + d > D || z + h > H) continue;
        let clash = false;
        for (const p of placed) {
          if (overlaps(p, x, y, z, w, d, h)) {
            clash = true;
            break;
          }
        }
        if (clash) continue;
        let score: number;
        let tie: number;
        if (merit === 'bottom-back-left') {
          score = z * 1e10 + y * 1e5 + x; // lexicographic for sides below 100 m
          tie = h;
        } else {
          // Smallest bounding box of everything placed so far, then lowest.
          score = Math.max(extentX, x + w) * Math.max(extentY, y + d) * Math.max(extentZ, z + h);
          tie = z * 1e6 + y * 1e3 + x;
        }
        if (score < bestScore || (score === bestScore && tie < bestTie)) {
          bestScore = score;
          bestTie = tie;
          best = { unit, x, y, z, w, d, h };
        }
      }
    }
    if (!best) {
      if (partial) continue;
      return undefined;
    }
    placed.push(best);
    weight += unit.weightG;
    extentX = Math.max(extentX, best.x + best.w);
    extentY = Math.max(extentY, best.y + best.d);
    extentZ = Math.max(extentZ, best.z + best.h);
    points = points.filter(
      ([x, y, z]) =>
        !(
          x >= best.x &&
          x < best.x + best.w &&
          y >= best.y &&
          y < best.y + best.d &&
          z >= best.z &&
          z < best.z + best.h
        ),
    );
    for (const point of newExtremePoints(best, placed)) {
      const key = point.join(',');
      if (!seen.has(key) && point[0] < W && point[1] < D && point[2] < H) {
        seen.add(key);
        points.push(point);
      }
    }
  }
  return placed;
}

/** The corners of a newly placed unit, as is and projected back onto the nearest surface along each axis. */
function newExtremePoints(b: Placed, placed: readonly Placed[]): Array<[number, number, number]> {
  const corners: Array<[number, number, number]> = [
    [b.x + b.w, b.y, b.z],
    [b.x, b.y + b.d, b.z],
    [b.x, b.y, b.z + b.h],
  ];
  const out: Array<[number, number, number]> = [];
  for (const corner of corners) {
    out.push(corner);
    for (let axis = 0; axis < 3; axis++) {
      const projected: [number, number, number] = [corner[0], corner[1], corner[2]];
      projected[axis] = project(corner, axis, placed);
      if (projected[axis] !== corner[axis]) out.push(projected);
    }
  }
  return out;
}

/** How far the point can slide towards 0 along `axis` before meeting a placed unit or the wall. */
function project(point: readonly [number, number, number], axis: number, placed: readonly Placed[]): number {
  let stop = 0;
  for (const p of placed) {
    const lo = [p.x, p.y, p.z];
    const size = [p.w, p.d, p.h];
    let inside = true;
    for (let other = 0; other < 3 && inside; other++) {
      if (other === axis) continue;
      if (!(point[other]! >= lo[other]! && point[other]! < lo[other]! + size[other]!)) inside = false;
    }
    if (!inside) continue;
    const end = lo[axis]! + size[axis]!;
    if (end <= point[axis]! && end > stop) stop = end;
  }
  return stop;
}

const ORDERS: Array<(a: Unit, b: Unit) => number> = [
  (a, b) => b.volume - a.volume || a.index - b.index,
  (a, b) => Math.max(...b.dims) - Math.max(...a.dims) || b.volume - a.volume || a.index - b.index,
  (a, b) => baseArea(b) - baseArea(a) || b.volume - a.volume || a.index - b.index,
  (a, b) => Math.min(...b.dims) - Math.min(...a.dims) || b.volume - a.volume || a.index - b.index,
];

function baseArea(u: Unit): number {
  const [p, q, r] = [...u.dims].sort((x, y) => y - x);
  void r;
  return p! * q!;
}

function heuristicPack(units: readonly Unit[], box: Box): Placed[] | undefined {
  for (const order of ORDERS) {
    const sorted = [...units].sort(order);
    for (const merit of ['bottom-back-left', 'tight'] as const) {
      const placed = extremePointPack(sorted, box, merit, false);
      if (placed) return placed;
    }
  }
  return undefined;
}

/**
 * Exact feasibility for a few units: tries every orientation per unit and, for every pair, every separating axis
 * and side; the tightest coordinates for such a choice are longest paths, and a packing exists iff some choice
 * fits the box. Exponential (36^pairs × 6^units at worst): call only for small unit counts.
 */
function exactPack(units: readonly Unit[], box: Box): Placed[] | undefined {
  const n = units.length;
  const inner = box.innerMm;
  const choices = units.map((u) =>
    orientations(u.dims).filter((o) => o[0] <= inner[0] && o[1] <= inner[1] && o[2] <= inner[2]),
  );
  if (choices.some((c) => c.length === 0)) return undefined;
  const pairs: Array<[number, number]> = [];
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) pairs.push([i, j]);
  const chosen: Dims[] = new Array(n);
  const relation: number[] = new Array(pairs.length);
  let result: Placed[] | undefined;

  const solve = (): Placed[] | undefined => {
    const pos = [new Array<number>(n).fill(0), new Array<number>(n).fill(0), new Array<number>(n).fill(0)];
    for (let axis = 0; axis < 3; axis++) {
      // Longest path by repeated relaxation; positions only grow, so exceeding the box also ends a cycle.
      for (let round = 0; round <= n; round++) {
        let changed = false;
        for (let p = 0; p < pairs.length; p++) {
          if (relation[p]! >> 1 !== axis) continue;
          const [i, j] = pairs[p]!;
          const [first, second] = relation[p]! & 1 ? [j, i] : [i, j];
          const need = pos[axis]![first]! + chosen[first]![axis]!;
          if (pos[axis]![second]! < need) {
            pos[axis]![second] = need;
            changed = true;
          }
        }
        for (let k = 0; k < n; k++) if (pos[axis]![k]! + chosen[k]![axis]! > inner[axis]!) return undefined;
        if (!changed) break;
        if (round === n) return undefined; // still changing after n rounds: a cycle
      }
    }
    return units.map((unit, k) => ({
      unit,
      x: pos[0]![k]!,
      y: pos[1]![k]!,
      z: pos[2]![k]!,
      w: chosen[k]![0],
      d: chosen[k]![1],
      h: chosen[k]![2],
    }));
  };

  const chooseRelation = (p: number): boolean => {
    if (p === pairs.length) {
      result = solve();
      return result !== undefined;
    }
    const [i, j] = pairs[p]!;
    for (let r = 0; r < 6; r++) {
      const axis = r >> 1;
      if (chosen[i]![axis]! + chosen[j]![axis]! > inner[axis]!) continue;
      relation[p] = r;
      if (chooseRelation(p + 1)) return true;
    }
    return false;
  };

  const chooseOrientation = (k: number): boolean => {
    if (k === n) return chooseRelation(0);
    for (const o of choices[k]!) {
      chosen[k] = o;
      if (chooseOrientation(k + 1)) return true;
    }
    return false;
  };

  return chooseOrientation(0) ? result : undefined;
}

/** Cheap necessary conditions for `units` to fit `box` together. */
function boundsAllow(units: readonly Unit[], box: Box): boolean {
  let weight = box.tareG;
  let volume = 0;
  for (const u of units) {
    weight += u.weightG;
    volume += u.volume;
    if (!fitsDims(u.dims, box.innerMm)) return false;
  }
  return weight <= box.maxWeightG && volume <= boxVolume(box);
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
