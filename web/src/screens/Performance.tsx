/**
 * Performance: the seller's metrics over rolling windows against the policy's thresholds — a chart per
 * window (bars for the value, a mark for the limit and the warning level) and the figures with their trend —
 * then day by day over the longest window: each rate as a line, and the fines paid and avoided as bars with their
 * totals (core/metrics.ts `dailySeries` defines both).
 */
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart as ChartJS,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
  type ChartData,
  type ChartOptions,
} from 'chart.js';
import { Chart } from 'react-chartjs-2';
import { api, type Metric, type MetricsReport, type Money as MoneyValue } from '../api';
import { Card, ErrorText, LiveBadge, Money, ShopSelect } from '../components';
import { currencyDigits } from '../format';
import { useData } from '../data';
import { POLL_MS, useNow, usePoll } from '../hooks';
import { useI18n } from '../i18n';

// Only the parts of Chart.js these charts use, so the bundle stays small.
ChartJS.register(
  BarController,
  BarElement,
  LineController,
  LineElement,
  PointElement,
  CategoryScale,
  LinearScale,
  Tooltip,
  Legend,
);

const STATUS_COLOURS: Record<string, string> = {
  ok: '#2f9e44',
  warning: '#f08c00',
  breach: '#e03131',
  no_threshold: '#748ffc',
  no_data: '#adb5bd',
};

const percent = (value: number | null | undefined) =>
  value === null || value === undefined ? null : Math.round(value * 10_000) / 100;

export function Performance() {
  const { t, term, pick, locale } = useI18n();
  const { shopId, setShopId, shops, loaded } = useData();
  const now = useNow(1000);
  const polled = usePoll(
    (signal) =>
      shopId
        ? api<MetricsReport>(`/metrics/seller?shop=${encodeURIComponent(shopId)}&windows=7,30`, { signal })
        : Promise.resolve(undefined),
    [shopId],
    POLL_MS * 6,
  );
  const report = polled.data;

  return (
    <div className="screen performance">
      <div className="screen-title">
        <h1>{t('performance.title')}</h1>
        <LiveBadge receivedAt={polled.receivedAt} error={polled.error} now={now} />
      </div>
      <div className="toolbar">
        <label>
          {t('filter.shop')}
          <ShopSelect value={shopId} onChange={setShopId} />
        </label>
        {report ? (
          <span className="muted">
            {t('performance.policy', { policy: `${report.policyId}@${report.policyVersion}` })}
          </span>
        ) : null}
      </div>
      {loaded && shops.length === 0 ? <p className="empty">{t('shops.none')}</p> : null}
      <ErrorText error={polled.error} />
      <div className="metric-windows">
        {report?.windows.map((w) => (
          <Card key={w.days} title={t('performance.window', { days: w.days })}>
            <div className="chart-box">
              <Chart
                type="bar"
                data={chartData(w.metrics, pick, t)}
                options={chartOptions(t, locale)}
                aria-label={t('performance.chartLabel', { days: w.days })}
                role="img"
              />
            </div>
            <table className="compact metrics" data-testid={`metrics-${w.days}`}>
              <thead>
                <tr>
                  <th>{t('performance.metric')}</th>
                  <th className="num">{t('performance.value')}</th>
                  <th className="num">{t('performance.threshold')}</th>
                  <th>{t('performance.status')}</th>
                  <th>{t('performance.trend')}</th>
                </tr>
              </thead>
              <tbody>
                {w.metrics.map((m) => (
                  <tr key={m.metric} title={pick(m.summary)}>
                    <td>{pick(m.label)}</td>
                    <td className="num">
                      {m.value === null
                        ? '—'
                        : t('performance.ratio', {
                            percent: percent(m.value)!,
                            numerator: m.numerator,
                            denominator: m.denominator,
                          })}
                    </td>
                    <td className="num">{thresholdText(m, t)}</td>
                    <td>
                      <span className={`badge metric-${m.status}`}>{term('metricStatus', m.status)}</span>
                    </td>
                    <td>{term('trend', m.trend)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <details className="summaries">
              <summary>{t('performance.inWords')}</summary>
              <ul>
                {w.metrics.map((m) => (
                  <li key={m.metric}>{pick(m.summary)}</li>
                ))}
              </ul>
            </details>
          </Card>
        ))}
      </div>
      {report?.daily ? <DailyCharts report={report} /> : null}
    </div>
  );
}

const RATE_COLOURS = ['#e03131', '#f08c00', '#1971c2', '#2f9e44', '#7048e8', '#0c8599', '#c2255c', '#5c940d'];

/** The rates day by day, and the fines paid and avoided per day in the main currency with every currency's total. */
function DailyCharts({ report }: { report: MetricsReport }) {
  const { t, pick, locale } = useI18n();
  const { daily } = report;
  const labels = daily.points.map((p) => p.day.slice(5));
  const metrics = report.windows[0]?.metrics ?? [];
  const rateData: ChartData<'line', Array<number | null>, string> = {
    labels,
    datasets: metrics.map((m, i) => ({
      label: pick(m.label),
      data: daily.points.map((p) => percent(p.rates[m.metric])),
      borderColor: RATE_COLOURS[i % RATE_COLOURS.length],
      backgroundColor: RATE_COLOURS[i % RATE_COLOURS.length],
      pointRadius: 2,
      borderWidth: 2,
      spanGaps: true,
    })),
  };
  // The chart shows one currency: the one with the most at stake (a shop's fines are nearly always in one).
  const totals = new Map<string, number>();
  for (const m of [...daily.totals.finesPaid, ...daily.totals.finesAvoided])
    totals.set(m.currency, (totals.get(m.currency) ?? 0) + m.amount);
  const currency = [...totals].sort((a, b) => b[1] - a[1])[0]?.[0] ?? 'USD';
  const major = (list: MoneyValue[]) =>
    (list.find((m) => m.currency === currency)?.amount ?? 0) / 10 ** currencyDigits(currency);
  const fineData: ChartData<'bar', number[], string> = {
    labels,
    datasets: [
      {
        label: t('performance.finesPaid'),
        data: daily.points.map((p) => major(p.finesPaid)),
        backgroundColor: '#e03131',
      },
      {
        label: t('performance.finesAvoided'),
        data: daily.points.map((p) => major(p.finesAvoided)),
        backgroundColor: '#2f9e44',
      },
    ],
  };
  const moneyList = (list: MoneyValue[]) =>
    list.length ? list.map((m) => <Money key={m.currency} value={m} />) : <Money value={{ amount: 0, currency }} />;
  return (
    <div className="metric-windows">
      <Card title={t('performance.overTime', { days: daily.days })}>
        <div className="chart-box">
          <Chart
            type="line"
            data={rateData}
            options={dayOptions<'line'>(locale, t('performance.percent'), true)}
            aria-label={t('performance.overTimeLabel', { days: daily.days })}
            role="img"
          />
        </div>
        <p className="muted">{t('performance.overTimeHint')}</p>
      </Card>
      <Card title={t('performance.fines')}>
        <div className="summary" data-testid="fines">
          <div className="summary-item" data-testid="fines-paid">
            <span className="summary-label">{t('performance.finesPaid')}</span>
            <span className="summary-value">{moneyList(daily.totals.finesPaid)}</span>
            <span className="summary-hint">
              {t('performance.finesOrders', { count: daily.totals.lateOrders })} · {t('performance.finesPaidHint')}
            </span>
          </div>
          <div className="summary-item" data-testid="fines-avoided">
            <span className="summary-label">{t('performance.finesAvoided')}</span>
            <span className="summary-value">{moneyList(daily.totals.finesAvoided)}</span>
            <span className="summary-hint">
              {t('performance.finesOrders', { count: daily.totals.savedOrders })} · {t('performance.finesAvoidedHint')}
            </span>
          </div>
        </div>
        <div className="chart-box" data-testid="fines-chart">
          <Chart
            type="bar"
            data={fineData}
            options={dayOptions<'bar'>(locale, t('performance.finesAmount', { currency }), false)}
            aria-label={t('performance.finesLabel', { days: daily.days, currency })}
            role="img"
          />
        </div>
      </Card>
    </div>
  );
}

/** A chart over days: rates in percent (with the percent tooltip), or amounts in a currency. */
function dayOptions<T extends 'line' | 'bar'>(locale: string, yTitle: string, percentScale: boolean): ChartOptions<T> {
  return {
    responsive: true,
    maintainAspectRatio: false,
    animation: false,
    locale,
    scales: {
      y: percentScale
        ? {
            min: 0,
            max: 100,
            ticks: { callback: (v: string | number) => `${v} %` },
            title: { display: true, text: yTitle },
          }
        : { min: 0, title: { display: true, text: yTitle } },
    },
    plugins: {
      legend: { position: 'bottom', labels: { boxWidth: 14 } },
      ...(percentScale
        ? {
            tooltip: {
              callbacks: {
                label: (item: { dataset: { label?: string }; formattedValue: string }) =>
                  `${item.dataset.label}: ${item.formattedValue} %`,
              },
            },
          }
        : {}),
    },
  } as unknown as ChartOptions<T>;
}

function thresholdText(m: Metric, t: ReturnType<typeof useI18n>['t']): string {
  if (!m.threshold) return t('performance.noThreshold');
  const key = m.direction === 'at_most' ? 'performance.atMost' : 'performance.atLeast';
  const limit = t(key, { percent: percent(m.threshold.limit)! });
  return m.threshold.warn === null
    ? limit
    : `${limit} · ${t('performance.warnAt', { percent: percent(m.threshold.warn)! })}`;
}

function chartData(
  metrics: Metric[],
  pick: ReturnType<typeof useI18n>['pick'],
  t: ReturnType<typeof useI18n>['t'],
): ChartData<'bar' | 'line', Array<number | null>, string | string[]> {
  return {
    labels: metrics.map((m) => wrapLabel(pick(m.label))),
    datasets: [
      {
        type: 'bar',
        label: t('performance.value'),
        data: metrics.map((m) => percent(m.value)),
        backgroundColor: metrics.map((m) => STATUS_COLOURS[m.status] ?? '#868e96'),
        order: 2,
      },
      {
        type: 'line',
        label: t('performance.limit'),
        data: metrics.map((m) => percent(m.threshold?.limit)),
        showLine: false,
        pointStyle: 'line',
        pointRadius: 22,
        pointHoverRadius: 24,
        borderWidth: 3,
        borderColor: '#c92a2a',
        backgroundColor: '#c92a2a',
        order: 1,
      },
      {
        type: 'line',
        label: t('performance.warn'),
        data: metrics.map((m) => percent(m.threshold?.warn)),
        showLine: false,
        pointStyle: 'line',
        pointRadius: 22,
        pointHoverRadius: 24,
        borderWidth: 2,
        borderDash: [4, 3],
        borderColor: '#e67700',
        backgroundColor: '#e67700',
        order: 1,
      },
    ],
  };
}

function chartOptions(t: ReturnType<typeof useI18n>['t'], locale: string): ChartOptions<'bar' | 'line'> {
  return {
    responsive: true,
    maintainAspectRatio: false,
    animation: false,
    locale,
    scales: {
      y: {
        min: 0,
        max: 100,
        ticks: { callback: (v) => `${v} %` },
        title: { display: true, text: t('performance.percent') },
      },
      x: { ticks: { autoSkip: false, maxRotation: 0, font: { size: 11 } } },
    },
    plugins: {
      legend: { position: 'bottom', labels: { boxWidth: 14 } },
      tooltip: { callbacks: { label: (item) => `${item.dataset.label}: ${item.formattedValue} %` } },
    },
  };
}

/** Axis labels on two lines at most, so seven metrics fit side by side. */
function wrapLabel(label: string): string | string[] {
  const words = label.split(' ');
  if (words.length < 2) return label;
  const middle = Math.ceil(words.length / 2);
  return [words.slice(0, middle).join(' '), words.slice(middle).join(' ')];
}
