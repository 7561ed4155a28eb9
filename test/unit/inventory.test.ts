import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  Availability,
  byDeadline,
  checkAdjustment,
  crossedLowStock,
  deadlineFirstStrategy,
  lineNeeds,
  needsBySku,
  nextCutoffAt,
  placeOrders,
  rankReplenishment,
  suggestReplenishment,
  type OrderDemand,
  type ReplenishmentInput,
  type Warehouse,
  type WarehouseView,
} from '../../src/core/inventory';
import { purchaseOrderMachine } from '../../src/core/purchase-order';
import { parseStockRow } from '../../src/core/stock-input';
import { decide } from '../../src/core/state-machine';
import type { ImportIssue } from '../../src/core/order-input';

const shenzhen: Warehouse = {
  id: 'SZ',
  name: 'Shenzhen',
  kind: 'domestic',
  country: 'CN',
  timeZone: 'Asia/Shanghai',
  cutoffTime: '16:00',
};
const madrid: Warehouse = {
  id: 'MAD',
  name: 'Madrid',
  kind: 'overseas',
  country: 'ES',
  timeZone: 'Europe/Madrid',
  cutoffTime: '12:00',
};

describe('cut-off', () => {
  it('is today before the cut-off in the warehouse zone, tomorrow after it', () => {
    // 2026-11-25 07:00 UTC = 15:00 in Shanghai: today's 16:00 (08:00 UTC) is still ahead.
    expect(nextCutoffAt(Date.UTC(2026, 10, 25, 7), 'Asia/Shanghai', '16:00')).toBe(Date.UTC(2026, 10, 25, 8));
    // 09:00 UTC = 17:00 in Shanghai: the next is tomorrow 16:00.
    expect(nextCutoffAt(Date.UTC(2026, 10, 25, 9), 'Asia/Shanghai', '16:00')).toBe(Date.UTC(2026, 10, 26, 8));
    // Exactly at the cut-off still makes it.
    expect(nextCutoffAt(Date.UTC(2026, 10, 25, 8), 'Asia/Shanghai', '16:00')).toBe(Date.UTC(2026, 10, 25, 8));
  });

  it('keeps the wall-clock time across a DST change', () => {
    // Madrid leaves summer time on 2026-10-25 at 03:00 local. Saturday 13:00 local (11:00 UTC) is past noon:
    // the next cut-off is Sunday 12:00 local, which is 11:00 UTC (UTC+1), not 10:00.
    expect(nextCutoffAt(Date.UTC(2026, 9, 24, 11), 'Europe/Madrid', '12:00')).toBe(Date.UTC(2026, 9, 25, 11));
  });
});

describe('order needs', () => {
  it('expands bundles and multipacks, and leaves unmapped SKUs untracked', () => {
    const components = (p: string) =>
      ({
        'KIT-1': [
          { sku: 'CABLE', units: 2 },
          { sku: 'PLUG', units: 1 },
        ],
        'CABLE-3PK': [{ sku: 'CABLE', units: 3 }],
      })[p];
    const { needs, untracked } = lineNeeds(
      [
        { lineId: 1, platformSku: 'KIT-1', quantity: 2 },
        { lineId: 2, platformSku: 'CABLE-3PK', quantity: 1 },
        { lineId: 3, platformSku: 'GIFT', quantity: 1 },
      ],
      components,
    );
    expect(needs).toEqual([
      { lineId: 1, sku: 'CABLE', quantity: 4 },
      { lineId: 1, sku: 'PLUG', quantity: 2 },
      { lineId: 2, sku: 'CABLE', quantity: 3 },
    ]);
    expect(untracked).toEqual(['GIFT']);
    expect([...needsBySku(needs)]).toEqual([
      ['CABLE', 7],
      ['PLUG', 2],
    ]);
  });
});

function views(now: number, ...ws: Warehouse[]): WarehouseView[] {
  return ws.map((w) => ({ warehouse: w, nextCutoffAt: nextCutoffAt(now, w.timeZone, w.cutoffTime) }));
}

describe('warehouse choice', () => {
  const now = Date.UTC(2026, 10, 25, 7); // 15:00 Shanghai (cut-off 08:00 UTC today), 08:00 Madrid (cut-off 11:00 UTC today)
  const order = (shipByAt: number | null, qty: number, country: string | null = 'FR'): OrderDemand => ({
    orderId: 1,
    shipByAt,
    buyerCountry: country,
    needs: [{ lineId: 1, sku: 'A', quantity: qty }],
  });

  it('takes a warehouse that ships the whole order in time, the earliest cut-off first', () => {
    const stock = new Availability();
    stock.set('SZ', 'A', 5);
    stock.set('MAD', 'A', 5);
    const [placement] = placeOrders([order(Date.UTC(2026, 10, 26), 3)], views(now, shenzhen, madrid), stock);
    expect(placement).toMatchObject({ kind: 'reserve', warehouseId: 'SZ', meetsDeadline: true });
    expect(stock.get('SZ', 'A')).toBe(2);
  });

  it('prefers a warehouse in the buyer country among those in time', () => {
    const stock = new Availability();
    stock.set('SZ', 'A', 5);
    stock.set('MAD', 'A', 5);
    expect(placeOrders([order(Date.UTC(2026, 10, 26), 3, 'ES')], views(now, shenzhen, madrid), stock)[0]).toMatchObject(
      { warehouseId: 'MAD' },
    );
  });

  it('skips a warehouse whose cut-off comes after the deadline', () => {
    const stock = new Availability();
    stock.set('SZ', 'A', 5);
    stock.set('MAD', 'A', 5);
    // Deadline 09:00 UTC: Shenzhen's cut-off (08:00 UTC) makes it, so does Madrid? No: Madrid's is 11:00 UTC.
    expect(
      placeOrders([order(Date.UTC(2026, 10, 25, 9), 3, 'ES')], views(now, shenzhen, madrid), stock)[0],
    ).toMatchObject({ warehouseId: 'SZ', meetsDeadline: true });
  });

  it('when none can ship it whole in time, takes the one with the most of it; whole but late is still reserved', () => {
    const stock = new Availability();
    stock.set('SZ', 'A', 2);
    stock.set('MAD', 'A', 4);
    const late = placeOrders([order(Date.UTC(2026, 10, 25, 9), 4)], views(now, shenzhen, madrid), stock)[0];
    expect(late).toMatchObject({ kind: 'reserve', warehouseId: 'MAD', meetsDeadline: false });
    const short = placeOrders([order(null, 5)], views(now, shenzhen, madrid), stock)[0];
    expect(short).toEqual({
      kind: 'wait',
      orderId: 1,
      warehouseId: 'SZ',
      shortfalls: [{ sku: 'A', needed: 5, available: 2, missing: 3 }],
    });
  });

  it('waits with everything missing when there is no warehouse', () => {
    expect(placeOrders([order(null, 2)], [], new Availability())[0]).toEqual({
      kind: 'wait',
      orderId: 1,
      warehouseId: null,
      shortfalls: [{ sku: 'A', needed: 2, available: 0, missing: 2 }],
    });
  });

  it('is replaceable', () => {
    const stock = new Availability();
    stock.set('SZ', 'A', 5);
    stock.set('MAD', 'A', 5);
    const alwaysMadrid = {
      name: 'madrid',
      choose: (_o: OrderDemand, fits: Parameters<typeof deadlineFirstStrategy.choose>[1]) =>
        fits.find((f) => f.view.warehouse.id === 'MAD'),
    };
    expect(placeOrders([order(null, 1)], views(now, shenzhen, madrid), stock, alwaysMadrid)[0]).toMatchObject({
      warehouseId: 'MAD',
    });
  });

  it('never promises a unit twice, serves in the order given, and is all-or-nothing per order', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ sz: fc.nat(6), mad: fc.nat(6) }), { minLength: 2, maxLength: 2 }),
        fc.array(
          fc.record({
            a: fc.nat(4),
            b: fc.nat(4),
            shipBy: fc.option(fc.integer({ min: now, max: now + 3 * 86_400_000 }), { nil: null }),
          }),
          { maxLength: 12 },
        ),
        (levels, orders) => {
          const stock = new Availability();
          ['A', 'B'].forEach((sku, i) => {
            stock.set('SZ', sku, levels[i]!.sz);
            stock.set('MAD', sku, levels[i]!.mad);
          });
          const start = { SZ: levels[0]!.sz + levels[1]!.sz, MAD: levels[0]!.mad + levels[1]!.mad };
          const demands: OrderDemand[] = orders
            .map((o, i) => ({
              orderId: i + 1,
              shipByAt: o.shipBy,
              buyerCountry: 'FR',
              needs: [
                { lineId: i * 2, sku: 'A', quantity: o.a },
                { lineId: i * 2 + 1, sku: 'B', quantity: o.b },
              ].filter((n) => n.quantity > 0),
            }))
            .sort(byDeadline);
          const placements = placeOrders(demands, views(now, shenzhen, madrid), stock);
          const taken = { SZ: 0, MAD: 0 };
          placements.forEach((p, i) => {
            const d = demands[i]!;
            expect(p.orderId).toBe(d.orderId);
            if (p.kind === 'reserve') {
              expect(p.items).toEqual(d.needs);
              taken[p.warehouseId as 'SZ' | 'MAD'] += d.needs.reduce((s, n) => s + n.quantity, 0);
            } else if (p.kind === 'wait') expect(p.shortfalls.some((s) => s.missing > 0)).toBe(true);
            else expect(d.needs).toEqual([]);
          });
          for (const w of ['SZ', 'MAD'] as const) {
            expect(stock.get(w, 'A')).toBeGreaterThanOrEqual(0);
            expect(stock.get(w, 'B')).toBeGreaterThanOrEqual(0);
            expect(stock.get(w, 'A') + stock.get(w, 'B') + taken[w]).toBe(start[w]);
          }
        },
      ),
    );
  });
});

describe('low stock and adjustments', () => {
  it('alerts once, when what is free crosses the threshold downwards', () => {
    expect(crossedLowStock(6, 5, 5)).toBe(true);
    expect(crossedLowStock(5, 4, 5)).toBe(false);
    expect(crossedLowStock(1, 0, 0)).toBe(true);
    expect(crossedLowStock(3, 8, 5)).toBe(false);
  });

  it('checks the reason against the direction', () => {
    expect(checkAdjustment('damaged', -2)).toBeUndefined();
    expect(checkAdjustment('damaged', 2)?.en).toMatch(/only go down/);
    expect(checkAdjustment('found', -1)?.en).toMatch(/only go up/);
    expect(checkAdjustment('counted', -7)).toBeUndefined();
    expect(checkAdjustment('stolen', -1)?.['zh-CN']).toMatch(/原因/);
    expect(checkAdjustment('found', 0)?.en).toMatch(/changes nothing/);
  });
});

describe('replenishment arithmetic (hand-worked)', () => {
  const base: ReplenishmentInput = {
    sku: 'A',
    warehouseId: 'SZ',
    unitsSold: 60,
    windowDays: 30,
    leadDays: 7,
    safetyDays: 3,
    cycleDays: 14,
    onHand: 25,
    reserved: 10,
    incoming: 0,
    backlog: 0,
    earliestBlockedDeadline: null,
    blockedOrders: 0,
  };

  it('suggests when lead + safety days of sales exceed what is available and incoming', () => {
    // daily = 60 / 30 = 2; (7 + 3) × 2 = 20 > 15 available → order (14 + 7 + 3) × 2 − 15 = 33.
    const line = suggestReplenishment(base);
    expect(line).toMatchObject({
      dailySales: 2,
      available: 15,
      position: 15,
      demandUntilArrival: 20,
      suggest: true,
      quantity: 33,
      coverDays: 7.5,
    });
  });

  it('counts what is on order', () => {
    // 15 available + 10 incoming = 25 ≥ 20: no order.
    expect(suggestReplenishment({ ...base, incoming: 10 })).toMatchObject({
      suggest: false,
      quantity: 0,
      position: 25,
    });
    // exactly equal is not short: 15 + 5 = 20, not < 20.
    expect(suggestReplenishment({ ...base, incoming: 5 })).toMatchObject({ suggest: false });
  });

  it('rounds a fractional need up, deciding in whole units × days', () => {
    // 10 sold in 30 days: daily 1/3. lead+safety = 10 days → 10/3 = 3.33 units > 3 available → order.
    // quantity = (24 × 10 − 3 × 30) / 30 = 150 / 30 = 5.
    expect(suggestReplenishment({ ...base, unitsSold: 10, onHand: 3, reserved: 0 })).toMatchObject({
      suggest: true,
      quantity: 5,
      demandUntilArrival: 4,
    });
    // 4 available: 3.33 < 4, no order.
    expect(suggestReplenishment({ ...base, unitsSold: 10, onHand: 4, reserved: 0 })).toMatchObject({ suggest: false });
    // 7 sold in 30 days, 0 available: (24 × 7 − 0) / 30 = 5.6 → 6.
    expect(suggestReplenishment({ ...base, unitsSold: 7, onHand: 0, reserved: 0 })).toMatchObject({
      suggest: true,
      quantity: 6,
    });
  });

  it('counts orders already waiting as demand on top, even with no sales', () => {
    // No sales, 2 free, 5 units waiting: position −3 → order 3.
    expect(suggestReplenishment({ ...base, unitsSold: 0, onHand: 2, reserved: 0, backlog: 5 })).toMatchObject({
      suggest: true,
      quantity: 3,
      coverDays: null,
    });
    expect(suggestReplenishment({ ...base, unitsSold: 0, onHand: 0, reserved: 0 })).toMatchObject({
      suggest: false,
      quantity: 0,
    });
  });

  it('ranks the deadlines at risk first, then the soonest to run out', () => {
    const lines = [
      suggestReplenishment({ ...base, sku: 'SLOW', unitsSold: 30, onHand: 2, reserved: 0 }), // cover 2 days
      suggestReplenishment({ ...base, sku: 'FINE', incoming: 100 }),
      suggestReplenishment({
        ...base,
        sku: 'LATE',
        backlog: 20,
        earliestBlockedDeadline: Date.UTC(2026, 10, 27),
        blockedOrders: 3,
      }),
      suggestReplenishment({
        ...base,
        sku: 'SOON',
        backlog: 20,
        earliestBlockedDeadline: Date.UTC(2026, 10, 26),
        blockedOrders: 1,
      }),
      suggestReplenishment({ ...base, sku: 'FAST', unitsSold: 300, onHand: 30, reserved: 0 }), // cover 3 days
    ];
    expect(rankReplenishment(lines).map((l) => l.sku)).toEqual(['SOON', 'LATE', 'SLOW', 'FAST', 'FINE']);
  });
});

describe('purchase orders and the stock file', () => {
  it('declares draft → ordered → received, cancellable until received', () => {
    expect(decide(purchaseOrderMachine, 'draft', 'place', {})).toMatchObject({ ok: true, to: 'ordered' });
    expect(decide(purchaseOrderMachine, 'ordered', 'receive', {})).toMatchObject({ ok: true, to: 'received' });
    expect(decide(purchaseOrderMachine, 'draft', 'receive', {})).toMatchObject({
      ok: false,
      rule: 'purchase_order.receive.from',
    });
    expect(decide(purchaseOrderMachine, 'received', 'cancel', {})).toMatchObject({ ok: false });
  });

  it('reads a row, refusing negative and malformed counts with the row', () => {
    const issues: ImportIssue[] = [];
    expect(parseStockRow({ sku: 'A', on_hand: '12', warehouse: '' }, 2, 'SZ', issues)).toEqual({
      row: 2,
      sku: 'A',
      warehouseId: 'SZ',
      onHand: 12,
      lowStockThreshold: undefined,
    });
    expect(parseStockRow({ sku: 'A', on_hand: '-3', warehouse: 'SZ' }, 3, undefined, issues)).toBeUndefined();
    expect(parseStockRow({ sku: 'A', on_hand: '2.5', warehouse: 'SZ' }, 4, undefined, issues)).toBeUndefined();
    expect(parseStockRow({ sku: 'A', on_hand: '1', warehouse: 'MAD' }, 5, 'SZ', issues)).toBeUndefined();
    expect(issues.map((i) => [i.row, i.field])).toEqual([
      [3, 'on_hand'],
      [4, 'on_hand'],
      [5, 'warehouse'],
    ]);
    expect(issues[0]!.message.en).toMatch(/negative/);
    expect(issues[0]!.message['zh-CN']).toMatch(/负数/);
  });
});
