/**
 * Deadlines: "can I still ship?" for one order here; the at-risk view (at-risk.ts), the warning sweep
 * (deadline-warnings.ts), the seller's metrics (seller-metrics.ts), queuing an alert (alert-queue.ts) and the alert
 * webhooks (alert-webhooks.ts) are re-exported, so `app/deadlines` names them all.
 */
import { situationOf, type Situation } from '../core/situation';
import type { Verdict } from '../core/verdict';
import type { Policy } from '../core/policy/schema';
import type { OrderRow } from '../store/schema';
import type { AppContext } from './context';
import { ConflictError } from './errors';
import { situationOfOrder } from './order-situation';

export { queueAlert } from './alert-queue';
export { addWebhook, deliverWebhooks, listWebhooks, signWebhook, WEBHOOK_MAX_ATTEMPTS } from './alert-webhooks';
export {
  atRisk,
  atRiskOrders,
  describeRisk,
  isQueued,
  queuedRisk,
  requestsDueBy,
  type AtRiskItem,
  type RiskCursor,
} from './at-risk';
export { runWarningSweep, type SweepReport } from './deadline-warnings';
export { sellerMetrics } from './seller-metrics';

export interface OrderVerdict {
  order: OrderRow;
  policy: Policy;
  verdict: Verdict;
  situation: Situation;
}

/** "Can I still ship?" for one order at `at` (default now): its situation (app/order-situation.ts) and verdict. */
export async function explainOrder(
  ctx: AppContext,
  orderId: number,
  shopIds?: string[],
  at: number = ctx.now(),
): Promise<OrderVerdict> {
  const { order, policy, facts, situation, problem } = await situationOfOrder(ctx, orderId, at, shopIds);
  if (problem) throw new ConflictError('verdict.cannot_judge', problem, order.status);
  const resolved = situation ?? situationOf(facts, policy, at);
  return { order, policy, verdict: resolved.verdict, situation: resolved };
}
