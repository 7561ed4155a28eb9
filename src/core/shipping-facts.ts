/**
 * Facts about an order that the carrier choice and the label need, pure:
 *
 * - `buyerLogisticsClassOf(serviceKey)`: the class of the logistics service the buyer chose at checkout, read from
 *   the marketplace's service key (AliExpress `CAINIAO_PREMIUM` → premium, `CPAM` → standard, `EMS`/`DHL` → express,
 *   `…ECONOMY`/`…SAVER` → economy); undefined when the key says nothing we can rely on (the check is then skipped,
 *   never guessed).
 * - `deliveryPromise(now, days, source)`: the date the buyer was promised — shipping now plus the promised delivery
 *   days (`freight_commit_day` from the order, else the policy's fallback for the order's class), as an instant.
 * - `prorate(total, weights)`: splits an amount in minor units over parts by weight, exactly (largest remainders).
 * - `sortForPrinting(labels, by)`: the order labels come out of the printer: by deadline (most urgent first), by
 *   carrier (one pile per pick-up) or by SKU (parcels of the same item together); ties by deadline, then parcel id.
 */
import { localized, type Localized } from './i18n';
import type { LogisticsClass } from './carrier/logistics-class';
import { DAY_MS } from './time';

const CLASS_PATTERNS: Array<[RegExp, LogisticsClass]> = [
  [/^EMS_ZX/, 'standard'], // AliExpress' key for ePacket (EMS_ZX_ZX_US) is not EMS
  [/(^|_)(EMS|DHL|UPS|FEDEX|TNT|SF|ARAMEX|EXPRESS)(_|$)/, 'express'],
  [/PREMIUM|PRIORITY/, 'premium'],
  [/ECONOMY|SAVER|ECONOMIC|CPAP|SMALL_?PACKET/, 'economy'],
  [/STANDARD|CPAM|EPACKET|E_PACKET|REGISTERED|SPECIAL_LINE|YUN|4PX|FOURPX|YANWEN/, 'standard'],
];

export function buyerLogisticsClassOf(serviceKey: string | null | undefined): LogisticsClass | undefined {
  const key = (serviceKey ?? '')
    .trim()
    .toUpperCase()
    .replace(/[\s-]+/g, '_');
  if (!key) return undefined;
  for (const [pattern, cls] of CLASS_PATTERNS) if (pattern.test(key)) return cls;
  return undefined;
}

export interface DeliveryPromise {
  at: number;
  days: number;
  source: 'order' | 'policy';
  explanation: Localized;
}

export function deliveryPromise(
  now: number,
  days: number,
  source: 'order' | 'policy',
  receiptClass?: string,
): DeliveryPromise {
  const at = now + days * DAY_MS;
  const date = new Date(at).toISOString().slice(0, 10);
  return {
    at,
    days,
    source,
    explanation:
      source === 'order'
        ? localized(
            `promised delivery: ${days} days from shipping (the order's freight_commit_day), by ${date}`,
            `承诺送达：发货后 ${days} 天（订单的 freight_commit_day），即 ${date} 前`,
          )
        : localized(
            `promised delivery: ${days} days from shipping (the policy's default for ${receiptClass ?? 'its'} shipping; the order gives none), by ${date}`,
            `承诺送达：发货后 ${days} 天（订单未给出，按政策对${receiptClass ?? ''}物流的默认值），即 ${date} 前`,
          ),
  };
}

/** Splits `total` (minor units) over parts in proportion to `weights`; the parts add up to `total` exactly. */
export function prorate(total: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  if (weights.length === 0) return [];
  if (sum <= 0) return weights.map((_, i) => (i === 0 ? total : 0));
  const exact = weights.map((w) => (total * w) / sum);
  const parts = exact.map((x) => Math.floor(x));
  let left = total - parts.reduce((a, b) => a + b, 0);
  const order = exact.map((x, i) => ({ i, frac: x - Math.floor(x) })).sort((a, b) => b.frac - a.frac || a.i - b.i);
  for (let k = 0; left > 0; k = (k + 1) % order.length, left--) parts[order[k]!.i]! += 1;
  return parts;
}

export const PRINT_ORDERS = ['deadline', 'carrier', 'sku'] as const;
export type PrintOrder = (typeof PRINT_ORDERS)[number];

export function isPrintOrder(value: string): value is PrintOrder {
  return (PRINT_ORDERS as readonly string[]).includes(value);
}

export interface PrintableLabel {
  parcelId: number;
  shipByAt: number | null;
  carrier: string;
  service: string;
  /** Seller SKUs in the parcel, as packed. */
  skus: readonly string[];
}

export function sortForPrinting<T extends PrintableLabel>(labels: readonly T[], by: PrintOrder): T[] {
  const deadline = (l: PrintableLabel) => l.shipByAt ?? Number.POSITIVE_INFINITY;
  const byDeadline = (a: PrintableLabel, b: PrintableLabel) => deadline(a) - deadline(b) || a.parcelId - b.parcelId;
  const firstSku = (l: PrintableLabel) => [...l.skus].sort()[0] ?? '';
  const compare =
    by === 'deadline'
      ? byDeadline
      : by === 'carrier'
        ? (a: PrintableLabel, b: PrintableLabel) =>
            a.carrier.localeCompare(b.carrier) || a.service.localeCompare(b.service) || byDeadline(a, b)
        : (a: PrintableLabel, b: PrintableLabel) => firstSku(a).localeCompare(firstSku(b)) || byDeadline(a, b);
  return [...labels].sort(compare);
}
