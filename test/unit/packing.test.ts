import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  chooseBoxes,
  orientations,
  packExactly,
  type Box,
  type Dims,
  type PackItem,
  type PackingResult,
  type Placement,
} from '../../src/core/packing';

const box = (code: string, innerMm: Dims, cost: number, maxWeightG = 10_000, tareG = 100, outerMm?: Dims): Box => ({
  code,
  innerMm,
  cost,
  maxWeightG,
  tareG,
  ...(outerMm ? { outerMm } : {}),
});

const CATALOGUE: Box[] = [
  box('S', [200, 150, 100], 100, 5_000, 80, [206, 156, 106]),
  box('M', [300, 250, 150], 180, 10_000, 150, [306, 256, 156]),
  box('L', [450, 350, 300], 320, 20_000, 300, [456, 356, 306]),
  box('TUBE', [60, 60, 610], 90, 3_000, 60),
];

/** Independent check of a returned parcel: inside the box, pairwise disjoint, dims a rotation of the item's, weight. */
function checkParcel(result: PackingResult, units: Array<{ sku: string; dims: Dims; weightG: number }>): void {
  for (const parcel of result.parcels) {
    const [W, D, H] = parcel.box.innerMm;
    let weight = 0;
    for (const p of parcel.placements) {
      const unit = units[p.unit]!;
      expect(p.sku).toBe(unit.sku);
      expect([...p.dimsMm].sort((a, b) => a - b)).toEqual([...unit.dims].sort((a, b) => a - b));
      expect(p.x).toBeGreaterThanOrEqual(0);
      expect(p.y).toBeGreaterThanOrEqual(0);
      expect(p.z).toBeGreaterThanOrEqual(0);
      expect(p.x + p.dimsMm[0]).toBeLessThanOrEqual(W);
      expect(p.y + p.dimsMm[1]).toBeLessThanOrEqual(D);
      expect(p.z + p.dimsMm[2]).toBeLessThanOrEqual(H);
      weight += unit.weightG;
    }
    const ps = parcel.placements;
    for (let i = 0; i < ps.length; i++) {
      for (let j = i + 1; j < ps.length; j++) {
        const a = ps[i]!;
        const b = ps[j]!;
        const apart =
          a.x + a.dimsMm[0] <= b.x ||
          b.x + b.dimsMm[0] <= a.x ||
          a.y + a.dimsMm[1] <= b.y ||
          b.y + b.dimsMm[1] <= a.y ||
          a.z + a.dimsMm[2] <= b.z ||
          b.z + b.dimsMm[2] <= a.z;
        expect(apart, `units ${a.unit} and ${b.unit} overlap in ${parcel.box.code}`).toBe(true);
      }
    }
    expect(parcel.contentWeightG).toBe(weight);
    expect(parcel.grossWeightG).toBe(weight + parcel.box.tareG);
    expect(parcel.grossWeightG).toBeLessThanOrEqual(parcel.box.maxWeightG);
  }
}

function unitsOf(items: readonly PackItem[]) {
  return items.flatMap((item) =>
    Array.from({ length: item.quantity ?? 1 }, () => ({ sku: item.sku, dims: item.dimsMm, weightG: item.weightG })),
  );
}

function fitsAloneInSomeBox(unit: { dims: Dims; weightG: number }, boxes: readonly Box[]): boolean {
  return boxes.some(
    (b) =>
      unit.weightG + b.tareG <= b.maxWeightG &&
      orientations(unit.dims).some((o) => o[0] <= b.innerMm[0] && o[1] <= b.innerMm[1] && o[2] <= b.innerMm[2]),
  );
}

/**
 * Independent exact feasibility by normal patterns (Herz 1972; Christofides & Whitlock 1977; used in 3D by
 * Martello, Pisinger & Vigo 2000): any packing can be pushed towards the origin until each coordinate of each item
 * is a sum of the lengths, on that axis, of some other items. So it suffices to try those coordinates.
 */
function bruteForceFits(items: Array<{ dims: Dims }>, inner: Dims): boolean {
  const n = items.length;
  const options = items.map((u) =>
    orientations(u.dims).filter((o) => o[0] <= inner[0] && o[1] <= inner[1] && o[2] <= inner[2]),
  );
  if (options.some((o) => o.length === 0)) return false;
  const chosen: Dims[] = new Array(n);
  const pos: Array<[number, number, number]> = new Array(n);
  const subsetSums = (axis: number, self: number): number[] => {
    let sums = [0];
    for (let k = 0; k < n; k++) if (k !== self) sums = [...sums, ...sums.map((s) => s + chosen[k]![axis]!)];
    return [...new Set(sums)].filter((s) => s + chosen[self]![axis]! <= inner[axis]!);
  };
  const place = (i: number): boolean => {
    if (i === n) return true;
    const xs = subsetSums(0, i);
    const ys = subsetSums(1, i);
    const zs = subsetSums(2, i);
    const [w, d, h] = chosen[i]!;
    for (const x of xs)
      for (const y of ys)
        for (const z of zs) {
          let ok = true;
          for (let k = 0; k < i && ok; k++) {
            const [px, py, pz] = pos[k]!;
            const [kw, kd, kh] = chosen[k]!;
            if (x < px + kw && px < x + w && y < py + kd && py < y + d && z < pz + kh && pz < z + h) ok = false;
          }
          if (!ok) continue;
          pos[i] = [x, y, z];
          if (place(i + 1)) return true;
        }
    return false;
  };
  const orient = (i: number): boolean => {
    if (i === n) return place(0);
    for (const o of options[i]!) {
      chosen[i] = o;
      if (orient(i + 1)) return true;
    }
    return false;
  };
  return orient(0);
}

describe('chooseBoxes: worked examples', () => {
  it('one small item goes in the cheapest box that holds it, with weights and volumetric weights', () => {
    const result = chooseBoxes([{ sku: 'CASE', dimsMm: [160, 90, 20], weightG: 120, quantity: 2 }], CATALOGUE, {
      volumetricDivisors: { 'dhl-express': 5000, 'aliexpress-standard': 8000 },
    });
    expect(result.split).toBe(false);
    expect(result.parcels).toHaveLength(1);
    const parcel = result.parcels[0]!;
    expect(parcel.box.code).toBe('S');
    expect(parcel.contentWeightG).toBe(240);
    expect(parcel.grossWeightG).toBe(320);
    // outer 206 × 156 × 106 mm = 3,406,416 mm³: /5000 → 682 g, /8000 → 426 g (rounded up)
    expect(parcel.volumetricG).toEqual({ 'dhl-express': 682, 'aliexpress-standard': 426 });
    expect(result.exact).toBe(true);
    expect(result.message.en).toBe('Packed in S (2, 320 g).');
    checkParcel(result, unitsOf([{ sku: 'CASE', dimsMm: [160, 90, 20], weightG: 120, quantity: 2 }]));
  });

  it('rotates a long item into the tube, the cheapest box it fits', () => {
    const items: PackItem[] = [{ sku: 'ROD', dimsMm: [500, 40, 40], weightG: 300 }];
    const result = chooseBoxes(items, CATALOGUE);
    expect(result.parcels[0]!.box.code).toBe('TUBE');
    expect(result.parcels[0]!.placements[0]!.dimsMm).toEqual([40, 40, 500]);
  });

  it('finds the arrangement that needs rotations: four 150×100×100 units fill a 300×200×100 box exactly', () => {
    const exactBox = box('EXACT', [200, 300, 100], 50);
    const items: PackItem[] = [{ sku: 'BRICK', dimsMm: [100, 150, 100], weightG: 200, quantity: 4 }];
    const result = chooseBoxes(items, [...CATALOGUE, exactBox]);
    expect(result.parcels[0]!.box.code).toBe('EXACT');
    checkParcel(result, unitsOf(items));
  });

  it('a heavier load moves to a stronger box', () => {
    const items: PackItem[] = [{ sku: 'WEIGHT', dimsMm: [100, 100, 50], weightG: 2_500, quantity: 2 }];
    const result = chooseBoxes(items, CATALOGUE);
    // 5000 g + 80 g tare exceeds S's 5000 g: M it is.
    expect(result.parcels[0]!.box.code).toBe('M');
  });

  it('splits into several parcels when nothing holds everything, and says so', () => {
    const items: PackItem[] = [{ sku: 'BOOT-BOX', dimsMm: [340, 220, 130], weightG: 1_500, quantity: 5 }];
    const result = chooseBoxes(items, CATALOGUE);
    expect(result.split).toBe(true);
    expect(result.parcels.length).toBeGreaterThanOrEqual(2);
    expect(result.parcels.reduce((n, p) => n + p.placements.length, 0)).toBe(5);
    expect(result.message.en).toMatch(/^No single box holds all 5 items; split into \d parcels/);
    expect(result.message['zh-CN']).toContain('拆分为');
    expect(result.boxCost).toBe(result.parcels.reduce((sum, p) => sum + p.box.cost, 0));
    checkParcel(result, unitsOf(items));
  });

  it('reports an item that fits no box instead of dropping it', () => {
    const items: PackItem[] = [
      { sku: 'SOFA', dimsMm: [2000, 900, 800], weightG: 40_000 },
      { sku: 'CASE', dimsMm: [160, 90, 20], weightG: 120 },
    ];
    const result = chooseBoxes(items, CATALOGUE);
    expect(result.unpackable).toEqual([expect.objectContaining({ sku: 'SOFA', unit: 0 })]);
    expect(result.parcels.map((p) => p.box.code)).toEqual(['S']);
    expect(result.message.en).toContain('1 item(s) fit no box');
    expect(result.exact).toBe(false);
  });

  it('packs a larger mixed order into one verified box', () => {
    const items: PackItem[] = [
      { sku: 'A', dimsMm: [120, 80, 40], weightG: 150, quantity: 6 },
      { sku: 'B', dimsMm: [200, 100, 60], weightG: 400, quantity: 3 },
      { sku: 'C', dimsMm: [90, 90, 90], weightG: 250, quantity: 2 },
    ];
    const result = chooseBoxes(items, CATALOGUE);
    expect(result.parcels).toHaveLength(1);
    checkParcel(result, unitsOf(items));
  });
});

describe('chooseBoxes: properties', () => {
  const dims = (max: number) =>
    fc.tuple(fc.integer({ min: 10, max }), fc.integer({ min: 10, max }), fc.integer({ min: 10, max }));
  const boxArb = fc.record({
    code: fc.string({ minLength: 1, maxLength: 4 }),
    innerMm: dims(600),
    cost: fc.integer({ min: 0, max: 1000 }),
    maxWeightG: fc.integer({ min: 500, max: 20_000 }),
    tareG: fc.integer({ min: 0, max: 400 }),
  }) as fc.Arbitrary<Box>;

  it('every unit is either placed in a verified parcel or fits no box on its own', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            sku: fc.constantFrom('A', 'B', 'C', 'D'),
            dimsMm: dims(450),
            weightG: fc.integer({ min: 1, max: 4_000 }),
            quantity: fc.integer({ min: 1, max: 4 }),
          }),
          {
            minLength: 1,
            maxLength: 4,
          },
        ) as fc.Arbitrary<PackItem[]>,
        fc.array(boxArb, { minLength: 1, maxLength: 5 }),
        (items, boxes) => {
          const result = chooseBoxes(items, boxes);
          const units = unitsOf(items);
          checkParcel(result, units);
          const placed = result.parcels.flatMap((p) => p.placements.map((x: Placement) => x.unit));
          const missing = result.unpackable.map((u) => u.unit);
          expect([...placed, ...missing].sort((a, b) => a - b)).toEqual(units.map((_, i) => i));
          for (const u of result.unpackable) expect(fitsAloneInSomeBox(units[u.unit]!, boxes)).toBe(false);
          for (const i of placed) expect(fitsAloneInSomeBox(units[i]!, boxes)).toBe(true);
          expect(result.split).toBe(result.parcels.length > 1);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('small orders: no cheaper box can hold the items (checked by the exact solver)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            sku: fc.constantFrom('A', 'B', 'C'),
            dimsMm: dims(300),
            weightG: fc.integer({ min: 1, max: 3_000 }),
          }),
          { minLength: 1, maxLength: 3 },
        ) as fc.Arbitrary<PackItem[]>,
        fc.array(boxArb, { minLength: 1, maxLength: 6 }),
        (items, boxes) => {
          const result = chooseBoxes(items, boxes);
          checkParcel(result, unitsOf(items));
          if (result.unpackable.length > 0) return;
          if (result.parcels.length === 1) {
            const chosen = result.parcels[0]!.box;
            expect(result.exact).toBe(true);
            for (const other of boxes)
              if (other.cost < chosen.cost)
                expect(packExactly(items, other), `${other.code} is cheaper and fits`).toBeUndefined();
          } else {
            // split: no box can hold them all
            for (const other of boxes) expect(packExactly(items, other)).toBeUndefined();
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('the exact solver agrees with an independent normal-pattern brute force on tiny instances', () => {
    let feasible = 0;
    let infeasible = 0;
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 })),
          { minLength: 1, maxLength: 3 },
        ),
        fc.tuple(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 6 })),
        (unitDims, inner) => {
          const items: PackItem[] = unitDims.map((d, i) => ({ sku: `U${i}`, dimsMm: d, weightG: 0 }));
          const target: Box = { code: 'T', innerMm: inner, cost: 0, maxWeightG: 1, tareG: 0 };
          const exact = packExactly(items, target);
          const brute = bruteForceFits(
            unitDims.map((d) => ({ dims: d })),
            inner,
          );
          expect(exact !== undefined).toBe(brute);
          if (exact) {
            feasible++;
            checkParcel(
              {
                parcels: [
                  {
                    box: target,
                    placements: exact,
                    contentWeightG: 0,
                    grossWeightG: 0,
                    outerMm: inner,
                    volumetricG: {},
                  },
                ],
                split: false,
                unpackable: [],
                boxCost: 0,
                exact: true,
                message: { en: '', 'zh-CN': '' },
              },
              unitDims.map((d, i) => ({ sku: `U${i}`, dims: d, weightG: 0 })),
            );
          } else infeasible++;
        },
      ),
      { numRuns: 400 },
    );
    // both outcomes are exercised
    expect(feasible).toBeGreaterThan(20);
    expect(infeasible).toBeGreaterThan(20);
  });

  it('the exact solver settles what the volume bound alone cannot', () => {
    // Three 2×2×1 slabs: a 2×2×3 box holds them laid flat, a 2×3×2 box standing on edge.
    const slabs: PackItem[] = [{ sku: 'SLAB', dimsMm: [2, 2, 1], weightG: 0, quantity: 3 }];
    expect(packExactly(slabs, { code: 'A', innerMm: [2, 2, 3], cost: 0, maxWeightG: 1, tareG: 0 })).toBeDefined();
    expect(packExactly(slabs, { code: 'B', innerMm: [2, 3, 2], cost: 0, maxWeightG: 1, tareG: 0 })).toBeDefined();
    // Two 2×2×2 cubes: volume 16 ≤ 27 and each fits a 3×3×3 box alone, but not both together.
    const cubes: PackItem[] = [{ sku: 'CUBE', dimsMm: [2, 2, 2], weightG: 0, quantity: 2 }];
    expect(packExactly(cubes, { code: 'C', innerMm: [3, 3, 3], cost: 0, maxWeightG: 1, tareG: 0 })).toBeUndefined();
    // Weight counts too: 2 × 600 g + 100 g tare > 1200 g.
    const heavy: PackItem[] = [{ sku: 'W', dimsMm: [1, 1, 1], weightG: 600, quantity: 2 }];
    expect(
      packExactly(heavy, { code: 'D', innerMm: [9, 9, 9], cost: 0, maxWeightG: 1_200, tareG: 100 }),
    ).toBeUndefined();
  });
});
