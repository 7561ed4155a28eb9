/**
 * Fines paid and fines avoided (core/metrics.ts `fineOutcome`) and the daily series the performance screen charts
 * (`dailySeries`): which orders count, at what value, on which day.
 */
import { describe, expect, it } from 'vitest';
import { dailySeries, fineOutcome, type FineOrderRecord } from '../../src/core/metrics-daily';
import { applyOverrides, builtInRegistry, type Policy } from '../../src/core/policy';

const registry = builtInRegistry();
const policy = (id: string): Policy => registry.select(id, Date.parse('2026-11-27T12:00:00Z'));
const H = 3_600_000;
const pdt = (local: string) => Date.parse(`${local}-07:00`);
const NOW = pdt('2026-06-20T12:00:00');
const pop = policy('aliexpress_pop'); // USD 1 below a USD 20 order total, else USD 2; shipped = tracking uploaded
const semi = policy('aliexpress_semi_jit'); // 50 % of the product price late, 100 % beyond 48 h; shipped = handed over

const usd = (amount: number) => ({ amount, currency: 'USD' });

function order(deadline: string, extra: Partial<FineOrderRecord> = {}): FineOrderRecord {
  const shipByAt = pdt(deadline);
  return { paidAt: shipByAt - 72 * H, shipByAt, orderTotal: usd(25_00), ...extra };
}

describe('fineOutcome', () => {
  it('prices a late shipment by its lateness, on the day of the counted event', () => {
    const late = order('2026-06-15T10:00:00', { trackingUploadedAt: pdt('2026-06-15T12:00:00') });
    expect(fineOutcome(late, pop)).toEqual({ kind: 'paid', at: pdt('2026-06-15T12:00:00'), fine: usd(2_00) });
    expect(fineOutcome({ ...late, orderTotal: usd(19_99) }, pop)?.fine).toEqual(usd(1_00));
    // Percentage of the product price, with the step the lateness reaches.
    const goods = { orderTotal: usd(30_00), productPrice: usd(20_00) };
    const handed = order('2026-06-15T10:00:00', { ...goods, handedOverAt: pdt('2026-06-15T12:00:00') });
    expect(fineOutcome(handed, semi)?.fine).toEqual(usd(10_00));
    expect(fineOutcome({ ...handed, handedOverAt: pdt('2026-06-17T10:00:01') }, semi)?.fine).toEqual(usd(20_00));
  });

  it('judges by the event the policy counts', () => {
    const scanCounts = applyOverrides(pop, { shippedWhen: 'carrier_scan' });
    const uploadedInTimeScannedLate = order('2026-06-15T10:00:00', {
      trackingUploadedAt: pdt('2026-06-15T09:00:00'),
      carrierScanAt: pdt('2026-06-16T09:00:00'),
    });
    expect(fineOutcome(uploadedInTimeScannedLate, pop)).toBeUndefined();
    expect(fineOutcome(uploadedInTimeScannedLate, scanCounts)).toMatchObject({
      kind: 'paid',
      at: pdt('2026-06-16T09:00:00'),
    });
  });

  it('counts a seller cancellation and a closure by the platform as paid, on their day', () => {
    const cancelled = order('2026-06-15T10:00:00', { cancelledAt: pdt('2026-06-14T08:00:00'), cancelledBy: 'seller' });
    expect(fineOutcome(cancelled, pop)).toEqual({ kind: 'paid', at: pdt('2026-06-14T08:00:00'), fine: usd(2_00) });
    expect(fineOutcome({ ...cancelled, cancelledBy: 'buyer' }, pop)).toBeUndefined();
    const closed = order('2026-06-15T10:00:00', { closedUnfulfilledAt: pdt('2026-06-15T10:00:00') });
    expect(fineOutcome(closed, pop)).toEqual({ kind: 'paid', at: pdt('2026-06-15T10:00:00'), fine: usd(2_00) });
  });

  it('counts a warned order shipped in time as avoided, at the fine of missing by a moment', () => {
    const saved = order('2026-06-15T10:00:00', {
      warnedAt: pdt('2026-06-14T10:00:00'),
      trackingUploadedAt: pdt('2026-06-15T09:59:00'),
    });
    expect(fineOutcome(saved, pop)).toEqual({ kind: 'avoided', at: pdt('2026-06-15T09:59:00'), fine: usd(2_00) });
    expect(
      fineOutcome(
        { ...saved, orderTotal: usd(30_00), productPrice: usd(20_00), handedOverAt: pdt('2026-06-15T09:00:00') },
        semi,
      )?.fine,
    ).toEqual(usd(10_00));
  });

  it('counts nothing for an order on time without a warning, one still open, one warned after it shipped, or a policy without fines', () => {
    expect(
      fineOutcome(order('2026-06-15T10:00:00', { trackingUploadedAt: pdt('2026-06-14T10:00:00') }), pop),
    ).toBeUndefined();
    expect(fineOutcome(order('2026-06-15T10:00:00', { warnedAt: pdt('2026-06-14T10:00:00') }), pop)).toBeUndefined();
    expect(
      fineOutcome(
        order('2026-06-15T10:00:00', {
          warnedAt: pdt('2026-06-15T09:00:00'),
          trackingUploadedAt: pdt('2026-06-14T10:00:00'),
        }),
        pop,
      ),
    ).toBeUndefined();
    expect(
      fineOutcome(
        order('2026-06-15T10:00:00', { trackingUploadedAt: pdt('2026-06-16T10:00:00') }),
        policy('amazon_seller_fulfilled'),
      ),
    ).toBeUndefined();
    expect(
      fineOutcome(
        {
          paidAt: pdt('2026-06-12T10:00:00'),
          shipByAt: pdt('2026-06-15T10:00:00'),
          trackingUploadedAt: pdt('2026-06-16T10:00:00'),
        },
        pop,
      ),
    ).toBeUndefined();
  });

  it('uses the policy the order keeps when it carries one', () => {
    const late = order('2026-06-15T10:00:00', {
      handedOverAt: pdt('2026-06-15T12:00:00'),
      orderTotal: usd(30_00),
      productPrice: usd(20_00),
      policy: semi,
    });
    expect(fineOutcome(late)?.fine).toEqual(usd(10_00));
  });
});

describe('dailySeries', () => {
  const records: FineOrderRecord[] = [
    order('2026-06-15T10:00:00', { trackingUploadedAt: pdt('2026-06-15T12:00:00') }), // paid USD 2 on 15 Jun
    order('2026-06-15T20:00:00', { trackingUploadedAt: pdt('2026-06-15T22:00:00'), orderTotal: usd(10_00) }), // paid USD 1 on 15 Jun
    order('2026-06-16T10:00:00', {
      warnedAt: pdt('2026-06-15T10:00:00'),
      trackingUploadedAt: pdt('2026-06-16T09:00:00'),
    }), // avoided USD 2 on 16 Jun
    order('2026-06-20T10:00:00', {
      warnedAt: pdt('2026-06-19T10:00:00'),
      trackingUploadedAt: pdt('2026-06-20T09:00:00'),
    }), // avoided today
    order('2026-06-17T10:00:00', { trackingUploadedAt: pdt('2026-06-16T10:00:00') }), // on time, no warning
    order('2026-06-01T10:00:00', { trackingUploadedAt: pdt('2026-06-02T10:00:00') }), // paid before the series
    order('2026-06-21T10:00:00', {
      warnedAt: pdt('2026-06-20T10:00:00'),
      trackingUploadedAt: pdt('2026-06-20T13:00:00'),
    }), // after now
  ];

  it('gives a point per local day up to today, with the fines of each day and the totals', () => {
    const series = dailySeries(records, pop, NOW, 7);
    expect(series.points.map((p) => p.day)).toEqual([
      '2026-06-14',
      '2026-06-15',
      '2026-06-16',
      '2026-06-17',
      '2026-06-18',
      '2026-06-19',
      '2026-06-20',
    ]);
    expect(series.points[0]!.from).toBe(pdt('2026-06-14T00:00:00'));
    expect(series.points.map((p) => p.partial)).toEqual([false, false, false, false, false, false, true]);
    const day = (d: string) => series.points.find((p) => p.day === d)!;
    expect(day('2026-06-15')).toMatchObject({
      finesPaid: [usd(3_00)],
      finesAvoided: [],
      lateOrders: 2,
      savedOrders: 0,
    });
    expect(day('2026-06-16')).toMatchObject({ finesPaid: [], finesAvoided: [usd(2_00)], savedOrders: 1 });
    expect(day('2026-06-20')).toMatchObject({ finesAvoided: [usd(2_00)], savedOrders: 1 });
    expect(series.totals).toEqual({ finesPaid: [usd(3_00)], finesAvoided: [usd(4_00)], lateOrders: 2, savedOrders: 2 });
  });

  it('gives each day its rates, and no online rate before its lag has passed', () => {
    const series = dailySeries(records, pop, NOW, 7);
    const day = (d: string) => series.points.find((p) => p.day === d)!;
    // Due on 15 Jun: two orders, both uploaded late.
    expect(day('2026-06-15').rates.late_shipment_rate).toBe(1);
    expect(day('2026-06-16').rates.late_shipment_rate).toBe(0);
    expect(day('2026-06-18').rates.late_shipment_rate).toBeNull();
    // Today only what is due by now counts: the order due at 10:00 was uploaded in time.
    expect(day('2026-06-20').rates.late_shipment_rate).toBe(0);
    expect(day('2026-06-20').rates.online_rate_48h).toBeNull();
    expect(day('2026-06-17').rates.online_rate_48h).not.toBeUndefined();
    expect(day('2026-06-19').rates.online_rate_48h).toBeNull();
    expect(day('2026-06-14').rates.online_rate_7d).toBeNull();
  });

  it('keeps each currency apart', () => {
    const eur = order('2026-06-15T10:00:00', {
      handedOverAt: pdt('2026-06-15T12:00:00'),
      orderTotal: { amount: 30_00, currency: 'EUR' },
      productPrice: { amount: 20_00, currency: 'EUR' },
      policy: semi,
    });
    const series = dailySeries([...records, eur], pop, NOW, 7);
    expect(series.totals.finesPaid).toEqual([{ amount: 10_00, currency: 'EUR' }, usd(3_00)]);
  });

  it("a USD-tier fine on a EUR order uses the paid day's rate, or the platform's USD amount", () => {
    // EUR 17.50 paid 2026-06-12: ≈ USD 20.30 at 1.16, at least USD 20 → USD 2 (it used to assume the highest tier).
    const eur = order('2026-06-15T10:00:00', {
      trackingUploadedAt: pdt('2026-06-15T12:00:00'),
      orderTotal: { amount: 17_50, currency: 'EUR' },
    });
    expect(fineOutcome(eur, pop)?.fine).toEqual(usd(2_00));
    expect(fineOutcome({ ...eur, orderTotal: { amount: 17_00, currency: 'EUR' } }, pop)?.fine).toEqual(usd(1_00)); // ≈ USD 19.72
    expect(fineOutcome({ ...eur, orderTotalUsd: usd(19_00) }, pop)?.fine).toEqual(usd(1_00));
  });

  it('refuses a bad number of days', () => {
    expect(() => dailySeries(records, pop, NOW, 0)).toThrow(RangeError);
  });
});
