/**
 * Where the units go inside one box (core/packing.ts chooses the boxes): cheap bounds first, the extreme-point
 * heuristic (Crainic, Perboli & Tadei 2008) tried with several item orders and two placement rules, and for a handful
 * of units the exact search over orientations and separating axes (the longest paths of the "is before" graphs).
 */
import type { Box, Dims } from './packing';

export interface Unit {
  index: number;
  sku: string;
  dims: Dims;
  volume: number;
  weightG: number;
}

export interface Placed {
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

export function fitsDims(dims: Dims, inner: Dims): boolean {
  const s = [...dims].sort((p, q) => p - q);
  const t = [...inner].sort((p, q) => p - q);
  return s[0]! <= t[0]! && s[1]! <= t[1]! && s[2]! <= t[2]!;
}

export function boxVolume(box: Box): number {
  return box.innerMm[0] * box.innerMm[1] * box.innerMm[2];
}

export function fitsAlone(unit: Unit, box: Box): boolean {
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
export function extremePointPack(
  units: readonly Unit[],
  box: Box,
  merit: Merit,
  partial: boolean,
): Placed[] | undefined {
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

export const ORDERS: Array<(a: Unit, b: Unit) => number> = [
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

export function heuristicPack(units: readonly Unit[], box: Box): Placed[] | undefined {
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
export function exactPack(units: readonly Unit[], box: Box): Placed[] | undefined {
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
export function boundsAllow(units: readonly Unit[], box: Box): boolean {
  let weight = box.tareG;
  let volume = 0;
  for (const u of units) {
    weight += u.weightG;
    volume += u.volume;
    if (!fitsDims(u.dims, box.innerMm)) return false;
  }
  return weight <= box.maxWeightG && volume <= boxVolume(box);
}
