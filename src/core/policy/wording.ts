/**
 * Small formatters for the English and Chinese sentences of deadlines, verdicts and metrics.
 * Cheap on purpose (no luxon, no Intl per call): the verdict builds sentences for every order.
 */
import type { Bilingual } from '../duration';
import { formatMoney, type Money } from '../money';
import type { MetricKey, ShippedEvent } from './schema';

// One formatter for durations everywhere (core/duration); re-exported for the sentences built here.
export { durationText, type Bilingual } from '../duration';

export function money(value: Money): string {
  return formatMoney(value);
}

export function percentText(fraction: number): string {
  return `${Math.round(fraction * 10_000) / 100} %`;
}

export const METRIC_NAMES: Record<MetricKey, Bilingual> = {
  late_shipment_rate: { en: 'late-shipment rate', zh: '延迟发货率' },
  non_fulfilment_rate: { en: 'non-fulfilment rate', zh: '成交不卖率' },
  valid_tracking_rate: { en: 'valid-tracking rate', zh: '有效追踪率' },
  online_rate_48h: { en: '48-hour online rate', zh: '48小时上网率' },
  online_rate_72h: { en: '72-hour online rate', zh: '72小时上网率' },
  online_rate_5d: { en: '5-day online rate', zh: '5天上网率' },
  online_rate_7d: { en: '7-day online rate', zh: '7天上网率' },
};

export const SHIPPED_EVENT_NAMES: Record<ShippedEvent, Bilingual> = {
  tracking_uploaded: { en: 'tracking upload', zh: '上传运单号' },
  handed_over: { en: 'hand-over (pickup completed)', zh: '交接（揽收完成）' },
  carrier_scan: { en: 'first carrier scan', zh: '承运商首次扫描' },
  warehouse_received: { en: 'warehouse receipt', zh: '仓库签收' },
};
