import { describe, expect, it } from 'vitest';
import { computeMetrics, type MetricOrderRecord, type MetricsReport } from '../../src/core/metrics';
import { applyOverrides, builtInRegistry, type MetricKey, type Policy } from '../../src/core/policy';

const registry = builtInRegistry();
const policy = (id: string): Policy => registry.select(id, Date.parse('2026-11-27T12:00:00Z'));
const H = 3_600_000;
const D = 24 * H;
const pdt = (local: string) => Date.parse(`${local}-07:00`);
const NOW = pdt('2026-06-20T12:00:00'); // windows end at the start of 20 Jun, Pacific time

function pick(report: MetricsReport, days: number, metric: MetricKey) {
  const window = report.windows.find((candidate) => candidate.days === days)!;
  return window.metrics.find((candidate) => candidate.metric === metric)!;
}

function paid(local: string, extra: Partial<MetricOrderRecord> = {}): MetricOrderRecord {
  return { paidAt: pdt(local), ...extra };
}

describe('late-shipment rate', () => {
  const records: MetricOrderRecord[] = [
    paid('2026-06-12T10:00:00', {
      shipByAt: pdt('2026-06-14T10:00:00'),
      trackingUploadedAt: pdt('2026-06-13T10:00:00'),
    }), // on time
    paid('2026-06-13T10:00:00', {
      shipByAt: pdt('2026-06-15T10:00:00'),
      trackingUploadedAt: pdt('2026-06-15T11:00:00'),
    }), // late
    paid('2026-06-14T10:00:00', { shipByAt: pdt('2026-06-16T10:00:00') }), // still open past the deadline: late
    paid('2026-06-15T10:00:00', {
      shipByAt: pdt('2026-06-17T10:00:00'),
      closedUnfulfilledAt: pdt('2026-06-17T10:00:00'),
    }), // non-fulfilment instead
    paid('2026-06-19T10:00:00', { shipByAt: pdt('2026-06-21T10:00:00') }), // deadline not yet in a window
    paid('2026-06-08T10:00:00', {
      shipByAt: pdt('2026-06-10T10:00:00'),
      trackingUploadedAt: pdt('2026-06-09T10:00:00'),
    }), // previous window
  ];

  it('counts orders due in the window, against the policy limit, with the trend', () => {
    const metric = pick(computeMetrics(records, policy('amazon_seller_fulfilled'), NOW), 7, 'late_shipment_rate');
    expect(metric).toMatchObject({
      from: pdt('2026-06-13T00:00:00'),
      to: pdt('2026-06-20T00:00:00'),
      numerator: 2,
      denominator: 3,
      status: 'breach',
      threshold: { warn: null, limit: 0.04 },
      trend: 'worse',
    });
    expect(metric.value).toBeCloseTo(2 / 3);
    expect(metric.previous).toMatchObject({ numerator: 0, denominator: 1, value: 0 });
    expect(metric.summary.en).toContain('late-shipment rate, last 7 days: 66.67 % (2/3), beyond the limit');
    expect(metric.summary['zh-CN']).toContain('延迟发货率（近7天）');
  });

  it('judges lateness by the event the policy counts (TikTok: the carrier scan), with a warning level', () => {
    const tiktok = policy('tiktok_shop');
    const onTime = Array.from({ length: 19 }, (_, i) =>
      paid('2026-06-10T10:00:00', {
        shipByAt: pdt('2026-06-12T10:00:00') + i * H,
        trackingUploadedAt: pdt('2026-06-11T10:00:00'),
        carrierScanAt: pdt('2026-06-11T18:00:00'),
      }),
    );
    const uploadedInTimeScannedLate = paid('2026-06-10T10:00:00', {
      shipByAt: pdt('2026-06-12T10:00:00'),
      trackingUploadedAt: pdt('2026-06-11T10:00:00'),
      carrierScanAt: pdt('2026-06-13T09:00:00'),
    });
    const metric = pick(computeMetrics([...onTime, uploadedInTimeScannedLate], tiktok, NOW), 30, 'late_shipment_rate');
    expect(metric).toMatchObject({
      numerator: 1,
      denominator: 20,
      status: 'warning',
      threshold: { warn: 0.04, limit: 0.1 },
    });
  });
});

describe('non-fulfilment and valid-tracking rates', () => {
  it('non-fulfilment: closed unfulfilled or cancelled by the seller, buyer and platform cancellations left out', () => {
    const records = [
      paid('2026-06-14T10:00:00', { trackingUploadedAt: pdt('2026-06-15T10:00:00') }),
      paid('2026-06-15T10:00:00', { closedUnfulfilledAt: pdt('2026-06-17T10:00:00') }),
      paid('2026-06-15T11:00:00', { cancelledAt: pdt('2026-06-16T10:00:00'), cancelledBy: 'seller' }),
      paid('2026-06-16T10:00:00', { cancelledAt: pdt('2026-06-16T11:00:00'), cancelledBy: 'buyer' }),
      paid('2026-06-16T12:00:00', { cancelledAt: pdt('2026-06-16T13:00:00'), cancelledBy: 'platform' }),
      paid('2026-06-17T10:00:00'),
    ];
    const metric = pick(computeMetrics(records, policy('amazon_seller_fulfilled'), NOW), 7, 'non_fulfilment_rate');
    expect(metric).toMatchObject({ numerator: 2, denominator: 4, value: 0.5, status: 'breach' });
  });

  it('valid tracking: uploaded numbers with at least one carrier scan', () => {
    const records = [
      paid('2026-06-13T10:00:00', {
        trackingUploadedAt: pdt('2026-06-14T10:00:00'),
        carrierScanAt: pdt('2026-06-15T10:00:00'),
      }),
      paid('2026-06-14T10:00:00', { trackingUploadedAt: pdt('2026-06-15T10:00:00') }),
    ];
    const metric = pick(computeMetrics(records, policy('amazon_seller_fulfilled'), NOW), 7, 'valid_tracking_rate');
    expect(metric).toMatchObject({ numerator: 1, denominator: 2, status: 'breach', direction: 'at_least' });
  });
});

describe('online rates (AliExpress, digest 1.10)', () => {
  const pop = policy('aliexpress_pop');
  const start = pdt('2026-06-11T12:00:00'); // risk passed; inside every lagged window below
  const shipped = (scanAfterMs: number | undefined, extra: Partial<MetricOrderRecord> = {}): MetricOrderRecord => ({
    paidAt: start - H,
    riskPassedAt: start,
    trackingUploadedAt: start + H,
    carrierScanAt: scanAfterMs === undefined ? undefined : start + scanAfterMs,
    ...extra,
  });
  const records = [
    shipped(40 * H),
    shipped(60 * H),
    shipped(6 * D),
    shipped(8 * D),
    shipped(undefined), // never scanned
    shipped(-2 * H), // scanned before the clock started: a false-shipment sign, not online
    shipped(10 * H, { fullyShipped: false }), // only partly shipped
    shipped(10 * H, { cancelledAt: start + 2 * H, cancelledBy: 'buyer' }), // cancelled: out of the denominator
    shipped(undefined, { trackingUploadedAt: undefined, closedUnfulfilledAt: start + 7 * D }), // cancelled by timeout: out too
  ];

  it.each([
    ['online_rate_48h', 1, 2],
    ['online_rate_72h', 2, 3],
    ['online_rate_5d', 2, 5],
    ['online_rate_7d', 3, 7],
  ] as const)('%s: %s of 7, over a window lagged by %s days', (metric, online, lagDays) => {
    const value = pick(computeMetrics(records, pop, NOW), 7, metric);
    expect(value).toMatchObject({ numerator: online, denominator: 7 });
    expect(value.to).toBe(pdt(`2026-06-${20 - lagDays}T00:00:00`));
    expect(value.from).toBe(value.to - 7 * D);
  });

  it('the 7-day online rate is judged against the policy (warn < 95 %, limit 90 %)', () => {
    expect(pick(computeMetrics(records, pop, NOW), 7, 'online_rate_7d')).toMatchObject({
      status: 'breach',
      threshold: { warn: 0.95, limit: 0.9 },
    });
    expect(pick(computeMetrics(records, pop, NOW), 7, 'online_rate_48h').status).toBe('no_threshold');
  });

  it('National Day is not counted: the clock pauses over the festival', () => {
    const riskPassedAt = Date.parse('2025-10-06T17:00:00Z'); // inside National Day 2025 (1–8 Oct, Beijing time)
    const record: MetricOrderRecord = {
      paidAt: riskPassedAt,
      riskPassedAt,
      trackingUploadedAt: riskPassedAt + H,
      carrierScanAt: Date.parse('2025-10-15T12:00:00Z'), // 8 d 19 h later, 6 d 20 h of it outside the festival
    };
    const now = pdt('2025-10-20T12:00:00');
    expect(pick(computeMetrics([record], pop, now), 7, 'online_rate_7d')).toMatchObject({
      numerator: 1,
      denominator: 1,
    });
    const noPause = applyOverrides(pop, { metricPauses: [] });
    expect(pick(computeMetrics([record], noPause, now), 7, 'online_rate_7d')).toMatchObject({
      numerator: 0,
      denominator: 1,
    });
  });
});

describe('windows', () => {
  it('reports 7 and 30 days by default; an empty window has no data and no trend', () => {
    const report = computeMetrics([], policy('shopee'), NOW);
    expect(report.windows.map((window) => window.days)).toEqual([7, 30]);
    expect(report).toMatchObject({ policyId: 'shopee', policyVersion: 1 });
    const metric = pick(report, 30, 'late_shipment_rate');
    expect(metric).toMatchObject({ value: null, status: 'no_data', trend: 'unknown', delta: null });
    expect(metric.summary.en).toContain('no orders');
  });

  it('an improving rate is "better"', () => {
    const amazon = policy('amazon_seller_fulfilled');
    const records = [
      paid('2026-06-08T10:00:00', {
        shipByAt: pdt('2026-06-10T10:00:00'),
        trackingUploadedAt: pdt('2026-06-11T10:00:00'),
      }),
      paid('2026-06-14T10:00:00', {
        shipByAt: pdt('2026-06-16T10:00:00'),
        trackingUploadedAt: pdt('2026-06-15T10:00:00'),
      }),
    ];
    expect(pick(computeMetrics(records, amazon, NOW), 7, 'late_shipment_rate')).toMatchObject({
      value: 0,
      status: 'ok',
      trend: 'better',
      delta: -1,
    });
  });

  it('refuses a window that is not a whole positive number of days', () => {
    expect(() => computeMetrics([], policy('shopee'), NOW, [0])).toThrow(RangeError);
    expect(() => computeMetrics([], policy('shopee'), NOW, [1.5])).toThrow(RangeError);
  });
});
