/**
 * An order's metric record read from its situation (core/situation.ts), so the metrics count what every other
 * reader says: the deadline with its extensions (the verdict's), the event the order's own policy counts, closed
 * unfulfilled exactly when the situation is closed (reported, or its closing point passed) and at that instant,
 * cancelled exactly when it is cancelled, and an order handed over whose counted event is still to come left
 * unjudged (`awaitingCount`) instead of drifting late with the clock.
 */
import type { FineOrderRecord } from './metrics-daily';
import type { OrderFacts } from './penalty';
import type { Policy } from './policy/schema';
import type { Situation } from './situation';

export interface MetricRecordExtras {
  orderId?: string;
  /** false while only part of the order has been declared shipped. */
  fullyShipped?: boolean;
  /** The first deadline warning's time. */
  warnedAt?: number;
}

export function metricRecordOf(
  facts: OrderFacts,
  policy: Policy,
  situation: Situation,
  extras: MetricRecordExtras = {},
): FineOrderRecord {
  const v = situation.verdict;
  const record: FineOrderRecord = {
    paidAt: facts.paidAt,
    shipByAt: v.shipBy.shipByAt,
    shippedWhen: policy.shippedWhen,
    policy,
    orderTotal: facts.orderTotal,
    units: facts.units ?? 1,
  };
  if (extras.orderId !== undefined) record.orderId = extras.orderId;
  if (extras.fullyShipped !== undefined) record.fullyShipped = extras.fullyShipped;
  if (extras.warnedAt !== undefined) record.warnedAt = extras.warnedAt;
  if (facts.riskPassedAt !== undefined) record.riskPassedAt = facts.riskPassedAt;
  if (facts.productPrice !== undefined) record.productPrice = facts.productPrice;
  if (facts.orderTotalUsd !== undefined) record.orderTotalUsd = facts.orderTotalUsd;
  if (facts.trackingUploadedAt !== undefined) record.trackingUploadedAt = facts.trackingUploadedAt;
  if (facts.handedOverAt !== undefined) record.handedOverAt = facts.handedOverAt;
  if (facts.carrierScanAt !== undefined) record.carrierScanAt = facts.carrierScanAt;
  if (facts.warehouseReceivedAt !== undefined) record.warehouseReceivedAt = facts.warehouseReceivedAt;
  switch (situation.kind) {
    case 'cancelled':
      record.cancelledAt = facts.cancelledAt ?? v.now;
      record.cancelledBy = facts.cancelledBy ?? 'seller';
      break;
    case 'closed':
      record.closedUnfulfilledAt = facts.platformClosedAt ?? v.closesAt ?? v.now;
      break;
    case 'awaiting_count':
      record.awaitingCount = true;
      break;
    default:
      break;
  }
  return record;
}
