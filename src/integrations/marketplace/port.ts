/**
 * The marketplace port: what the sync and the outbox ask of a marketplace, whatever its protocol (DESIGN.md "Ports
 * and adapters"). One adapter per folder; AliExpress (`aliexpress/`) is the one there is. An adapter turns its
 * platform's answers into these shapes and keeps its own error classification (retry, re-authorise, unknown outcome,
 * refusal with the platform's words); the callers read the classes, never the platform's codes.
 */
import type { CarrierAdapter } from '../carriers/types';

export interface ChangedOrder {
  orderId: string;
  status: string;
  /** Epoch ms, when the platform says. */
  modifiedAt: number | undefined;
}

export interface ChangedOrdersQuery {
  /** Modified in [from, to], epoch ms. */
  from: number;
  to: number;
  /** Created in [from, to]: platforms bound the creation span (AliExpress: 180 days); the caller walks windows. */
  created: { from: number; to: number };
}

export interface ChangedOrdersPage {
  orders: ChangedOrder[];
  totalCount: number;
}

/** One order as the platform has it now: the import shape for shipby, and what the outbox reads back. */
export interface PulledOrder {
  orderId: string;
  /** The platform's status string (e.g. `WAIT_SELLER_SEND_GOODS`). */
  status: string;
  /** shipby's order input (snake_case, the file import's shape), or null with `problem` saying why it cannot be imported. */
  input: Record<string, unknown> | null;
  problem: { message: string; problems: readonly string[] } | null;
  /** The platform's promised delivery days, kept apart from the import shape. */
  promisedDays: number | undefined;
  /** The address came masked: kept as given, noted on the order. */
  addressMasked: boolean;
  buyerLoginId: string | null;
  sellerLoginId: string | null;
  modifiedAt: number | undefined;
  /** Tracking numbers already declared on the order. */
  declaredNumbers: string[];
  /** The platform still takes a shipment declaration in this status. */
  declarable: boolean;
}

/** An order's shipping address as the platform gives it for shipping, in the import's field names. */
export interface ReceiptAddress {
  fields: {
    buyer_name?: string;
    address_line1: string;
    address_line2?: string;
    city: string;
    state?: string;
    postcode: string;
    phone: string;
  };
  /** Still masked: the platform gave no more than the detail did. */
  masked: boolean;
}

export interface ShipmentDeclaration {
  orderId: string;
  serviceName: string;
  trackingNumber: string;
  sendType: 'part' | 'all';
}

export interface BuyerNotice {
  orderId: string;
  buyerLoginId: string;
  sellerLoginId: string;
  content: string;
}

export interface CallOptions {
  signal?: AbortSignal;
}

export interface MarketplacePort {
  readonly platform: string;
  /** One page (1-based, newest first) of the orders changed in the window. */
  changedOrders(
    query: ChangedOrdersQuery & { page: number; pageSize: number },
    options?: CallOptions,
  ): Promise<ChangedOrdersPage>;
  /** The order as the platform has it now (the sync's detail, the outbox's read-back). */
  pullOrder(orderId: string, options?: CallOptions): Promise<PulledOrder>;
  /**
   * The full shipping address of an order whose detail gave it masked (the platform's call for shipping), or absent
   * when the platform has none.
   */
  receiptAddress?(orderId: string, options?: CallOptions): Promise<ReceiptAddress>;
  /** Declares a shipment (uploads its tracking number). A write: an unknown outcome must be read back first. */
  declareShipment(input: ShipmentDeclaration, options?: CallOptions): Promise<void>;
  /**
   * Sends the buyer a notice about the order, or null when the platform offers no call shipby can use;
   * `noticeUnavailable` then says why.
   */
  readonly notifyBuyer: ((input: BuyerNotice, options?: CallOptions) => Promise<void>) | null;
  readonly noticeUnavailable?: string;
  /** The platform's own logistics as a carrier (labels bought through this connection). */
  onlineLogistics(senderAddressId: string, describe: string): CarrierAdapter;
}
