/**
 * The platform's JSON shapes that shipby reads (and the fake marketplace writes), snake_case as on the wire.
 * Only the fields we use are listed; the platform sends many more. Ids may arrive as numbers or, past 2^53, as
 * digit strings (see `parsePlatformJson`).
 */

export type PlatformId = number | string;

export interface PlatformMoney {
  amount: string;
  cent?: number;
  cent_factor?: number;
  currency_code: string;
  currency?: { currency_code?: string; default_fraction_digits?: number; symbol?: string; numeric_code?: number };
}

/** A list-API money value (`pay_amount`, `product_unit_price`). */
export interface PlatformListMoney {
  amount: string;
  currency_code: string;
}

export interface PlatformChildOrder {
  id?: PlatformId;
  child_order_id?: string;
  order_sort_id?: number;
  order_status?: string;
  product_id?: PlatformId;
  product_name?: string;
  sku_code?: string;
  product_count: number;
  lot_num?: number;
  product_unit?: string;
  product_price: PlatformMoney;
  init_order_amt?: PlatformMoney;
  logistics_type?: string;
  logistics_service_name?: string;
  logistics_warehouse_type?: string;
  send_goods_operator?: string;
  goods_prepare_time?: number;
  freight_commit_day?: number | string;
  product_attributes?: string;
  /**
   * The line's extra parameters, a JSON object serialised as a string; `orderBusinessModel: SEMI_CHOICE_SELF` marks a
   * semi-managed (半托管) order (IOP SDK `AliexpressTradeNewRedefiningFindorderbyidAeopTpChildOrderDTO`).
   */
  extend_map?: string;
}

export interface PlatformLogisticInfo {
  logistics_no: string;
  logistics_service_name?: string;
  logistics_type_code?: string;
  gmt_send?: string;
  gmt_received?: string;
  receive_status?: string;
}

export interface PlatformReceiptAddress {
  country?: string;
  province?: string;
  city?: string;
  zip?: string;
  /** Street detail (the line shipby prints first). */
  detail_address?: string;
  /** Address line 1 (`findorderreceiptinfo`'s DTO; the detail's own copy may leave it out). */
  address?: string;
  address2?: string;
  contact_person?: string;
  mobile_no?: string;
  phone_country?: string;
  phone_area?: string;
  phone_number?: string;
}

/**
 * `aliexpress.trade.redefining.findorderreceiptinfo` → `…_response.result` (`AeopTpAddressDTO` in the IOP Java SDK):
 * the address fields above, unmasked, and these beside them (not used by shipby).
 */
export interface PlatformReceiptInfo extends PlatformReceiptAddress {
  /** The encrypted OAID (加密OAID). */
  oaid?: string;
  country_name?: string;
  fax_country?: string;
  fax_area?: string;
  fax_number?: string;
  /** The buyer's personal tax number (Brazil's CPF). */
  cpf_no?: string;
}

/** `aliexpress.trade.new.redefining.findorderbyid` → `…_response.target`. */
export interface PlatformOrderDetail {
  id: PlatformId;
  gmt_create?: string;
  gmt_pay_success?: string;
  gmt_modified?: string;
  order_status: string;
  logistics_status?: string;
  fund_status?: string;
  frozen_status?: string;
  issue_status?: string;
  over_time_left?: string;
  order_amount?: PlatformMoney;
  logistics_amount?: PlatformMoney;
  settlement_currency?: string;
  order_end_reason?: string;
  buyerloginid?: string;
  buyer_signer_fullname?: string;
  buyer_info?: { country?: string; login_id?: string; first_name?: string; last_name?: string };
  receipt_address?: PlatformReceiptAddress;
  seller_operator_login_id?: string;
  child_order_list?: { aeop_tp_child_order_dto?: PlatformChildOrder[] };
  logistic_info_list?: { aeop_tp_logistic_info_dto?: PlatformLogisticInfo[] };
}

export interface PlatformOrderDetailResponse {
  target: PlatformOrderDetail;
  time_stamp?: string;
  request_id?: string;
}

/** `aliexpress.trade.seller.orderlist.get` → one `aeop_order_item_dto`. */
export interface PlatformOrderListItem {
  order_id: PlatformId;
  order_status: string;
  gmt_create?: string;
  gmt_update?: string;
  gmt_pay_time?: string;
  /** Milliseconds left on the current state's countdown, relative to the request's own timestamp. */
  timeout_left_time?: number | string;
  buyer_login_id?: string;
  pay_amount?: PlatformListMoney;
  product_list?: {
    order_product_dto?: Array<{
      child_id?: PlatformId;
      product_id?: PlatformId;
      sku_code?: string;
      product_count?: number;
      product_unit_price?: PlatformListMoney;
      logistics_service_name?: string;
      freight_commit_day?: number | string;
      send_goods_operator?: string;
    }>;
  };
}

export interface PlatformOrderListResult {
  target_list?: { aeop_order_item_dto?: PlatformOrderListItem[] };
  total_count?: number;
  current_page?: number;
  page_size?: number;
  total_page?: number;
  success?: boolean;
  error_code?: string;
  error_message?: string;
}

/** `aliexpress.logistics.redefining.listlogisticsservice` → one `aeop_logistics_service_result`. */
export interface PlatformLogisticsService {
  service_name: string;
  display_name?: string;
  logistics_company?: string;
  min_process_day?: number;
  max_process_day?: number;
  tracking_no_regex?: string;
}

/** The write APIs answer `result_success` (nested in `result` for the solution APIs). */
export interface PlatformWriteResult {
  result_success?: boolean;
  result_error_code?: string;
  result_error_desc?: string;
  is_success?: boolean;
  error_code?: string | number;
  error_msg?: string;
  /** `aliexpress.solution.order.fulfill` `result.error_message`: the platform's reason for a refusal. */
  error_message?: string;
}
