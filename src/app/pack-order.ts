/**
 * The order at the pack station, as the box plan (pack.ts, pack-plan.ts) and the scan session (pack-sessions.ts,
 * pack-scan.ts, pack-weighing.ts) both see it: its lock, whether it may be packed, a parcel's planned contents and
 * the station's refusal.
 */
import { heldRefusal } from '../core/order-hold';
import { localized, type Localized } from '../core/i18n';
import type { ExpectedItem } from '../core/pack-station';
import type { Executor } from '../store/orders';
import type { OrderRow } from '../store/schema';
import type { ParcelPackageRow } from '../store/schema-packing';
import type { AppContext } from './context';
import { ConflictError, NotFoundError } from './errors';

/** Orders a packer may work on: accepted and not yet fully shipped (not waiting for stock, not closed). */
const PACKABLE_ORDER_STATES = ['awaiting_shipment', 'partially_shipped'] as const;

/** A refusal at the station (wrong scan, weight out of range): a 409 that also says what is expected. */
export class PackStationRefusal extends ConflictError {
  constructor(
    rule: string,
    message: Localized,
    state: string,
    readonly details: Record<string, unknown>,
  ) {
    super(rule, message, state);
    this.name = 'PackStationRefusal';
  }
}

export function contentsOf(pkg: Pick<ParcelPackageRow, 'contents'>): ExpectedItem[] {
  return JSON.parse(pkg.contents) as ExpectedItem[];
}

export async function lockOrder(ctx: AppContext, trx: Executor, orderId: number): Promise<OrderRow> {
  let query = trx.selectFrom('orders').selectAll().where('id', '=', orderId);
  if (ctx.store.dialect === 'postgres') query = query.forUpdate();
  const order = await query.executeTakeFirst();
  if (!order) throw new NotFoundError(localized(`order ${orderId} not found.`, `未找到订单 ${orderId}。`));
  return order;
}

export function requirePackable(order: OrderRow): void {
  const held = heldRefusal(order);
  if (held) throw new ConflictError('order.held', held, order.status);
  if (!(PACKABLE_ORDER_STATES as readonly string[]).includes(order.status)) {
    throw new ConflictError(
      'pack.order_state',
      localized(
        `order ${order.platform_order_id} is ${order.status.replace(/_/g, ' ')}: only orders awaiting shipment (or partly shipped) are packed.`,
        `订单 ${order.platform_order_id} 状态为「${order.status}」：只有待发货（或部分发货）的订单可以打包。`,
      ),
      order.status,
    );
  }
}
