/**
 * The fake's business APIs behind the gateway: the order list and detail, the full receipt address
 * (`findorderreceiptinfo`), declare and correct a shipment, the logistics services, the buyer message, online
 * logistics (fake-logistics.ts); each reads its parameters as the platform names them and answers the
 * `<api>_response` payload (or a parameter error, or a business refusal in the API's own result fields).
 */
import { FAKE_LOGISTICS_SERVICES, type BusinessRefusal, type FakeMarketplace } from './fake-marketplace';
import { invalid, missing, requestTimestampOf, type GatewayError } from './fake-gateway';
import { renderReceiptInfo } from './fake-render';
import {
  API,
  FAKE_BUSINESS_CODES,
  MAX_CREATE_WINDOW_MS,
  MAX_PAGE_SIZE,
  TOP_CODES,
  formatPlatformTime,
  parsePlatformJson,
  parsePlatformTime,
} from './protocol';

export type Answer = { payload: Record<string, unknown>; refused: boolean } | { error: GatewayError };

function writeResult(refusal: BusinessRefusal | undefined): Answer {
  return refusal
    ? {
        payload: {
          result: { result_success: false, result_error_code: refusal.code, result_error_desc: refusal.message },
        },
        refused: true,
      }
    : { payload: { result: { result_success: true } }, refused: false };
}

/** `aliexpress.trade.seller.orderlist.get`: a page of orders in a creation-date window (at most 180 days). */
function orderList(marketplace: FakeMarketplace, params: Map<string, string>, requestTime: number): Answer {
  const raw = params.get('param_aeop_order_query');
  if (!raw) return missing('param_aeop_order_query');
  let query: Record<string, unknown>;
  try {
    query = parsePlatformJson(raw) as Record<string, unknown>;
  } catch {
    return invalid('param_aeop_order_query', 'not JSON');
  }
  const page = Number(query.current_page ?? query.page ?? 1);
  const pageSize = Number(query.page_size ?? 20);
  if (!Number.isInteger(page) || page < 1) return invalid('current_page', 'must be ≥ 1');
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
    return invalid('page_size', `must be from 1 to ${MAX_PAGE_SIZE}`);
  }
  const times: Record<string, number | undefined> = {};
  for (const field of ['modified_date_start', 'modified_date_end', 'create_date_start', 'create_date_end']) {
    const text = query[field];
    if (text === undefined || text === '') continue;
    const parsed = typeof text === 'string' ? parsePlatformTime(text) : undefined;
    if (parsed === undefined) return invalid(field, 'expected yyyy-MM-dd HH:mm:ss (US Pacific time)');
    times[field] = parsed;
  }
  // The platform lists only within a creation-date window of at most 180 days.
  if (times.create_date_start === undefined) return missing('create_date_start');
  if (times.create_date_end === undefined) return missing('create_date_end');
  if (times.create_date_end < times.create_date_start)
    return invalid('create_date_end', 'must not be before create_date_start');
  if (times.create_date_end - times.create_date_start > MAX_CREATE_WINDOW_MS) {
    return invalid(
      'create_date_start',
      'the time range between create_date_start and create_date_end cannot exceed 180 days',
    );
  }
  // Wall-clock texts have whole seconds: the end of the window covers its whole second.
  const endOf = (ms: number | undefined) => (ms === undefined ? undefined : ms + 999);
  const statusList = Array.isArray(query.order_status_list)
    ? (query.order_status_list as unknown[]).map(String)
    : typeof query.order_status === 'string'
      ? [query.order_status]
      : undefined;
  if (statusList && statusList.length > 20) return invalid('order_status_list', 'at most 20 statuses');
  const { items, total } = marketplace.listOrders({
    modifiedStart: times.modified_date_start,
    modifiedEnd: endOf(times.modified_date_end),
    createdStart: times.create_date_start,
    createdEnd: endOf(times.create_date_end),
    ...(statusList ? { statuses: statusList } : {}),
    page,
    pageSize,
  });
  const timestamp = requestTimestampOf(params) ?? requestTime;
  return {
    payload: {
      result: {
        target_list: { aeop_order_item_dto: items.map((order) => marketplace.renderListItem(order, timestamp)) },
        total_count: total,
        current_page: page,
        page_size: pageSize,
        total_page: Math.ceil(total / pageSize),
        success: true,
      },
    },
    refused: false,
  };
}

/** The order detail, or its full receipt address (`findorderreceiptinfo`). */
function orderDetail(
  marketplace: FakeMarketplace,
  method: string,
  params: Map<string, string>,
  requestTime: number,
): Answer {
  const raw = params.get('param1');
  if (!raw) return missing('param1');
  let orderId: string;
  try {
    orderId = String((parsePlatformJson(raw) as { order_id?: unknown }).order_id ?? '');
  } catch {
    return invalid('param1', 'not JSON');
  }
  if (!/^\d+$/.test(orderId)) return invalid('param1.order_id', 'must be an order id');
  const order = marketplace.orders.get(orderId);
  if (!order) {
    return {
      error: {
        iop: { code: FAKE_BUSINESS_CODES.orderNotFound, type: 'ISV', message: `order ${orderId} not found` },
        top: {
          code: TOP_CODES.remoteServiceError,
          msg: 'Remote service error',
          sub_code: `isv.${FAKE_BUSINESS_CODES.orderNotFound}`,
          sub_msg: `order ${orderId} not found`,
        },
        outcome: 'gatewayError',
      },
    };
  }
  if (method === API.receiptInfo) return { payload: { result: renderReceiptInfo(order) }, refused: false };
  return {
    payload: { target: marketplace.renderDetail(order), time_stamp: formatPlatformTime(requestTime) },
    refused: false,
  };
}

/** Declare a shipment. */
function fulfil(marketplace: FakeMarketplace, params: Map<string, string>, requestTime: number): Answer {
  for (const name of ['service_name', 'out_ref', 'send_type', 'logistics_no'])
    if (!params.get(name)) return missing(name);
  return writeResult(
    marketplace.fulfill(
      {
        orderId: params.get('out_ref')!,
        serviceName: params.get('service_name')!,
        logisticsNo: params.get('logistics_no')!,
        sendType: params.get('send_type')!,
        ...(params.get('tracking_website') ? { trackingWebsite: params.get('tracking_website')! } : {}),
      },
      requestTime,
    ),
  );
}

/** Correct a declared shipment. */
function modifyShipment(marketplace: FakeMarketplace, params: Map<string, string>, requestTime: number): Answer {
  for (const name of [
    'out_ref',
    'old_service_name',
    'old_logistics_no',
    'new_service_name',
    'new_logistics_no',
    'send_type',
  ]) {
    if (!params.get(name)) return missing(name);
  }
  return writeResult(
    marketplace.modifyShipment(
      {
        orderId: params.get('out_ref')!,
        oldServiceName: params.get('old_service_name')!,
        oldLogisticsNo: params.get('old_logistics_no')!,
        newServiceName: params.get('new_service_name')!,
        newLogisticsNo: params.get('new_logistics_no')!,
        sendType: params.get('send_type')!,
        ...(params.get('tracking_website') ? { trackingWebsite: params.get('tracking_website')! } : {}),
      },
      requestTime,
    ),
  );
}

/** A message to the buyer about an order. */
function sendBuyerMessage(marketplace: FakeMarketplace, params: Map<string, string>, requestTime: number): Answer {
  const raw = params.get('create_param');
  if (!raw) return missing('create_param');
  let create: Record<string, unknown>;
  try {
    create = parsePlatformJson(raw) as Record<string, unknown>;
  } catch {
    return invalid('create_param', 'not JSON');
  }
  if (create.message_type !== 'order') return invalid('create_param.message_type', "only 'order' is supported");
  const refusal = marketplace.addBuyerMessage(
    {
      orderId: String(create.extern_id ?? ''),
      buyerId: String(create.buyer_id ?? ''),
      sellerId: String(create.seller_id ?? ''),
      content: String(create.content ?? ''),
    },
    requestTime,
  );
  return refusal
    ? {
        payload: { result: { is_success: false, error_code: refusal.code, error_msg: refusal.message } },
        refused: true,
      }
    : { payload: { result: { is_success: true } }, refused: false };
}
export function dispatchApi(
  marketplace: FakeMarketplace,
  method: string,
  params: Map<string, string>,
  requestTime: number,
): Answer | Promise<Answer> {
  marketplace.advance(requestTime);
  switch (method) {
    case API.orderList:
      return orderList(marketplace, params, requestTime);
    case API.receiptInfo:
    case API.orderDetail:
      return orderDetail(marketplace, method, params, requestTime);
    case API.fulfill:
      return fulfil(marketplace, params, requestTime);
    case API.modifyShipment:
      return modifyShipment(marketplace, params, requestTime);
    case API.listLogisticsServices:
      return {
        payload: { result_list: { aeop_logistics_service_result: FAKE_LOGISTICS_SERVICES }, result_success: true },
        refused: false,
      };
    case API.sendBuyerMessage:
      return sendBuyerMessage(marketplace, params, requestTime);
    case API.onlineLogisticsServices:
    case API.createLogisticsOrder:
    case API.queryLogisticsOrder:
    case API.logisticsLabel:
      return marketplace.logistics.dispatch(method, params, requestTime);
  }
  return invalid('method', 'unsupported');
}
