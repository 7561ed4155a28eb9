import fs from 'node:fs';
import path from 'node:path';
import { IMPORT_COLUMNS } from '../../src/core/order-input';

export type Row = Partial<Record<(typeof IMPORT_COLUMNS)[number], string>>;

export function orderRow(orderId: string, sku: string, extra: Row = {}): Row {
  return {
    order_id: orderId,
    platform: 'aliexpress',
    status: 'WAIT_SELLER_SEND_GOODS',
    paid_at: '2026-11-20 09:00:00',
    risk_passed_at: '2026-11-20 10:00:00',
    ship_by: '',
    buyer_name: `Buyer ${orderId}`,
    buyer_country: 'ES',
    address_line1: 'Calle Mayor 12',
    city: 'Madrid',
    postcode: '28013',
    phone: '+34 600 000 000',
    currency: 'USD',
    sku,
    quantity: '1',
    unit_price: '4.99',
    handling_days: '5',
    logistics_service: 'CAINIAO_STANDARD',
    ...extra,
  };
}

export function writeCsv(dir: string, name: string, rows: Row[]): string {
  const quote = (v: string) => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  const text =
    [IMPORT_COLUMNS.join(','), ...rows.map((r) => IMPORT_COLUMNS.map((c) => quote(r[c] ?? '')).join(','))].join('\n') +
    '\n';
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}
