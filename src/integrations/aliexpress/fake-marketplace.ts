/**
 * The in-memory state of the fake AliExpress marketplace: orders, declared shipments, buyer messages, and the
 * platform rules the fake enforces. No HTTP here (fake-server.ts speaks the protocol); the clock is passed in.
 *
 * Rules modelled (marketplace-rules.md §1.3, §3.3):
 * - RISK_CONTROL becomes WAIT_SELLER_SEND_GOODS once `risk_passed_at` is reached; the ship-by countdown
 *   (`over_time_left`) is risk-passed time + handling days × 24 h of elapsed time (DST-correct on the wall clock).
 * - A shipment may be declared only in WAIT_SELLER_SEND_GOODS / SELLER_PART_SEND_GOODS. `send_type=part` keeps or
 *   puts the order in SELLER_PART_SEND_GOODS; `all` moves it to WAIT_BUYER_ACCEPT_GOODS and starts the receipt
 *   countdown (freight commit days × 24 h).
 * - An order still in WAIT_SELLER_SEND_GOODS when its countdown ends is closed (FINISH, end reason
 *   `seller_send_goods_timeout`), as POP orders are; later declarations fail.
 * Every declaration attempt, accepted or refused, is recorded so tests can check exactly-once delivery.
 *
 * Its records and seeded randomness are in fake-order-types.ts; how an order renders in the platform's answers
 * (and its deadlines) in fake-render.ts.
 */
import { parseMajorAmount } from '../../core/money';
import { FAKE_BUSINESS_CODES, ORDER_STATUSES, SHIPPABLE_STATUSES } from './protocol';
import type { PlatformOrderDetail, PlatformOrderListItem } from './platform-types';
import {
  FAKE_LOGISTICS_SERVICES,
  seededRandom,
  type BuyerMessageRecord,
  type BusinessRefusal,
  type DeclarationRecord,
  type FakeOrder,
  type FakeOrderSeed,
} from './fake-order-types';
import { childId, renderDetail, renderListItem, shipByDeadline, toMillis, transitionAt } from './fake-render';

export * from './fake-order-types';
export { countdownEnd, shipByDeadline } from './fake-render';

const HOUR_MS = 3600 * 1000;
const DAY_MS = 24 * HOUR_MS;

export class FakeMarketplace {
  readonly orders = new Map<string, FakeOrder>();
  readonly declarations: DeclarationRecord[] = [];
  readonly messages: BuyerMessageRecord[] = [];
  readonly sellerLoginId: string;
  #nextOrderNumber = 1;
  #seq = 0;
  /** Bumped on every change; keys the list cache. */
  #version = 0;
  /** No clock-driven transition is due before this instant (a lower bound). */
  #nextTransitionAt = Number.POSITIVE_INFINITY;
  /** Orders newest first; rebuilt lazily after inserts. */
  #sorted: FakeOrder[] | undefined;
  #listCache: { key: string; matches: FakeOrder[] } | undefined;

  constructor(options: { sellerLoginId?: string } = {}) {
    this.sellerLoginId = options.sellerLoginId ?? 'cn0000000000fake';
  }

  reset(): void {
    this.orders.clear();
    this.declarations.length = 0;
    this.messages.length = 0;
    this.#nextOrderNumber = 1;
    this.#seq = 0;
    this.invalidate();
  }

  /** Call after changing order objects directly (the platform operations do it themselves). */
  invalidate(): void {
    this.#version++;
    this.#sorted = undefined;
    this.#listCache = undefined;
    let next = Number.POSITIVE_INFINITY;
    for (const order of this.orders.values()) next = Math.min(next, transitionAt(order));
    this.#nextTransitionAt = next;
  }

  // ---- seeding -----------------------------------------------------------------------------------------------

  addOrder(seed: FakeOrderSeed, now: number): FakeOrder {
    const orderId = seed.order_id ?? this.#newOrderId();
    if (!/^\d{1,19}$/.test(orderId)) throw new Error(`order_id must be digits: ${orderId}`);
    if (this.orders.has(orderId)) throw new Error(`order ${orderId} already exists`);
    const status = seed.status ?? 'WAIT_SELLER_SEND_GOODS';
    if (!(ORDER_STATUSES as readonly string[]).includes(status)) throw new Error(`unknown status ${status}`);
    const currency = seed.currency ?? 'USD';
    const paidAt = toMillis(seed.paid_at) ?? now - 2 * HOUR_MS;
    const createdAt = toMillis(seed.created_at) ?? paidAt - 15_000;
    const riskPassedAt = toMillis(seed.risk_passed_at) ?? (status === 'RISK_CONTROL' ? paidAt + 24 * HOUR_MS : paidAt + HOUR_MS);
    const lines = (seed.lines ?? [{ sku: 'SKU-FAKE-1', quantity: 1, unit_price: '9.99' }]).map((line, index) => {
      const minor = parseMajorAmount(line.unit_price, currency);
      if (minor === undefined || minor < 0) throw new Error(`bad unit_price ${line.unit_price}`);
      if (!Number.isInteger(line.quantity) || line.quantity < 1) throw new Error(`bad quantity ${line.quantity}`);
      return {
        childId: childId(orderId, index),
        productId: line.product_id ?? String(1005000000000000 + index),
        productName: line.product_name ?? `Product ${line.sku}`,
        sku: line.sku,
        quantity: line.quantity,
        unitPriceMinor: minor,
      };
    });
    if (lines.length === 0) throw new Error('an order needs at least one line');
    const country = seed.address?.country ?? seed.buyer?.country ?? 'ES';
    const order: FakeOrder = {
      orderId,
      status,
      endReason: '',
      createdAt,
      paidAt,
      riskPassedAt,
      modifiedAt: toMillis(seed.modified_at) ?? Math.max(createdAt, Math.min(riskPassedAt, now)),
      handlingDays: seed.handling_days ?? 5,
      freightCommitDays: seed.freight_commit_days ?? 60,
      buyer: {
        loginId: seed.buyer?.login_id ?? `${country.toLowerCase()}${orderId.slice(-10)}buyer`,
        firstName: seed.buyer?.first_name ?? 'M****',
        lastName: seed.buyer?.last_name ?? 'Example',
        country,
      },
      address: {
        contactPerson: seed.address?.contact_person ?? 'Mar*********',
        line1: seed.address?.line1 ?? 'Calle Ejem****',
        line2: seed.address?.line2 ?? '',
        city: seed.address?.city ?? 'Madrid',
        province: seed.address?.province ?? 'Madrid',
        postcode: seed.address?.postcode ?? '28013',
        country,
        phoneCountry: seed.address?.phone_country ?? '+34',
        mobile: seed.address?.mobile ?? '600****01',
      },
      currency,
      logisticsService: seed.logistics_service ?? 'CAINIAO_STANDARD',
      lines,
      shipments: [],
    };
    this.orders.set(orderId, order);
    this.#version++;
    this.#sorted = undefined;
    this.#nextTransitionAt = Math.min(this.#nextTransitionAt, transitionAt(order));
    return order;
  }

  /** N varied, reproducible orders around `now` (most awaiting shipment). */
  seedRandomOrders(count: number, now: number, seed = 1): FakeOrder[] {
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
      const riskPassedAt = status === 'RISK_CONTROL' ? now + Math.floor(random() * 12 * HOUR_MS) : paidAt + Math.floor(random() * 6 * HOUR_MS);
      const lineCount = 1 + Math.floor(random() * 3);
      const order = this.addOrder(
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
    this.invalidate();
    return created;
  }

  #newOrderId(): string {
    let id: string;
    do {
      id = String(8190000000000000 + this.#nextOrderNumber++ * 100);
    } while (this.orders.has(id));
    return id;
  }

  // ---- time --------------------------------------------------------------------------------------------------

  /** Applies the platform's clock-driven transitions up to `now`. */
  advance(now: number): void {
    if (now < this.#nextTransitionAt) return;
    let next = Number.POSITIVE_INFINITY;
    for (const order of this.orders.values()) {
      if (order.status === 'RISK_CONTROL' && order.riskPassedAt <= now) {
        order.status = 'WAIT_SELLER_SEND_GOODS';
        order.modifiedAt = order.riskPassedAt;
      }
      if (order.status === 'WAIT_SELLER_SEND_GOODS') {
        const deadline = shipByDeadline(order);
        if (deadline <= now) {
          order.status = 'FINISH';
          order.endReason = 'seller_send_goods_timeout';
          order.modifiedAt = deadline;
        }
      }
      next = Math.min(next, transitionAt(order));
    }
    this.#nextTransitionAt = next;
    this.#version++;
  }

  setStatus(orderId: string, status: string, now: number): FakeOrder | undefined {
    const order = this.orders.get(orderId);
    if (!order) return undefined;
    if (!(ORDER_STATUSES as readonly string[]).includes(status)) throw new Error(`unknown status ${status}`);
    order.status = status;
    order.modifiedAt = now;
    if (status === 'WAIT_SELLER_SEND_GOODS' && order.riskPassedAt > now) order.riskPassedAt = now;
    this.#version++;
    this.#nextTransitionAt = Math.min(this.#nextTransitionAt, transitionAt(order));
    return order;
  }

  // ---- platform operations -----------------------------------------------------------------------------------

  listOrders(query: {
    modifiedStart?: number;
    modifiedEnd?: number;
    createdStart?: number;
    createdEnd?: number;
    statuses?: readonly string[];
    page: number;
    pageSize: number;
  }): { items: FakeOrder[]; total: number } {
    const { page, pageSize, ...filter } = query;
    const key = JSON.stringify({ ...filter, version: this.#version });
    if (this.#listCache?.key !== key) this.#listCache = { key, matches: this.#filter(filter) };
    const { matches } = this.#listCache;
    const start = (page - 1) * pageSize;
    return { items: matches.slice(start, start + pageSize), total: matches.length };
  }

  #filter(query: {
    modifiedStart?: number;
    modifiedEnd?: number;
    createdStart?: number;
    createdEnd?: number;
    statuses?: readonly string[];
  }): FakeOrder[] {
    // Newest first, as the platform lists; the id breaks ties so pages are stable.
    this.#sorted ??= [...this.orders.values()].sort(
      (a, b) => b.createdAt - a.createdAt || (a.orderId < b.orderId ? 1 : a.orderId > b.orderId ? -1 : 0),
    );
    return this.#sorted
      .filter((order) => (query.modifiedStart === undefined ? true : order.modifiedAt >= query.modifiedStart))
      .filter((order) => (query.modifiedEnd === undefined ? true : order.modifiedAt <= query.modifiedEnd))
      .filter((order) => (query.createdStart === undefined ? true : order.createdAt >= query.createdStart))
      .filter((order) => (query.createdEnd === undefined ? true : order.createdAt <= query.createdEnd))
      .filter((order) => (query.statuses?.length ? query.statuses.includes(order.status) : true));
  }

  fulfill(
    input: { orderId: string; serviceName: string; logisticsNo: string; sendType: string; trackingWebsite?: string },
    now: number,
  ): BusinessRefusal | undefined {
    const refusal = this.#checkDeclaration(input, now);
    const record: DeclarationRecord = {
      seq: ++this.#seq,
      at: now,
      api: 'fulfill',
      orderId: input.orderId,
      serviceName: input.serviceName,
      logisticsNo: input.logisticsNo,
      sendType: input.sendType,
      accepted: refusal === undefined,
      ...(input.trackingWebsite ? { trackingWebsite: input.trackingWebsite } : {}),
      ...(refusal ? { errorCode: refusal.code } : {}),
    };
    this.declarations.push(record);
    if (refusal) return refusal;
    const order = this.orders.get(input.orderId)!;
    const sendType = input.sendType as 'part' | 'all';
    order.shipments.push({
      serviceName: input.serviceName,
      logisticsNo: input.logisticsNo,
      sendType,
      declaredAt: now,
      ...(input.trackingWebsite ? { trackingWebsite: input.trackingWebsite } : {}),
    });
    this.#applySendType(order, sendType, now);
    return undefined;
  }

  modifyShipment(
    input: {
      orderId: string;
      oldServiceName: string;
      oldLogisticsNo: string;
      newServiceName: string;
      newLogisticsNo: string;
      sendType: string;
      trackingWebsite?: string;
    },
    now: number,
  ): BusinessRefusal | undefined {
    this.advance(now);
    const order = this.orders.get(input.orderId);
    let refusal: BusinessRefusal | undefined;
    const shipment = order?.shipments.find(
      (s) => s.logisticsNo === input.oldLogisticsNo && s.serviceName === input.oldServiceName,
    );
    if (!order) refusal = { code: FAKE_BUSINESS_CODES.orderNotFound, message: 'order not found' };
    else if (order.status !== 'SELLER_PART_SEND_GOODS' && order.status !== 'WAIT_BUYER_ACCEPT_GOODS') {
      refusal = { code: FAKE_BUSINESS_CODES.orderStatusNotAllowed, message: `order status ${order.status} does not allow changing a shipment` };
    } else if (!shipment) {
      refusal = { code: FAKE_BUSINESS_CODES.shipmentNotFound, message: 'no shipment with that service and number' };
    } else refusal = this.#checkServiceAndType(input.newServiceName, input.sendType, input.trackingWebsite);
    this.declarations.push({
      seq: ++this.#seq,
      at: now,
      api: 'modify',
      orderId: input.orderId,
      serviceName: input.newServiceName,
      logisticsNo: input.newLogisticsNo,
      sendType: input.sendType,
      oldServiceName: input.oldServiceName,
      oldLogisticsNo: input.oldLogisticsNo,
      accepted: refusal === undefined,
      ...(input.trackingWebsite ? { trackingWebsite: input.trackingWebsite } : {}),
      ...(refusal ? { errorCode: refusal.code } : {}),
    });
    if (refusal) return refusal;
    shipment!.serviceName = input.newServiceName;
    shipment!.logisticsNo = input.newLogisticsNo;
    if (input.trackingWebsite) shipment!.trackingWebsite = input.trackingWebsite;
    if (order!.status === 'SELLER_PART_SEND_GOODS') this.#applySendType(order!, input.sendType as 'part' | 'all', now);
    else order!.modifiedAt = now;
    this.#version++;
    return undefined;
  }

  addBuyerMessage(
    input: { orderId: string; buyerId: string; sellerId: string; content: string },
    now: number,
  ): BusinessRefusal | undefined {
    const order = this.orders.get(input.orderId);
    if (!order) return { code: FAKE_BUSINESS_CODES.orderNotFound, message: 'order not found' };
    if (order.buyer.loginId !== input.buyerId) return { code: 'BUYER_NOT_MATCH', message: 'the buyer is not on this order' };
    if (!input.content.trim()) return { code: 'EMPTY_CONTENT', message: 'the message is empty' };
    this.messages.push({ seq: ++this.#seq, at: now, ...input });
    return undefined;
  }

  #checkDeclaration(
    input: { orderId: string; serviceName: string; sendType: string; trackingWebsite?: string },
    now: number,
  ): BusinessRefusal | undefined {
    this.advance(now);
    const order = this.orders.get(input.orderId);
    if (!order) return { code: FAKE_BUSINESS_CODES.orderNotFound, message: 'order not found' };
    if (!(SHIPPABLE_STATUSES as readonly string[]).includes(order.status)) {
      return {
        code: FAKE_BUSINESS_CODES.orderStatusNotAllowed,
        message: `order status ${order.status} does not allow a shipment declaration`,
      };
    }
    return this.#checkServiceAndType(input.serviceName, input.sendType, input.trackingWebsite);
  }

  #checkServiceAndType(serviceName: string, sendType: string, trackingWebsite?: string): BusinessRefusal | undefined {
    if (sendType !== 'part' && sendType !== 'all') {
      return { code: FAKE_BUSINESS_CODES.invalidSendType, message: "send_type must be 'part' or 'all'" };
    }
    if (!FAKE_LOGISTICS_SERVICES.some((service) => service.service_name === serviceName)) {
      return { code: FAKE_BUSINESS_CODES.unknownLogisticsService, message: `unknown logistics service ${serviceName}` };
    }
    if (serviceName === 'other' && !trackingWebsite) {
      return { code: FAKE_BUSINESS_CODES.missingTrackingWebsite, message: "service 'other' needs tracking_website" };
    }
    return undefined;
  }

  #applySendType(order: FakeOrder, sendType: 'part' | 'all', now: number): void {
    this.#version++;
    order.modifiedAt = now;
    if (sendType === 'part') {
      order.status = 'SELLER_PART_SEND_GOODS';
      return;
    }
    order.status = 'WAIT_BUYER_ACCEPT_GOODS';
    order.receiptDeadline = now + order.freightCommitDays * DAY_MS;
  }

  // ---- rendering (platform JSON) ----------------------------------------------------------------------------

  renderDetail(order: FakeOrder): PlatformOrderDetail {
    return renderDetail(order, this.sellerLoginId);
  }

  renderListItem(order: FakeOrder, requestTimestamp: number): PlatformOrderListItem {
    return renderListItem(order, requestTimestamp);
  }
}
