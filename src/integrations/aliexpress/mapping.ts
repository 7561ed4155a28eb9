/**
 * Platform order JSON (the `findorderbyid` `target`) → shipby's order input, the snake_case shape shared with the
 * file import and the HTTP API.
 *
 * Times: AliExpress writes America/Los_Angeles wall-clock time (with DST, marketplace-rules.md §1.3); they are
 * emitted as ISO-8601 strings carrying the offset that applied at that instant (`-08:00` in winter, `-07:00` in
 * summer). Money: decimal strings in major units, normalised to the currency's minor digits, never floats.
 */
import { minorDigits, parseMajorAmount } from '../../core/money';
import { PLATFORM_ZONE, SHIPPABLE_STATUSES, formatPlatformIso, parsePlatformTime } from './protocol';
import type {
  PlatformChildOrder,
  PlatformId,
  PlatformLogisticInfo,
  PlatformOrderDetail,
  PlatformReceiptAddress,
} from './platform-types';

export interface OrderInputLine {
  sku: string;
  quantity: number;
  /** Decimal string, major units (e.g. "4.99"). */
  unit_price: string;
}

export interface OrderInput {
  order_id: string;
  platform: 'aliexpress';
  /** The platform status string, e.g. WAIT_SELLER_SEND_GOODS. */
  status: string;
  paid_at: string;
  risk_passed_at?: string;
  /** The platform's own ship-by deadline (`over_time_left`), only while the order awaits shipment. */
  ship_by?: string;
  buyer_name: string;
  buyer_country: string;
  address_line1: string;
  address_line2?: string;
  city: string;
  state?: string;
  postcode: string;
  phone: string;
  currency: string;
  handling_days?: number;
  logistics_service?: string;
  freight_commit_days?: number;
  /**
   * The order's type for the shop's policy choice: the platform's `orderBusinessModel` (from the lines' `extend_map`),
   * lower-cased (`semi_choice_self`). Which policy it means (semi-managed JIT or self-send) is the shop's choice by
   * order type: no documented field tells JIT from self-send.
   */
  order_type?: string;
  /** The address came masked (`****`): kept as given, said on the order by the sync. */
  address_masked?: boolean;
  /** When the platform says the order shipped: the earliest `logistic_info_list[].gmt_send` (US Pacific). */
  shipped_at?: string;
  lines: OrderInputLine[];
}

/** A shipment the platform already knows about (for reading back after an ambiguous write). */
export interface DeclaredShipment {
  logistics_no: string;
  service_name: string | undefined;
  sent_at: string | undefined;
  receive_status: string | undefined;
}

export class OrderMappingError extends Error {
  override readonly name = 'OrderMappingError';
  constructor(
    readonly orderId: string,
    readonly problems: readonly string[],
  ) {
    super(`AliExpress order ${orderId} cannot be imported: ${problems.join('; ')}`);
  }
}

/** Pacific wall-clock text → ISO string with the offset in force then; undefined for empty or invalid text. */
export function platformTimeToIso(text: string | undefined): string | undefined {
  if (!text?.trim()) return undefined;
  const instant = parsePlatformTime(text);
  return instant === undefined ? undefined : formatPlatformIso(instant);
}

/**
 * A finished order is not always a completed one: the platform also "finishes" an order it closed because the
 * seller did not ship in time (order_end_reason …send_goods_timeout) or one that was cancelled. Those map to
 * shipby's own closed_unfulfilled / cancelled states, so a missed order never looks shipped and received.
 */
function finalStatus(status: string, endReason: string | undefined): string {
  if (status !== 'FINISH' || !endReason) return status;
  if (/send_goods_timeout|seller_send.*timeout/i.test(endReason)) return 'closed_unfulfilled';
  if (/cancel/i.test(endReason)) return 'cancelled';
  return status;
}

/**
 * A mapped order split into what the shared order import takes (the JSON order contract) and the two facts beside it
 * that the contract has no column for: the promised delivery days and whether the address came masked.
 */
export function importInputOf(mapped: OrderInput): {
  input: Record<string, unknown>;
  promisedDays: number | undefined;
  addressMasked: boolean;
} {
  const { freight_commit_days: promisedDays, address_masked: masked, ...input } = mapped;
  return { input: input as unknown as Record<string, unknown>, promisedDays, addressMasked: masked === true };
}

/** Maps one `findorderbyid` target. Throws OrderMappingError listing everything that is missing or malformed. */
export function mapOrderDetail(target: PlatformOrderDetail): OrderInput {
  const problems: string[] = [];
  const orderId = idText(target.id);
  if (!orderId) problems.push('order id is missing or not a safe integer (parse with parsePlatformJson)');
  const label = orderId ?? '(unknown)';

  const status = target.order_status?.trim();
  if (!status) problems.push('order_status is missing');

  const paidAt = platformTimeToIso(target.gmt_pay_success);
  if (!paidAt) problems.push(`gmt_pay_success is missing or not a ${PLATFORM_ZONE} time`);

  const currency = target.order_amount?.currency_code ?? target.settlement_currency;
  if (!currency) problems.push('the order currency is missing');

  const children = target.child_order_list?.aeop_tp_child_order_dto ?? [];
  if (children.length === 0) problems.push('the order has no lines');
  const lines: OrderInputLine[] = [];
  for (const [index, child] of children.entries()) {
    const line = mapLine(child, currency, index, problems);
    if (line) lines.push(line);
  }

  const address = target.receipt_address ?? {};
  const buyerName =
    nonEmpty(address.contact_person) ??
    nonEmpty(target.buyer_signer_fullname) ??
    nonEmpty([target.buyer_info?.first_name, target.buyer_info?.last_name].filter(Boolean).join(' '));
  if (!buyerName) problems.push('the buyer name is missing');
  const buyerCountry = nonEmpty(address.country) ?? nonEmpty(target.buyer_info?.country);
  if (!buyerCountry) problems.push('the destination country is missing');

  if (problems.length > 0) throw new OrderMappingError(label, problems);

  const input: OrderInput = {
    order_id: orderId!,
    platform: 'aliexpress',
    status: finalStatus(status!, target.order_end_reason),
    paid_at: paidAt!,
    buyer_name: buyerName!,
    buyer_country: buyerCountry!.toUpperCase(),
    ...streetFields(address),
    currency: currency!,
    lines,
  };

  // The countdown means "ship by" only while the seller owes a shipment; afterwards it is the buyer's receipt clock.
  if ((SHIPPABLE_STATUSES as readonly string[]).includes(status!)) {
    const shipBy = platformTimeToIso(target.over_time_left);
    if (shipBy) input.ship_by = shipBy;
  }
  // The shortest handling time bounds the order: the conservative fallback if the countdown is ever missing.
  const handling = children.map((child) => child.goods_prepare_time).filter(isPositiveInteger);
  if (handling.length > 0) input.handling_days = Math.min(...handling);
  const service = children.map((child) => nonEmpty(child.logistics_type)).find(Boolean);
  if (service) input.logistics_service = service;
  const { address_line2: line2, state } = mapReceiptAddress(address).address;
  if (line2) input.address_line2 = line2;
  if (state) input.state = state;
  const commit = children.map((child) => Number(child.freight_commit_day)).filter(isPositiveInteger);
  if (commit.length > 0) input.freight_commit_days = Math.max(...commit);
  const shippedAt = earliestSend(target);
  if (shippedAt) input.shipped_at = shippedAt;
  const model = children.map((child) => businessModelOf(child.extend_map)).find(Boolean);
  if (model) input.order_type = model.toLowerCase();
  if (isMasked(address)) input.address_masked = true;
  return input;
}

/** `orderBusinessModel` of a line's `extend_map` (a JSON string), when it names one in the import's type syntax. */
function businessModelOf(extendMap: string | undefined): string | undefined {
  if (!extendMap?.trim()) return undefined;
  try {
    const model = (JSON.parse(extendMap) as { orderBusinessModel?: unknown }).orderBusinessModel;
    return typeof model === 'string' && /^[A-Za-z][A-Za-z0-9_]{0,31}$/.test(model) ? model : undefined;
  } catch {
    return undefined;
  }
}

/** The import's address fields of one platform address. */
export interface MappedAddress {
  /** The receiver (`contact_person`), when the address names one. */
  buyer_name?: string;
  address_line1: string;
  address_line2?: string;
  city: string;
  state?: string;
  postcode: string;
  phone: string;
}

/**
 * One platform address (the detail's `receipt_address`, or `findorderreceiptinfo`'s `result`, the same DTO) → the
 * import's address fields, and whether any of them came masked. The street detail is the first line, else `address`,
 * else `address2`; the second line and the province are their own fields (the label and the carrier's request print
 * them apart).
 */
export function mapReceiptAddress(address: PlatformReceiptAddress): { address: MappedAddress; masked: boolean } {
  const first = nonEmpty(address.detail_address) ?? nonEmpty(address.address);
  const line2 = first ? nonEmpty(address.address2) : undefined;
  const mapped: MappedAddress = { ...streetFields(address) };
  const name = nonEmpty(address.contact_person);
  if (name) mapped.buyer_name = name;
  if (line2) mapped.address_line2 = line2;
  const province = nonEmpty(address.province);
  if (province) mapped.state = province;
  return { address: mapped, masked: isMasked(address) };
}

function streetFields(
  address: PlatformReceiptAddress,
): Pick<MappedAddress, 'address_line1' | 'city' | 'postcode' | 'phone'> {
  return {
    address_line1: nonEmpty(address.detail_address) ?? nonEmpty(address.address) ?? nonEmpty(address.address2) ?? '',
    city: address.city?.trim() ?? '',
    postcode: address.zip?.trim() ?? '',
    phone: phoneOf(address),
  };
}

/** The platform masks personal data with runs of `*` (`Mar*********`, `600****01`). */
function isMasked(address: PlatformReceiptAddress): boolean {
  return [
    address.contact_person,
    address.detail_address,
    address.address,
    address.address2,
    address.mobile_no,
    address.phone_number,
    address.zip,
  ].some((field) => typeof field === 'string' && /\*{2,}/.test(field));
}

/**
 * The platform's ship time: the earliest `gmt_send` of the declared shipments (the first upload is the one the
 * regular mode counts), as an ISO string with its Pacific offset; undefined when none is declared or readable.
 * Only the detail (`findorderbyid`) carries it: the order list (`orderlist.get`) has no shipment times.
 */
export function earliestSend(target: PlatformOrderDetail): string | undefined {
  let earliest: number | undefined;
  for (const info of target.logistic_info_list?.aeop_tp_logistic_info_dto ?? []) {
    const text = info.gmt_send?.trim();
    const at = text ? parsePlatformTime(text) : undefined;
    if (at !== undefined && (earliest === undefined || at < earliest)) earliest = at;
  }
  return earliest === undefined ? undefined : formatPlatformIso(earliest);
}

/** The shipments the platform lists on the order (`logistic_info_list`). */
export function mapDeclaredShipments(target: PlatformOrderDetail): DeclaredShipment[] {
  const infos: PlatformLogisticInfo[] = target.logistic_info_list?.aeop_tp_logistic_info_dto ?? [];
  return infos.map((info) => ({
    logistics_no: info.logistics_no,
    service_name: info.logistics_type_code ?? info.logistics_service_name,
    sent_at: platformTimeToIso(info.gmt_send),
    receive_status: info.receive_status,
  }));
}

function mapLine(
  child: PlatformChildOrder,
  orderCurrency: string | undefined,
  index: number,
  problems: string[],
): OrderInputLine | undefined {
  const where = `line ${index + 1}`;
  const sku = nonEmpty(child.sku_code) ?? idText(child.product_id);
  if (!sku) problems.push(`${where}: neither sku_code nor product_id`);
  if (!isPositiveInteger(child.product_count)) problems.push(`${where}: product_count must be a positive integer`);
  const price = child.product_price;
  const currency = price?.currency_code ?? orderCurrency;
  let unitPrice: string | undefined;
  if (!price || !currency) {
    problems.push(`${where}: product_price is missing`);
  } else if (orderCurrency && currency !== orderCurrency) {
    problems.push(`${where}: price in ${currency} but the order is in ${orderCurrency}`);
  } else {
    const minor = parseMajorAmount(price.amount, currency);
    if (minor === undefined || minor < 0) problems.push(`${where}: product_price ${price.amount} is not an amount`);
    else unitPrice = formatMinorAsMajor(minor, currency);
  }
  if (!sku || !unitPrice || !isPositiveInteger(child.product_count)) return undefined;
  return { sku, quantity: child.product_count, unit_price: unitPrice };
}

/** 499 USD → "4.99"; 1200 JPY → "1200". */
function formatMinorAsMajor(minor: number, currency: string): string {
  const digits = minorDigits(currency);
  if (digits === 0) return String(minor);
  const text = String(Math.abs(minor)).padStart(digits + 1, '0');
  return `${minor < 0 ? '-' : ''}${text.slice(0, -digits)}.${text.slice(-digits)}`;
}

function phoneOf(address: PlatformReceiptAddress): string {
  const country = nonEmpty(address.phone_country);
  const prefix = country ? (country.startsWith('+') ? country : `+${country}`) : undefined;
  const mobile = nonEmpty(address.mobile_no);
  const landline =
    [nonEmpty(address.phone_area), nonEmpty(address.phone_number)].filter(Boolean).join('-') || undefined;
  const number = mobile ?? landline;
  if (!number) return '';
  return prefix && !number.startsWith('+') ? `${prefix} ${number}` : number;
}

function idText(id: PlatformId | undefined): string | undefined {
  if (typeof id === 'string') return /^\d+$/.test(id.trim()) ? id.trim() : undefined;
  if (typeof id === 'number') return Number.isSafeInteger(id) && id > 0 ? String(id) : undefined;
  return undefined;
}

function nonEmpty(text: string | undefined | null): string | undefined {
  const trimmed = text?.trim();
  return trimmed ? trimmed : undefined;
}

function isPositiveInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value > 0;
}
