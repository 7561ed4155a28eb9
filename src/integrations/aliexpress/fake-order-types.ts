/**
 * The fake marketplace's records (orders, lines, shipments, declarations, messages, seeds), its logistics services
 * and its seeded randomness.
 */
import type { PlatformLogisticsService } from './platform-types';

export interface FakeOrderLine {
  childId: string;
  productId: string;
  productName: string;
  sku: string;
  quantity: number;
  /** Integer minor units of the order currency. */
  unitPriceMinor: number;
}

export interface FakeShipment {
  serviceName: string;
  logisticsNo: string;
  sendType: 'part' | 'all';
  trackingWebsite?: string;
  declaredAt: number;
}

export interface FakeOrder {
  orderId: string;
  status: string;
  endReason: string;
  createdAt: number;
  paidAt: number;
  /** When the risk review passed (the ship-by clock starts); in the future for orders still in RISK_CONTROL. */
  riskPassedAt: number;
  modifiedAt: number;
  handlingDays: number;
  freightCommitDays: number;
  buyer: { loginId: string; firstName: string; lastName: string; country: string };
  /** The address as the order detail renders it: masked (`Mar*********`) unless seeded otherwise. */
  address: FakeAddress;
  /** The same address in full, as `findorderreceiptinfo` answers it. */
  fullAddress: FakeAddress;
  currency: string;
  logisticsService: string;
  /** `orderBusinessModel` in the lines' `extend_map` (e.g. `SEMI_CHOICE_SELF`, semi-managed), when the order has one. */
  businessModel?: string;
  lines: FakeOrderLine[];
  shipments: FakeShipment[];
  /** Set when the last parcel is declared (`all`): the buyer's receipt deadline. */
  receiptDeadline?: number;
}

export interface DeclarationRecord {
  seq: number;
  at: number;
  api: 'fulfill' | 'modify';
  orderId: string;
  serviceName: string;
  logisticsNo: string;
  sendType: string;
  trackingWebsite?: string;
  oldServiceName?: string;
  oldLogisticsNo?: string;
  accepted: boolean;
  errorCode?: string;
}

export interface BuyerMessageRecord {
  seq: number;
  at: number;
  orderId: string;
  buyerId: string;
  sellerId: string;
  content: string;
}

/** A refusal the platform reports inside the business answer (`result_success: false`). */
export interface BusinessRefusal {
  code: string;
  message: string;
}

/** The seed format of the admin API (snake_case JSON, every field optional). Times: epoch ms or ISO strings. */
export interface FakeOrderSeed {
  order_id?: string;
  status?: string;
  created_at?: number | string;
  paid_at?: number | string;
  risk_passed_at?: number | string;
  modified_at?: number | string;
  handling_days?: number;
  freight_commit_days?: number;
  currency?: string;
  logistics_service?: string;
  /** The order's business model as the detail's `extend_map.orderBusinessModel` writes it (e.g. `SEMI_CHOICE_SELF`). */
  business_model?: string;
  buyer?: { login_id?: string; first_name?: string; last_name?: string; country?: string };
  /** The full address `findorderreceiptinfo` answers; by default the detail's, unmasked (fake-marketplace.ts). */
  full_address?: FakeSeedAddress;
  address?: FakeSeedAddress;
  lines?: Array<{ sku: string; quantity: number; unit_price: string; product_id?: string; product_name?: string }>;
}

export interface FakeAddress {
  contactPerson: string;
  line1: string;
  line2: string;
  city: string;
  province: string;
  postcode: string;
  country: string;
  phoneCountry: string;
  mobile: string;
}

export interface FakeSeedAddress {
  contact_person?: string;
  line1?: string;
  line2?: string;
  city?: string;
  province?: string;
  postcode?: string;
  country?: string;
  phone_country?: string;
  mobile?: string;
}

export const FAKE_LOGISTICS_SERVICES: readonly PlatformLogisticsService[] = [
  {
    service_name: 'CAINIAO_STANDARD',
    display_name: 'AliExpress Standard Shipping',
    logistics_company: 'Cainiao',
    min_process_day: 15,
    max_process_day: 45,
  },
  {
    service_name: 'CAINIAO_PREMIUM',
    display_name: 'AliExpress Premium Shipping',
    logistics_company: 'Cainiao',
    min_process_day: 7,
    max_process_day: 15,
  },
  {
    service_name: 'CAINIAO_ECONOMY',
    display_name: 'AliExpress Saver Shipping',
    logistics_company: 'Cainiao',
    min_process_day: 20,
    max_process_day: 60,
  },
  {
    service_name: 'YANWEN_JYAM',
    display_name: 'Special Line-YW',
    logistics_company: 'Yanwen',
    min_process_day: 10,
    max_process_day: 35,
  },
  {
    service_name: 'EMS',
    display_name: 'EMS',
    logistics_company: 'China Post',
    min_process_day: 7,
    max_process_day: 25,
  },
  {
    service_name: 'CPAM',
    display_name: 'China Post Registered Air Mail',
    logistics_company: 'China Post',
    min_process_day: 15,
    max_process_day: 60,
  },
  { service_name: 'other', display_name: 'Seller-specified carrier', logistics_company: 'other' },
];

/** mulberry32: tiny, fast, good enough for fault dice and seed data. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
