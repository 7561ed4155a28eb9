/**
 * The fake platform's online logistics (线上发货 / Cainiao): the services it offers for an order and parcel, the
 * logistics orders sellers create, their read-back and their label, answered with the real API names and fields
 * (src/integrations/carriers/aliexpress-online/README.md lists the sources).
 *
 * Rules modelled: services only for an order awaiting shipment and a parcel within the online limits (2 kg, 60 cm a
 * side, 90 cm in all: the service-list call's own description); a logistics order needs a live order, an offered
 * service, the seller's sender address id and a 1–32 character domestic tracking number; each gets an LP code and,
 * at once, an international number; the label is a real PDF (pdfkit) with that number's barcode. Every creation is
 * recorded so tests can check one key, one logistics order.
 */
import { renderLabels } from '../../documents/label';
import { invalid, missing } from './fake-gateway';
import type { Answer } from './fake-dispatch';
import type { FakeMarketplace } from './fake-marketplace';
import {
  API,
  FAKE_BUSINESS_CODES,
  SHIPPABLE_STATUSES,
  TOP_CODES,
  formatPlatformTime,
  parsePlatformJson,
} from './protocol';

export interface FakeLogisticsOrder {
  id: string;
  tradeOrderId: string;
  service: string;
  domesticNumber: string;
  internationalNumber: string;
  lpNumber: string;
  status: string;
  createdAt: number;
  senderAddressId: string;
  receiver: Record<string, unknown>;
  weightG: number;
  /** Yuan fen the estimate gave. */
  feeFen: number;
}

/** What the fake offers: `logistics_service_id`, name, timeliness, price per kg and handling (CNY fen). */
const FAKE_ONLINE_SERVICES = [
  {
    id: 'CAINIAO_STANDARD',
    name: 'AliExpress Standard Shipping',
    timeliness: '15-35',
    perKgFen: 7_800,
    handlingFen: 1_600,
  },
  {
    id: 'CAINIAO_SUPER_ECONOMY',
    name: 'Cainiao Super Economy Global',
    timeliness: '20-45',
    perKgFen: 5_200,
    handlingFen: 900,
  },
] as const;

/** The seller centre's sender addresses the fake knows (`address_id` → what the label prints). */
const FAKE_SENDER_ADDRESSES: Record<
  string,
  { name: string; line1: string; city: string; postcode: string; country: string; phone: string }
> = {
  '1001': {
    name: 'Fake Seller Co',
    line1: '1 Keji Road',
    city: 'Shenzhen',
    postcode: '518000',
    country: 'CN',
    phone: '+86 755 0000 0000',
  },
};

const ONLINE_MAX_WEIGHT_G = 2_000;
const ONLINE_MAX_SIDE_CM = 60;
const ONLINE_MAX_SUM_CM = 90;

export class FakeOnlineLogistics {
  readonly orders: FakeLogisticsOrder[] = [];
  #next = 1;

  constructor(private readonly marketplace: FakeMarketplace) {}

  reset(): void {
    this.orders.length = 0;
    this.#next = 1;
  }

  /** The services offered for an order and parcel: none for a closed order or an oversize parcel. */
  offered(
    orderId: string,
    weightKg: number,
    sidesCm: number[],
  ): Array<{ id: string; name: string; timeliness: string; feeFen: number }> {
    const order = this.marketplace.orders.get(orderId);
    if (!order || !(SHIPPABLE_STATUSES as readonly string[]).includes(order.status)) return [];
    const weightG = Math.round(weightKg * 1000);
    if (
      weightG > ONLINE_MAX_WEIGHT_G ||
      Math.max(...sidesCm) > ONLINE_MAX_SIDE_CM ||
      sidesCm.reduce((a, b) => a + b, 0) > ONLINE_MAX_SUM_CM
    )
      return [];
    return FAKE_ONLINE_SERVICES.map((s) => ({
      id: s.id,
      name: s.name,
      timeliness: s.timeliness,
      feeFen: Math.round((Math.max(weightG, 50) / 1000) * s.perKgFen) + s.handlingFen,
    }));
  }

  dispatch(method: string, params: Map<string, string>, now: number): Answer | Promise<Answer> {
    switch (method) {
      case API.onlineLogisticsServices:
        return this.#services(params);
      case API.createLogisticsOrder:
        return this.#create(params, now);
      case API.queryLogisticsOrder:
        return this.#query(params);
      case API.logisticsLabel:
        return this.#label(params);
    }
    return invalid('method', 'unsupported');
  }

  #services(params: Map<string, string>): Answer {
    const orderId = params.get('order_id');
    if (!orderId) return missing('order_id');
    if (!/^\d+$/.test(orderId)) return invalid('order_id', 'must be an order id');
    const weight = Number(params.get('goods_weight') ?? '0');
    const sides = ['goods_length', 'goods_width', 'goods_height'].map((name) => Number(params.get(name) ?? '0'));
    if (!Number.isFinite(weight) || weight < 0 || sides.some((side) => !Number.isFinite(side) || side < 0))
      return invalid('goods_weight', 'weight in kg and sides in cm must be numbers');
    const result = this.offered(orderId, weight, sides).map((s) => ({
      logistics_service_id: s.id,
      logistics_service_name: s.name,
      logistics_timeliness: s.timeliness,
      trial_result: `CNY ${(s.feeFen / 100).toFixed(2)}`,
      warehouse_name: '菜鸟深圳集运仓',
      delivery_address: '广东省深圳市宝安区 菜鸟仓',
      express_logistics_service: false,
      recommend_index: 1,
    }));
    return { payload: { result_list: { result }, is_success: true }, refused: false };
  }

  #create(params: Map<string, string>, now: number): Answer {
    for (const name of [
      'trade_order_id',
      'trade_order_from',
      'warehouse_carrier_service',
      'domestic_logistics_company_id',
      'domestic_tracking_no',
      'address_d_t_os',
      'declare_product_d_t_os',
    ]) {
      if (!params.get(name)) return missing(name);
    }
    const domestic = params.get('domestic_tracking_no')!;
    if (domestic.length > 32) return invalid('domestic_tracking_no', 'length 1-32');
    if (params.get('domestic_logistics_company_id') === '-1' && !params.get('domestic_logistics_company'))
      return missing('domestic_logistics_company');
    let addresses: { sender?: { address_id?: unknown }; receiver?: Record<string, unknown> };
    let products: Array<Record<string, unknown>>;
    try {
      addresses = parsePlatformJson(params.get('address_d_t_os')!) as typeof addresses;
      products = parsePlatformJson(params.get('declare_product_d_t_os')!) as typeof products;
    } catch {
      return invalid('address_d_t_os', 'not JSON');
    }
    const senderId = String(addresses.sender?.address_id ?? '');
    if (!senderId) return missing('address_d_t_os.sender.address_id');
    if (!addresses.receiver) return missing('address_d_t_os.receiver');
    if (!Array.isArray(products) || products.length === 0)
      return invalid('declare_product_d_t_os', 'a list of at least one product');
    const tradeOrderId = params.get('trade_order_id')!;
    const service = params.get('warehouse_carrier_service')!;
    const order = this.marketplace.orders.get(tradeOrderId);
    const refuse = (code: number, desc: string): Answer => ({
      payload: {
        result: { success: false, error_code: code, error_desc: desc, trade_order_id: tradeOrderId },
        result_success: true,
      },
      refused: true,
    });
    if (!order) return refuse(-1, `trade order ${tradeOrderId} not found`);
    if (!FAKE_SENDER_ADDRESSES[senderId])
      return refuse(-2, `sender address ${senderId} is not one of the seller's addresses`);
    const weightG = Math.round(
      products.reduce((sum, p) => sum + Number(p.product_weight ?? 0) * Number(p.product_num ?? 1), 0) * 1000,
    );
    const offer = this.offered(tradeOrderId, weightG / 1000, [1, 1, 1]).find((s) => s.id === service);
    if (!offer) return refuse(-3, `warehouse_carrier_service ${service} is not available for this order`);
    const seq = this.#next++;
    const created: FakeLogisticsOrder = {
      id: String(60000000000 + seq),
      tradeOrderId,
      service,
      domesticNumber: domestic,
      internationalNumber: `LP${String(10000000000000 + Number(tradeOrderId.slice(-6)) * 100 + seq).padStart(14, '0')}`,
      lpNumber: `LP${String(20000000000000 + seq).padStart(14, '0')}`,
      status: 'wait_warehouse_receive_goods',
      createdAt: now,
      senderAddressId: senderId,
      receiver: addresses.receiver,
      weightG,
      feeFen: offer.feeFen,
    };
    this.orders.push(created);
    this.marketplace.nextSeq();
    return {
      payload: {
        result: {
          success: true,
          error_code: 1,
          error_desc: '',
          warehouse_order_id: Number(created.id),
          intl_tracking_no: created.internationalNumber,
          out_order_code: created.lpNumber,
          trade_order_id: Number(tradeOrderId),
          trade_order_from: params.get('trade_order_from'),
        },
        result_success: true,
      },
      refused: false,
    };
  }

  #query(params: Map<string, string>): Answer {
    const tradeOrderId = params.get('trade_order_id');
    const domestic = params.get('domestic_logistics_num');
    const international = params.get('international_logistics_num');
    const matches = this.orders.filter(
      (o) =>
        (!tradeOrderId || o.tradeOrderId === tradeOrderId) &&
        (!domestic || o.domesticNumber === domestic) &&
        (!international || o.internationalNumber === international),
    );
    const list = matches.map((o) => ({
      logistics_order_id: Number(o.id),
      trade_order_id: Number(o.tradeOrderId),
      international_logistics_num: o.internationalNumber,
      international_logistics_type: o.service,
      out_order_code: o.lpNumber,
      logistics_status: o.status,
      gmt_create: formatPlatformTime(o.createdAt),
      logistics_fee: { cent: o.feeFen, currency_code: 'CNY', amount: (o.feeFen / 100).toFixed(2) },
    }));
    return {
      payload: {
        result: {
          success: true,
          current_page: 1,
          total_page: 1,
          result_list: { aeop_logistics_order_detail_dto: list },
        },
      },
      refused: false,
    };
  }

  async #label(params: Map<string, string>): Promise<Answer> {
    const number = params.get('international_logistics_id');
    if (!number) return missing('international_logistics_id');
    const order = this.orders.find((o) => o.internationalNumber === number);
    if (!order) {
      return {
        error: {
          iop: {
            code: FAKE_BUSINESS_CODES.orderNotFound,
            type: 'ISV',
            message: `no logistics order with international number ${number}`,
          },
          top: {
            code: TOP_CODES.remoteServiceError,
            msg: 'Remote service error',
            sub_code: `isv.${FAKE_BUSINESS_CODES.orderNotFound}`,
            sub_msg: `no logistics order with international number ${number}`,
          },
          outcome: 'gatewayError',
        },
      };
    }
    const sender = FAKE_SENDER_ADDRESSES[order.senderAddressId]!;
    const r = order.receiver;
    const pdf = await renderLabels([
      {
        trackingNumber: order.internationalNumber,
        carrierName: 'Cainiao',
        serviceName: FAKE_ONLINE_SERVICES.find((s) => s.id === order.service)?.name ?? order.service,
        routingCode: null,
        sender,
        recipient: {
          name: String(r.name ?? ''),
          line1: String(r.street_address ?? ''),
          city: String(r.city ?? ''),
          postcode: String(r.post_code ?? ''),
          country: String(r.country ?? ''),
          phone: String(r.mobile ?? r.phone ?? ''),
        },
        orderReference: order.tradeOrderId,
        parcelPosition: 1,
        parcelCount: 1,
        weightG: order.weightG,
        box: null,
        labelledOn: new Date(order.createdAt).toISOString().slice(0, 10),
      },
    ]);
    return { payload: { result: JSON.stringify({ StatusCode: 200, body: pdf.toString('base64') }) }, refused: false };
  }
}
