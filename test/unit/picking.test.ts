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
        quantity: 3,
        orders: [
          { reference: 'P2', quantity: 2 },
          { reference: 'P1', quantity: 1 },
        ],
      },
      { sku: 'B', location: 'SZ', quantity: 2, orders: [{ reference: 'P1', quantity: 2 }] },
      { sku: 'A', location: null, quantity: 1, orders: [{ reference: 'P1', quantity: 1 }] },
    ]);
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
