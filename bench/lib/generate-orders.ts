/**
 * Generates realistic AliExpress orders (1–3 lines each, seeded) as import rows: buyers across the
 * marketplace's main destinations, US Pacific timestamps, prices in USD/EUR, handling 3–7 days.
 */
import { IMPORT_COLUMNS } from '../../src/core/order-input';
import { pick, seededRandom } from './random';

const BUYERS = [
  ['ES', 'Madrid', '28013', 'Calle Mayor 12', 'Maria Garcia', '+34 600 111 222', 'EUR'],
  ['FR', 'Paris', '75002', '12 rue de la Paix', 'Sophie Martin', '+33 6 12 34 56 78', 'EUR'],
  ['PL', 'Kraków', '31-147', 'ul. Długa 5', 'Jan Kowalski', '+48 500 200 300', 'USD'],
  ['US', 'San Francisco', '94105', '500 Market St', 'John Smith', '+1 415 555 0101', 'USD'],
  ['BR', 'São Paulo', '01310-100', 'Av. Paulista 1000', 'Ana Souza', '+55 11 91234 5678', 'USD'],
  ['KR', 'Seoul', '04524', '1 Sejong-daero', 'Kim Min-jun', '+82 10 1234 5678', 'USD'],
  ['IL', 'Tel Aviv', '6100000', 'Rothschild Blvd 1', 'Noa Levi', '+972 50 123 4567', 'USD'],
  ['NL', 'Amsterdam', '1012 JS', 'Dam 1', 'Daan de Vries', '+31 6 12345678', 'EUR'],
] as const;
const SKUS = Array.from({ length: 2000 }, (_, i) => `SKU-${String(i).padStart(5, '0')}`);
const SERVICES = ['CAINIAO_STANDARD', 'CAINIAO_ECONOMY', 'AE_PREMIUM', 'YANWEN_JYT', 'CPAM'];

export type GeneratedRow = Record<(typeof IMPORT_COLUMNS)[number], string>;

function laTimestamp(epochMs: number): string {
  // A bare AliExpress timestamp (US Pacific wall clock). Winter offset is enough for a realistic file.
  return new Date(epochMs - 8 * 3_600_000).toISOString().slice(0, 19).replace('T', ' ');
}

/** Yields the rows of `count` orders, grouped by order. */
export function* generateOrderRows(
  count: number,
  seed = 42,
  startMs = Date.UTC(2026, 10, 1),
): Generator<GeneratedRow[]> {
  const random = seededRandom(seed);
  for (let i = 0; i < count; i++) {
    const buyer = pick(random, BUYERS);
    const paid = startMs + Math.floor(random() * 20 * 86_400_000);
    const risk = paid + Math.floor(random() * 6 * 3_600_000);
    const handling = 3 + Math.floor(random() * 5);
    const status = random() < 0.1 ? 'RISK_CONTROL' : 'WAIT_SELLER_SEND_GOODS';
    const lineCount = 1 + Math.floor(random() * 3);
    const skus = new Set<string>();
    while (skus.size < lineCount) skus.add(pick(random, SKUS));
    const base = {
      order_id: String(8_100_000_000_000_000 + i),
      platform: 'aliexpress',
      status,
      paid_at: laTimestamp(paid),
      risk_passed_at: status === 'RISK_CONTROL' ? '' : laTimestamp(risk),
      ship_by: status === 'RISK_CONTROL' || random() < 0.3 ? '' : laTimestamp(risk + handling * 86_400_000),
      buyer_name: `${buyer[4]} ${i % 997}`,
      buyer_country: buyer[0],
      address_line1: buyer[3],
      address_line2: '',
      state: '',
      city: buyer[1],
      postcode: buyer[2],
      phone: buyer[5],
      currency: buyer[6],
      handling_days: String(handling),
      logistics_service: pick(random, SERVICES),
      shipped_at: '',
      order_type: '',
      cancel_requested_at: '',
    };
    yield [...skus].map((sku) => ({
      ...base,
      sku,
      quantity: String(1 + Math.floor(random() * 3)),
      unit_price: (0.99 + Math.floor(random() * 5000) / 100).toFixed(2),
    }));
  }
}

function csvField(value: string): string {
  return /[",\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

export function csvHeader(): string {
  return IMPORT_COLUMNS.join(',') + '\n';
}

export function csvLine(row: GeneratedRow): string {
  return IMPORT_COLUMNS.map((c) => csvField(row[c])).join(',') + '\n';
}
