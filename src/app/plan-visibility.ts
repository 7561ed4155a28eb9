/**
 * A warehouse's plan as one caller may see it (security issue, finding 8): a warehouse serves several shops, and a
 * caller who reads only some of them sees the queue positions of their own orders and none of the others' — no
 * order number, no penalty, no total that sums them. The plan itself stays the warehouse's (stored, shared).
 */
import { localized } from '../core/i18n';
import type { PresentedPlan } from './planning';

type Queued = PresentedPlan['late'][number];

export type VisiblePlan = PresentedPlan & { hidden_orders?: number };

/** `shops` undefined: the caller sees every shop (access off, or the account's owner sees them all anyway). */
export function planVisibleTo(plan: PresentedPlan, shops: readonly string[] | undefined): VisiblePlan {
  if (!shops) return plan;
  const mine = (j: Queued) => shops.includes(j.shop_id);
  const all = plan.stations.flatMap((s) => s.queue);
  const hidden = all.filter((j) => !mine(j)).length;
  if (hidden === 0) return plan;
  const stations = plan.stations.map((s) => ({ ...s, queue: s.queue.filter(mine) }));
  const visible = stations.flatMap((s) => s.queue);
  return {
    ...plan,
    jobs: visible.length,
    total_penalty: visible.reduce((sum, j) => sum + j.penalty, 0),
    // What earliest-deadline-first would cost, and the fixes, are sums over every shop's orders: not shown.
    edd_penalty: 0,
    saving_vs_edd: 0,
    late: plan.late.filter(mine),
    stations,
    fixes: [],
    estimates: plan.estimates.filter((e) => shops.includes(e.shop_id)),
    ...(plan.warm_start ? { warm_start: { ...plan.warm_start, kept: 0, inserted: 0, start_penalty: 0 } } : {}),
    hidden_orders: hidden,
    notes: [
      ...plan.notes,
      localized(
        `${hidden} order(s) of shops you cannot see share these stations: their places in the queue are left out.`,
        `${hidden} 个您无权查看的店铺订单共用这些工位：它们在队列中的位置未显示。`,
      ),
    ],
  } as VisiblePlan;
}
