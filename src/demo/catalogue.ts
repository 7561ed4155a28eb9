/**
 * The demo shop: one warehouse in Shenzhen, a small catalogue with its opening stock, and its supplier's habits.
 * Two SKUs are stocked thin on purpose, so they run short during the day and are replenished by a purchase order;
 * one cannot be had at all today, so the orders that want it wait for stock until their deadline passes.
 */
export const DEMO_SHOP_ID = 'demo-shop';

/** The demo shop's credentials on the local fake marketplace (stored encrypted, like a real shop's). */
export const DEMO_APP_KEY = 'demo-app-key';
export const DEMO_APP_SECRET = 'demo-app-secret';
export const DEMO_WAREHOUSE = {
  id: 'SZ-1',
  name: 'Shenzhen warehouse',
  kind: 'domestic' as const,
  country: 'CN',
  timeZone: 'Asia/Shanghai',
  cutoffTime: '17:00',
};

/** The return address on the demo's labels. */
export const DEMO_SENDER = {
  name: 'Demo Shop (Shenzhen warehouse)',
  line1: '1 Keji South Road, Nanshan',
  city: 'Shenzhen',
  postcode: '518057',
  country: 'CN',
  phone: '+86 755 0000 0000',
};

/** The packing shift and the carrier's collections, in the warehouse's zone. */
export const DEMO_SHIFT = { start: '08:00', end: '20:00' };
export const DEMO_PICKUPS = ['12:00', '18:00'];
export const DEMO_STATIONS = 2;
export const DEMO_SUPPLIER = 'Yiwu Trading Co.';

export interface DemoSku {
  sku: string;
  name: string;
  /** Price to the buyer, USD major units as the platform writes them. */
  unitPrice: string;
  /** Relative popularity: how often a line is this SKU. */
  weight: number;
  openingStock: number;
  /** The supplier has none of it today: no purchase order is placed, its orders wait. */
  unavailable?: boolean;
}

export const DEMO_SKUS: readonly DemoSku[] = [
  { sku: 'CASE-IP15-BLK', name: 'Phone case, black (iPhone 15)', unitPrice: '3.99', weight: 3, openingStock: 160 },
  { sku: 'GLASS-IP15', name: 'Screen protector glass (iPhone 15)', unitPrice: '1.99', weight: 2.5, openingStock: 220 },
  { sku: 'CABLE-USBC-1M', name: 'USB-C cable, 1 m', unitPrice: '2.49', weight: 2.5, openingStock: 9 },
  { sku: 'EARBUDS-TWS-W', name: 'Wireless earbuds, white', unitPrice: '12.90', weight: 1.6, openingStock: 90 },
  { sku: 'LED-STRIP-5M', name: 'LED strip, 5 m, RGB', unitPrice: '7.50', weight: 1.2, openingStock: 70 },
  { sku: 'STAND-ALU', name: 'Aluminium phone stand', unitPrice: '4.20', weight: 1, openingStock: 80 },
  { sku: 'FAN-MINI-USB', name: 'Mini USB fan', unitPrice: '5.60', weight: 1, openingStock: 5 },
  {
    sku: 'LAMP-MOON-15',
    name: 'Moon lamp, 15 cm',
    unitPrice: '14.80',
    weight: 0.25,
    openingStock: 0,
    unavailable: true,
  },
];

/** Logistics services buyers choose (the platform's keys), most often the standard one. */
export const DEMO_SERVICES = [
  'CAINIAO_STANDARD',
  'CAINIAO_STANDARD',
  'CAINIAO_STANDARD',
  'CAINIAO_PREMIUM',
  'CAINIAO_ECONOMY',
] as const;

/** Handling days sellers promise (goods_prepare_time). */
export const DEMO_HANDLING_DAYS = [3, 3, 5, 5, 7] as const;
