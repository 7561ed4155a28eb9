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
 * Split along its seams: this file is the state (orders, seeding one, the clock's transitions, the list query);
 * the declaration rules are fake-shipments.ts, random seeding fake-seed.ts, online logistics fake-logistics.ts; its records and seeded randomness are in fake-order-types.ts; how an order renders in the
 * platform's answers (and its deadlines) in fake-render.ts. The protocol is fake-server.ts / fake-gateway.ts /
 * fake-dispatch.ts, the admin API fake-admin.ts, fault injection fake-faults.ts.
 */
import { parseMajorAmount } from '../../core/money';
import { ORDER_STATUSES } from './protocol';
import type { PlatformOrderDetail, PlatformOrderListItem } from './platform-types';
import type {
  BuyerMessageRecord,
  BusinessRefusal,
  DeclarationRecord,
  FakeAddress,
  FakeOrder,
  FakeOrderSeed,
  FakeSeedAddress,
} from './fake-order-types';
import { FakeOnlineLogistics } from './fake-logistics';
import { seedRandomOrders } from './fake-seed';
import {
  addBuyerMessage,
  fulfil,
  modifyShipment,
  type BuyerMessageInput,
  type FulfilInput,
  type ModifyInput,
} from './fake-shipments';
import { childId, renderDetail, renderListItem, shipByDeadline, toMillis, transitionAt } from './fake-render';

export * from './fake-order-types';
export { countdownEnd, shipByDeadline } from './fake-render';
export type { BuyerMessageInput, FulfilInput, ModifyInput } from './fake-shipments';

const HOUR_MS = 3600 * 1000;

export class FakeMarketplace {
  readonly orders = new Map<string, FakeOrder>();
  readonly declarations: DeclarationRecord[] = [];
  readonly messages: BuyerMessageRecord[] = [];
  /** Online-logistics orders and labels (fake-logistics.ts). */
  readonly logistics = new FakeOnlineLogistics(this);
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
    this.logistics.reset();
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
    const riskPassedAt =
      toMillis(seed.risk_passed_at) ?? (status === 'RISK_CONTROL' ? paidAt + 24 * HOUR_MS : paidAt + HOUR_MS);
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
      address: seedAddress(seed.address, MASKED_DEFAULTS, country),
      // What findorderreceiptinfo gives: the seeded full address, else the detail's with the masked defaults whole.
      fullAddress: seedAddress(seed.full_address ?? seed.address, FULL_DEFAULTS, country),
      currency,
      logisticsService: seed.logistics_service ?? 'CAINIAO_STANDARD',
      ...(seed.business_model ? { businessModel: seed.business_model } : {}),
      lines,
      shipments: [],
    };
    this.orders.set(orderId, order);
    this.#version++;
    this.#sorted = undefined;
    this.#nextTransitionAt = Math.min(this.#nextTransitionAt, transitionAt(order));
    return order;
  }

  /** N varied, reproducible orders around `now` (most awaiting shipment): fake-seed.ts. */
  seedRandomOrders(count: number, now: number, seed = 1): FakeOrder[] {
    return seedRandomOrders(this, count, now, seed);
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

  /** Declare a shipment (`aliexpress.solution.order.fulfill`): fake-shipments.ts holds the platform's rules. */
  fulfill(input: FulfilInput, now: number): BusinessRefusal | undefined {
    return fulfil(this, input, now);
  }

  /** Correct a declared shipment (`sellermodifiedshipmentfortop`). */
  modifyShipment(input: ModifyInput, now: number): BusinessRefusal | undefined {
    return modifyShipment(this, input, now);
  }

  addBuyerMessage(input: BuyerMessageInput, now: number): BusinessRefusal | undefined {
    return addBuyerMessage(this, input, now);
  }

  /** The next record sequence number (declarations, messages, logistics orders share one). */
  nextSeq(): number {
    return ++this.#seq;
  }

  /** Marks a change made by an operation (keys the list cache). */
  touch(): void {
    this.#version++;
  }

  // ---- rendering (platform JSON) ----------------------------------------------------------------------------

  renderDetail(order: FakeOrder): PlatformOrderDetail {
    return renderDetail(order, this.sellerLoginId);
  }

  renderListItem(order: FakeOrder, requestTimestamp: number): PlatformOrderListItem {
    return renderListItem(order, requestTimestamp);
  }
}

/** A seeded order's address: the default for each field not given (the detail's masked, or the full one). */
function seedAddress(given: FakeSeedAddress | undefined, defaults: Omit<FakeAddress, 'country'>, country: string) {
  return {
    contactPerson: given?.contact_person ?? defaults.contactPerson,
    line1: given?.line1 ?? defaults.line1,
    line2: given?.line2 ?? defaults.line2,
    city: given?.city ?? defaults.city,
    province: given?.province ?? defaults.province,
    postcode: given?.postcode ?? defaults.postcode,
    country,
    phoneCountry: given?.phone_country ?? defaults.phoneCountry,
    mobile: given?.mobile ?? defaults.mobile,
  };
}

const MASKED_DEFAULTS: Omit<FakeAddress, 'country'> = {
  contactPerson: 'Mar*********',
  line1: 'Calle Ejem****',
  line2: '',
  city: 'Madrid',
  province: 'Madrid',
  postcode: '28013',
  phoneCountry: '+34',
  mobile: '600****01',
};
const FULL_DEFAULTS: Omit<FakeAddress, 'country'> = {
  ...MASKED_DEFAULTS,
  contactPerson: 'María Ejemplo',
  line1: 'Calle Ejemplo 12, 3º B',
  mobile: '600123401',
};
