/**
 * Sample orders relative to an instant: paid hours or days before it, due after it, so a fresh import shows
 * open work (one due within hours, one still in the platform's risk check, semi-managed JIT and self-send orders
 * with their `order_type`) whatever the day. The columns are the order import's (README, "Importing orders").
 * Pure: `now` is passed in.
 */
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const EXAMPLE_ORDER_COLUMNS = [
  'order_id',
  'platform',
  'status',
  'order_type',
  'paid_at',
  'risk_passed_at',
  'ship_by',
  'buyer_name',
  'buyer_country',
  'address_line1',
  'city',
  'postcode',
  'phone',
  'currency',
  'sku',
  'quantity',
  'unit_price',
  'handling_days',
  'logistics_service',
] as const;

interface Sample {
  id: string;
  status: 'WAIT_SELLER_SEND_GOODS' | 'RISK_CONTROL';
  type?: 'jit' | 'self_send';
  paidAgo: number;
  /** Due this long after now (none: the policy computes it from the handling days). */
  dueIn?: number;
  buyer: [name: string, country: string, line1: string, city: string, postcode: string, phone: string];
  currency: string;
  lines: Array<[sku: string, quantity: number, price: string]>;
  handlingDays: number;
  service: string;
}

const SAMPLES: Sample[] = [
  {
    id: '01',
    status: 'WAIT_SELLER_SEND_GOODS',
    paidAgo: 2 * DAY,
    dueIn: 5 * DAY,
    buyer: ['Maria Garcia', 'ES', 'Calle Mayor 12', 'Madrid', '28013', '+34 600 111 222'],
    currency: 'USD',
    lines: [
      ['PHONE-CASE-BLK', 2, '3.99'],
      ['USB-C-CABLE-1M', 1, '2.49'],
    ],
    handlingDays: 7,
    service: 'CAINIAO_STANDARD',
  },
  {
    id: '02',
    status: 'WAIT_SELLER_SEND_GOODS',
    paidAgo: 4 * DAY,
    dueIn: 8 * HOUR,
    buyer: ['John Smith', 'US', '500 Market St', 'San Francisco', '94105', '+1 415 555 0101'],
    currency: 'USD',
    lines: [
      ['PHONE-CASE-BLK', 3, '3.99'],
      ['SCREEN-PROTECTOR', 3, '1.99'],
      ['USB-C-CABLE-1M', 2, '2.49'],
    ],
    handlingDays: 5,
    service: 'CAINIAO_STANDARD',
  },
  {
    id: '03',
    status: 'RISK_CONTROL',
    paidAgo: 3 * HOUR,
    buyer: ['Jan Kowalski', 'PL', 'ul. Długa 5', 'Kraków', '31-147', '+48 500 200 300'],
    currency: 'USD',
    lines: [['LED-STRIP-5M', 1, '12.90']],
    handlingDays: 5,
    service: 'CAINIAO_STANDARD',
  },
  {
    id: '04',
    status: 'WAIT_SELLER_SEND_GOODS',
    paidAgo: DAY,
    buyer: ['Sophie Martin', 'FR', '12 rue de la Paix', 'Paris', '75002', '+33 6 12 34 56 78'],
    currency: 'EUR',
    lines: [['SMART-WATCH-S1', 1, '29.00']],
    handlingDays: 3,
    service: 'AE_PREMIUM',
  },
  {
    id: '05',
    status: 'WAIT_SELLER_SEND_GOODS',
    type: 'jit',
    paidAgo: 10 * HOUR,
    dueIn: 30 * HOUR,
    buyer: ['Lucas Müller', 'DE', 'Hauptstraße 8', 'Berlin', '10115', '+49 30 1234567'],
    currency: 'EUR',
    lines: [['LED-STRIP-5M', 2, '11.50']],
    handlingDays: 2,
    service: 'CAINIAO_STANDARD',
  },
  {
    id: '06',
    status: 'WAIT_SELLER_SEND_GOODS',
    type: 'self_send',
    paidAgo: 20 * HOUR,
    dueIn: 3 * DAY,
    buyer: ['Ana Souza', 'BR', 'Rua Augusta 100', 'São Paulo', '01304-000', '+55 11 91234 5678'],
    currency: 'USD',
    lines: [
      ['SMART-WATCH-S1', 1, '27.00'],
      ['SCREEN-PROTECTOR', 2, '1.99'],
    ],
    handlingDays: 3,
    service: 'CAINIAO_STANDARD',
  },
];

const iso = (t: number) => new Date(t).toISOString().slice(0, 19) + 'Z';
const cell = (v: string) => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);

/** The sample rows (one per order line) for `now`; order ids carry the day so a later run adds new orders. */
function exampleOrderRows(now: number): string[][] {
  const day = new Date(now).toISOString().slice(2, 10).replace(/-/g, '');
  return SAMPLES.flatMap((s) => {
    const paid = now - s.paidAgo;
    const risk = s.status === 'RISK_CONTROL' ? '' : iso(paid + 45 * 60_000);
    const due = s.dueIn !== undefined ? iso(now + s.dueIn) : '';
    return s.lines.map(([sku, quantity, price]) => [
      `81900${day}00${s.id}`,
      'aliexpress',
      s.status,
      s.type ?? '',
      iso(paid),
      risk,
      due,
      ...s.buyer,
      s.currency,
      sku,
      String(quantity),
      price,
      String(s.handlingDays),
      s.service,
    ]);
  });
}

export function exampleOrdersCsv(now: number): string {
  return (
    [EXAMPLE_ORDER_COLUMNS.join(','), ...exampleOrderRows(now).map((r) => r.map(cell).join(','))].join('\n') + '\n'
  );
}
