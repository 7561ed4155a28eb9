/**
 * "Can I still ship?" for one order at `now`: which situation the order is in, then that situation's verdict
 * (status, time left and the latest hand-over that still makes it; after the deadline whether the platform closed
 * the order; the fine now and at each next step with the time it starts; points and metric effects; the options
 * with their costs and arithmetic, and the cheaper one). Every sentence is `Localized` (en, zh-CN). A function of
 * the facts only: the same facts give the same verdict however the events that produced them arrived.
 */
import { localized } from '../i18n';
import type { Policy, ShippedEvent } from '../policy/schema';
import { compilePolicy } from '../policy/compiled';
import { SHIPPED_EVENT_NAMES } from '../policy/wording';
import { computeShipBy, DeadlineInputError } from '../deadline';
import { fineForStep, type OrderFacts } from '../penalty';
import { awaitingCountVerdict } from './awaiting-count';
import { cancellationRequestOf } from '../cancellation-request';
import { cancelledVerdict } from './cancelled';
import { closedVerdict } from './closed';
import { openVerdict } from './open';
import { shippedVerdict } from './shipped';
import type { Verdict, VerdictInput } from './types';
import { waitingStockVerdict } from './waiting-stock';

export type { Course, CourseOption, StepAhead, Verdict, VerdictStatus } from './types';

function countedAt(order: OrderFacts, event: ShippedEvent): number | undefined {
  switch (event) {
    case 'tracking_uploaded':
      return order.trackingUploadedAt;
    case 'handed_over':
      return order.handedOverAt;
    case 'carrier_scan':
      return order.carrierScanAt;
    case 'warehouse_received':
      return order.warehouseReceivedAt;
  }
}

/** Evidence that the parcel already left the seller, when the counted event is a later one. */
function parcelLeftAt(order: OrderFacts, event: ShippedEvent): number | undefined {
  if (event === 'carrier_scan') return order.handedOverAt;
  if (event === 'warehouse_received') return order.handedOverAt ?? order.carrierScanAt;
  return undefined;
}

export function verdict(order: OrderFacts, policy: Policy, now: number): Verdict {
  if (!Number.isFinite(now))
    throw new DeadlineInputError('now', localized('is not a valid instant (epoch ms)', '不是有效的时间（epoch 毫秒）'));
  const compiled = compilePolicy(policy);
  const { zone } = compiled;
  const shipBy = computeShipBy(order, policy);
  const deadline = shipBy.shipByAt;
  const closesAt = compiled.closingMs === null ? null : deadline + compiled.closingMs;
  const latestHandOverAt = deadline - compiled.leadMs;
  let internalTargetAt: number | null = null;
  if (compiled.internalBeforeMs > 0) internalTargetAt = deadline - compiled.internalBeforeMs;
  if (compiled.internalMaxHandlingMs !== null) {
    const byHandling = shipBy.clockStartAt + compiled.internalMaxHandlingMs;
    internalTargetAt = internalTargetAt === null ? byHandling : Math.min(internalTargetAt, byHandling);
  }
  if (internalTargetAt !== null) internalTargetAt = Math.min(internalTargetAt, latestHandOverAt);
  const lastStep = policy.fine.steps.length - 1;
  const input: VerdictInput = {
    order,
    policy,
    now,
    compiled,
    zone,
    shipBy,
    deadline,
    deadlineText: zone.describe(deadline),
    event: SHIPPED_EVENT_NAMES[policy.shippedWhen],
    closesAt,
    latestHandOverAt,
    internalTargetAt,
    common: { now, shipBy, timeLeftMs: deadline - now, latestHandOverAt, internalTargetAt, closesAt },
    lastStep,
    cancelFine:
      policy.cancellation.fine === 'none' || lastStep < 0
        ? fineForStep(policy, order, -1)
        : fineForStep(policy, order, policy.cancellation.fine === 'first_step' ? 0 : lastStep),
  };

  const counted = countedAt(order, policy.shippedWhen);
  if (counted !== undefined) return shippedVerdict(input, counted);
  if (order.cancelledAt !== undefined) return cancelledVerdict(input, order.cancelledAt);
  if (order.platformClosedAt !== undefined) return closedVerdict(input, order.platformClosedAt);
  // A buyer's cancellation request left unanswered past its answer time: the platform has cancelled the order.
  if (order.cancellationRequest !== undefined) {
    const request = cancellationRequestOf(order.cancellationRequest, policy, now);
    if (request.state === 'lapsed') return cancelledVerdict(input, request.answerBy!, true);
  }
  // Handed over, the counted event still to come: the parcel is with the carrier or the platform, so the clock's
  // closing point does not close it; the verdict waits for the event instead of guessing it.
  const leftAt = parcelLeftAt(order, policy.shippedWhen);
  if (leftAt !== undefined) return awaitingCountVerdict(input, leftAt);
  if (closesAt !== null && now > closesAt) return closedVerdict(input, closesAt);
  if (order.stock) return waitingStockVerdict(input, order.stock);
  return openVerdict(input);
}
