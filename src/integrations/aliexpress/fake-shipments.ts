/**
 * The fake platform's shipment declarations: declare (`aliexpress.solution.order.fulfill`), correct
 * (`sellermodifiedshipmentfortop`) and the buyer message, with the rules the platform applies (marketplace-rules.md
 * §3.3): a declaration only in WAIT_SELLER_SEND_GOODS / SELLER_PART_SEND_GOODS, a known service, `other` with a
 * website; `part` keeps the order partly shipped, `all` starts the receipt countdown. Every attempt, accepted or
 * refused, is recorded on the marketplace so tests can check exactly-once delivery.
 */
import { FAKE_BUSINESS_CODES, SHIPPABLE_STATUSES } from './protocol';
import {
  FAKE_LOGISTICS_SERVICES,
  type BusinessRefusal,
  type DeclarationRecord,
  type FakeOrder,
} from './fake-order-types';
import type { FakeMarketplace } from './fake-marketplace';

const DAY_MS = 24 * 3600 * 1000;

export interface FulfilInput {
  orderId: string;
  serviceName: string;
  logisticsNo: string;
  sendType: string;
  trackingWebsite?: string;
}

export interface ModifyInput {
  orderId: string;
  oldServiceName: string;
  oldLogisticsNo: string;
  newServiceName: string;
  newLogisticsNo: string;
  sendType: string;
  trackingWebsite?: string;
}

export interface BuyerMessageInput {
  orderId: string;
  buyerId: string;
  sellerId: string;
  content: string;
}

export function fulfil(marketplace: FakeMarketplace, input: FulfilInput, now: number): BusinessRefusal | undefined {
  const refusal = checkDeclaration(marketplace, input, now);
  const record: DeclarationRecord = {
    seq: marketplace.nextSeq(),
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
  marketplace.declarations.push(record);
  if (refusal) return refusal;
  const order = marketplace.orders.get(input.orderId)!;
  const sendType = input.sendType as 'part' | 'all';
  order.shipments.push({
    serviceName: input.serviceName,
    logisticsNo: input.logisticsNo,
    sendType,
    declaredAt: now,
    ...(input.trackingWebsite ? { trackingWebsite: input.trackingWebsite } : {}),
  });
  applySendType(marketplace, order, sendType, now);
  return undefined;
}

export function modifyShipment(
  marketplace: FakeMarketplace,
  input: ModifyInput,
  now: number,
): BusinessRefusal | undefined {
  marketplace.advance(now);
  const order = marketplace.orders.get(input.orderId);
  let refusal: BusinessRefusal | undefined;
  const shipment = order?.shipments.find(
    (s) => s.logisticsNo === input.oldLogisticsNo && s.serviceName === input.oldServiceName,
  );
  if (!order) refusal = { code: FAKE_BUSINESS_CODES.orderNotFound, message: 'order not found' };
  else if (order.status !== 'SELLER_PART_SEND_GOODS' && order.status !== 'WAIT_BUYER_ACCEPT_GOODS') {
    refusal = {
      code: FAKE_BUSINESS_CODES.orderStatusNotAllowed,
      message: `order status ${order.status} does not allow changing a shipment`,
    };
  } else if (!shipment) {
    refusal = { code: FAKE_BUSINESS_CODES.shipmentNotFound, message: 'no shipment with that service and number' };
  } else refusal = checkServiceAndType(input.newServiceName, input.sendType, input.trackingWebsite);
  marketplace.declarations.push({
    seq: marketplace.nextSeq(),
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
  if (order!.status === 'SELLER_PART_SEND_GOODS')
    applySendType(marketplace, order!, input.sendType as 'part' | 'all', now);
  else order!.modifiedAt = now;
  marketplace.touch();
  return undefined;
}

export function addBuyerMessage(
  marketplace: FakeMarketplace,
  input: BuyerMessageInput,
  now: number,
): BusinessRefusal | undefined {
  const order = marketplace.orders.get(input.orderId);
  if (!order) return { code: FAKE_BUSINESS_CODES.orderNotFound, message: 'order not found' };
  if (order.buyer.loginId !== input.buyerId)
    return { code: 'BUYER_NOT_MATCH', message: 'the buyer is not on this order' };
  if (!input.content.trim()) return { code: 'EMPTY_CONTENT', message: 'the message is empty' };
  marketplace.messages.push({ seq: marketplace.nextSeq(), at: now, ...input });
  return undefined;
}

function checkDeclaration(
  marketplace: FakeMarketplace,
  input: { orderId: string; serviceName: string; sendType: string; trackingWebsite?: string },
  now: number,
): BusinessRefusal | undefined {
  marketplace.advance(now);
  const order = marketplace.orders.get(input.orderId);
  if (!order) return { code: FAKE_BUSINESS_CODES.orderNotFound, message: 'order not found' };
  if (!(SHIPPABLE_STATUSES as readonly string[]).includes(order.status)) {
    return {
      code: FAKE_BUSINESS_CODES.orderStatusNotAllowed,
      message: `order status ${order.status} does not allow a shipment declaration`,
    };
  }
  return checkServiceAndType(input.serviceName, input.sendType, input.trackingWebsite);
}

function checkServiceAndType(
  serviceName: string,
  sendType: string,
  trackingWebsite?: string,
): BusinessRefusal | undefined {
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

function applySendType(marketplace: FakeMarketplace, order: FakeOrder, sendType: 'part' | 'all', now: number): void {
  marketplace.touch();
  order.modifiedAt = now;
  if (sendType === 'part') {
    order.status = 'SELLER_PART_SEND_GOODS';
    return;
  }
  order.status = 'WAIT_BUYER_ACCEPT_GOODS';
  order.receiptDeadline = now + order.freightCommitDays * DAY_MS;
}
