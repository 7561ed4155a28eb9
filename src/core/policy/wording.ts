/**
 * Small formatters for the English and Chinese sentences of deadlines, verdicts and metrics.
 * Cheap on purpose (no luxon, no Intl per call): the verdict builds sentences for every order.
 */
import { formatMoney, type Money } from '../money';
import type { MetricKey, ShippedEvent } from './schema';

export interface Bilingual {
  en: string;
  zh: string;
}

/** A duration rounded to minutes: "2 d 5 h" / "2天5小时", "3 h 20 min" / "3小时20分钟". */
export function durationText(ms: number): Bilingual {
  const totalMinutes = Math.round(Math.abs(ms) / 60_000);
  const days = Math.floor(totalMinutes / 1440);
  const hours = Math.floor((totalMinutes % 1440) / 60);
  const minutes = totalMinutes % 60;
  if (days > 0) {
    return hours > 0 ? { en: `${days} d ${hours} h`, zh: `${days}天${hours}小时` } : { en: `${days} d`, zh: `${days}天` };
  }
  if (hours > 0) {
    return minutes > 0 ? { en: `${hours} h ${minutes} min`, zh: `${hours}小时${minutes}分钟` } : { en: `${hours} h`, zh: `${hours}小时` };
  }
  return { en: `${minutes} min`, zh: `${minutes}分钟` };
}

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
