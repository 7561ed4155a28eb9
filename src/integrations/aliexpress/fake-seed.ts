/**
 * Seeding the fake marketplace: N varied, reproducible orders around an instant (most awaiting shipment, some in
 * risk control or partly shipped), from a seeded random source so a run can be replayed.
 */
import { seededRandom, type FakeOrder } from './fake-order-types';
import type { FakeMarketplace } from './fake-marketplace';

const HOUR_MS = 3600 * 1000;
const DAY_MS = 24 * HOUR_MS;

export function seedRandomOrders(marketplace: FakeMarketplace, count: number, now: number, seed = 1): FakeOrder[] {
  const random = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const destinations = [
    { country: 'ES', city: 'Madrid', postcode: '28013', phone: '+34' },
    { country: 'FR', city: 'Lyon', postcode: '69002', phone: '+33' },
    { country: 'US', city: 'Austin', postcode: '78701', phone: '+1' },
    { country: 'BR', city: 'Campinas', postcode: '13010-111', phone: '+55' },
    { country: 'PL', city: 'Kraków', postcode: '31-042', phone: '+48' },
    { country: 'KR', city: 'Seoul', postcode: '04524', phone: '+82' },
    { country: 'NL', city: 'Utrecht', postcode: '3511 AB', phone: '+31' },
  ];
  const statuses = [
    'WAIT_SELLER_SEND_GOODS',
    'WAIT_SELLER_SEND_GOODS',
    'WAIT_SELLER_SEND_GOODS',
    'WAIT_SELLER_SEND_GOODS',
    'RISK_CONTROL',
    'SELLER_PART_SEND_GOODS',
  ];
  const created: FakeOrder[] = [];
  for (let i = 0; i < count; i++) {
    const destination = pick(destinations);
    const status = pick(statuses);
    const handlingDays = 3 + Math.floor(random() * 5);
    // Spread payments over the last (handling - 1) days so most deadlines are still ahead.
    const paidAt = now - Math.floor(random() * (handlingDays - 1) * DAY_MS) - 60_000;
    const riskPassedAt =
      status === 'RISK_CONTROL'
        ? now + Math.floor(random() * 12 * HOUR_MS)
        : paidAt + Math.floor(random() * 6 * HOUR_MS);
    const lineCount = 1 + Math.floor(random() * 3);
    const order = marketplace.addOrder(
      {
        status,
        paid_at: paidAt,
        risk_passed_at: riskPassedAt,
        handling_days: handlingDays,
        freight_commit_days: pick([27, 45, 60, 90]),
        logistics_service: pick(['CAINIAO_STANDARD', 'CAINIAO_STANDARD', 'CAINIAO_PREMIUM', 'CAINIAO_ECONOMY']),
        address: {
          country: destination.country,
          city: destination.city,
          postcode: destination.postcode,
          phone_country: destination.phone,
        },
        lines: Array.from({ length: lineCount }, (_, line) => ({
          sku: `SKU-${String(1 + Math.floor(random() * 40)).padStart(3, '0')}`,
          quantity: 1 + Math.floor(random() * 3),
          unit_price: `${1 + Math.floor(random() * 60)}.${String(Math.floor(random() * 100)).padStart(2, '0')}`,
          product_name: `Seed product ${i + 1}.${line + 1}`,
        })),
      },
      now,
    );
    if (status === 'SELLER_PART_SEND_GOODS') {
      order.shipments.push({
        serviceName: order.logisticsService,
        logisticsNo: `LP${String(100000000000 + i)}`,
        sendType: 'part',
        declaredAt: Math.min(now, riskPassedAt + HOUR_MS),
      });
      order.modifiedAt = Math.min(now, riskPassedAt + HOUR_MS);
    }
    created.push(order);
  }
  marketplace.invalidate();
  return created;
}
