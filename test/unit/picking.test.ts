import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { pickingList, planOrder } from '../../src/core/picking';

describe('picking list', () => {
  it('groups by SKU and location in the order the batch first needs them', () => {
    const rows = pickingList([
      { orderId: 2, reference: 'P2', units: [{ sku: 'A', quantity: 2, location: 'SZ' }] },
      {
        orderId: 1,
        reference: 'P1',
        units: [
          { sku: 'B', quantity: 2, location: 'SZ' },
          { sku: 'A', quantity: 1, location: 'SZ' },
          { sku: 'A', quantity: 1, location: null },
        ],
      },
    ]);
    expect(rows).toEqual([
      {
        sku: 'A',
        location: 'SZ',
        bin: null,
        quantity: 3,
        orders: [
          { reference: 'P2', quantity: 2 },
          { reference: 'P1', quantity: 1 },
        ],
      },
      { sku: 'B', location: 'SZ', bin: null, quantity: 2, orders: [{ reference: 'P1', quantity: 2 }] },
      { sku: 'A', location: null, bin: null, quantity: 1, orders: [{ reference: 'P1', quantity: 1 }] },
    ]);
  });

  it("walks the bins in natural order (A-2 before A-10), SKUs without a bin last in the batch's order", () => {
    const rows = pickingList(
      [
        { orderId: 1, reference: 'P1', units: [{ sku: 'NONE-1', quantity: 1, location: 'SZ' }] },
        {
          orderId: 2,
          reference: 'P2',
          units: [
            { sku: 'FAR', quantity: 1, location: 'SZ' },
            { sku: 'NONE-2', quantity: 1, location: 'SZ' },
            { sku: 'NEAR', quantity: 2, location: 'SZ' },
          ],
        },
      ],
      new Map([
        ['FAR', 'A-10'],
        ['NEAR', 'A-2'],
      ]),
    );
    expect(rows.map((r) => [r.sku, r.bin])).toEqual([
      ['NEAR', 'A-2'],
      ['FAR', 'A-10'],
      ['NONE-1', null],
      ['NONE-2', null],
    ]);
  });

  it('lists the rows by bin whatever the batch: the same rows as without bins, reordered', () => {
    const unit = fc.record({
      sku: fc.constantFrom('A', 'B', 'C', 'D'),
      quantity: fc.integer({ min: 1, max: 3 }),
      location: fc.constantFrom('SZ', null),
    });
    const bin = fc.option(fc.constantFrom('A-1', 'A-2', 'A-10', 'B-1'), { nil: null });
    fc.assert(
      fc.property(
        fc.array(fc.array(unit, { maxLength: 4 }), { maxLength: 6 }),
        fc.tuple(bin, bin, bin, bin),
        (orders, b) => {
          const bins = new Map(['A', 'B', 'C', 'D'].map((sku, i) => [sku, b[i]!] as const));
          const batch = orders.map((units, i) => ({ orderId: i, reference: `O${i}`, units }));
          const rows = pickingList(batch, bins);
          const rank = (x: string | null) => (x === null ? 99 : ['A-1', 'A-2', 'A-10', 'B-1'].indexOf(x));
          for (let i = 1; i < rows.length; i++) expect(rank(rows[i - 1]!.bin)).toBeLessThanOrEqual(rank(rows[i]!.bin));
          for (const r of rows) expect(r.bin).toBe(bins.get(r.sku));
          // Same rows as without bins, only reordered.
          expect(new Set(rows.map((r) => `${r.sku}/${r.location}`))).toEqual(
            new Set(pickingList(batch).map((r) => `${r.sku}/${r.location}`)),
          );
        },
      ),
    );
  });

  it('keeps every unit: per SKU the rows add up to what the orders need, and each row to its orders', () => {
    const unit = fc.record({
      sku: fc.constantFrom('A', 'B', 'C'),
      quantity: fc.integer({ min: 0, max: 5 }),
      location: fc.constantFrom('SZ', 'MAD', null),
    });
    fc.assert(
      fc.property(fc.array(fc.array(unit, { maxLength: 4 }), { maxLength: 8 }), (orders) => {
        const batch = orders.map((units, i) => ({ orderId: i, reference: `O${i}`, units }));
        const rows = pickingList(batch);
        for (const sku of ['A', 'B', 'C']) {
          const needed = batch
            .flatMap((o) => o.units)
            .filter((u) => u.sku === sku)
            .reduce((n, u) => n + u.quantity, 0);
          expect(rows.filter((r) => r.sku === sku).reduce((n, r) => n + r.quantity, 0)).toBe(needed);
        }
        for (const r of rows) {
          expect(r.orders.reduce((n, o) => n + o.quantity, 0)).toBe(r.quantity);
          const positions = r.orders.map((o) => Number(o.reference.slice(1)));
          expect([...positions].sort((a, b) => a - b)).toEqual(positions);
        }
      }),
    );
  });
});

describe('plan order', () => {
  it('takes jobs by planned start, then station, then position, each order once', () => {
    const job = (order_id: number, start: string, position: number) => ({ order_id, start, position });
    const stations = [
      { station: 'station-1', queue: [job(1, '2026-12-07T09:00:00.000Z', 0), job(3, '2026-12-07T09:10:00.000Z', 1)] },
      { station: 'station-2', queue: [job(2, '2026-12-07T09:00:00.000Z', 0), job(4, '2026-12-07T09:05:00.000Z', 1)] },
    ];
    expect(planOrder(stations).map((j) => j.order_id)).toEqual([1, 2, 4, 3]);
    expect(planOrder(stations, 2).map((j) => j.order_id)).toEqual([1, 2]);
  });
});
