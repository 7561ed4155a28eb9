/**
 * Open orders whose deadline falls past the end of their policy's holiday and festival data
 * (core/policy/calendar-coverage.ts): the order detail's warning, `serve`'s warning on start, `policy show`.
 */
import { localized, type Localized } from '../core/i18n';
import { OPEN_ORDER_STATES } from '../core/order';
import { calendarDataUntil, calendarWarning } from '../core/policy/calendar-coverage';
import { builtInRegistry } from '../core/policy/built-in';
import { PolicyLookupError } from '../core/policy/registry';
import type { Policy } from '../core/policy/schema';
import type { Executor } from '../store/orders';
import type { OrderRow } from '../store/schema';
import type { AppContext } from './context';
import { loadShopResolver } from './policies';

/** The policy an order follows (the shop's choice and overrides, the version in force when it was paid). */
async function policyOf(
  db: Executor,
  order: Pick<OrderRow, 'shop_id' | 'paid_at' | 'order_type'>,
): Promise<Policy | undefined> {
  try {
    return (await loadShopResolver(db, order.shop_id)).forOrder(order.paid_at, order.order_type ?? undefined);
  } catch (error) {
    if (error instanceof PolicyLookupError) return undefined;
    throw error;
  }
}

/** The warnings of one order's detail: its deadline past its policy's calendar data. */
export async function orderCalendarWarnings(db: Executor, order: OrderRow): Promise<Localized[]> {
  if (!OPEN_ORDER_STATES.includes(order.status as (typeof OPEN_ORDER_STATES)[number])) return [];
  const policy = await policyOf(db, order);
  const warning = policy && calendarWarning(policy, order.ship_by_at);
  return warning ? [warning] : [];
}

export interface PastCalendarGroup {
  policyId: string;
  until: string;
  count: number;
  /** The first few, the earliest deadline first. */
  orders: Array<{ id: number; platformOrderId: string; shipByAt: number }>;
  message: Localized;
}

/** Open orders (of every shop, or under `policyId`) whose deadline is past their policy's calendar data, by policy. */
export async function ordersPastCalendarData(
  ctx: AppContext,
  options: { policyId?: string } = {},
): Promise<PastCalendarGroup[]> {
  const db = ctx.store.db;
  const registry = builtInRegistry();
  const ends = registry
    .ids()
    .flatMap((id) => registry.versions(id).map((policy) => calendarDataUntil(policy, 'deadline')))
    .filter((until): until is string => until !== null);
  if (ends.length === 0) return [];
  // Only deadlines after the earliest end can be past one; the policy of each decides.
  const earliest = Date.parse(`${ends.reduce((min, until) => (until < min ? until : min))}T00:00:00Z`);
  const rows = await db
    .selectFrom('orders')
    .selectAll()
    .where('status', 'in', [...OPEN_ORDER_STATES])
    .where('ship_by_at', '>', earliest)
    .orderBy('ship_by_at')
    .orderBy('id')
    .execute();
  const groups = new Map<string, PastCalendarGroup>();
  for (const order of rows) {
    const policy = await policyOf(db, order);
    if (!policy || (options.policyId && policy.id !== options.policyId) || !calendarWarning(policy, order.ship_by_at))
      continue;
    const until = calendarDataUntil(policy, 'deadline')!;
    const key = `${policy.id}|${until}`;
    const group = groups.get(key) ?? { policyId: policy.id, until, count: 0, orders: [], message: localized('', '') };
    group.count += 1;
    if (group.orders.length < 5)
      group.orders.push({ id: order.id, platformOrderId: order.platform_order_id, shipByAt: order.ship_by_at! });
    groups.set(key, group);
  }
  return [...groups.values()].map((group) => ({
    ...group,
    message: localized(
      `${group.count} open order(s) under policy ${group.policyId} have a deadline after the end of its holiday and festival data (${group.until}), e.g. ${group.orders.map((o) => o.platformOrderId).join(', ')}: their deadlines may be off. Compare them with the marketplace's deadlines on each order in the dashboard.`,
      `策略 ${group.policyId} 下有 ${group.count} 个未完成订单的截止时间晚于其节假日数据范围（至 ${group.until}），例如 ${group.orders.map((o) => o.platformOrderId).join('、')}：截止时间可能有偏差。请在控制台逐单与平台显示的截止时间核对。`,
    ),
  }));
}
