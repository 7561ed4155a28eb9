/**
 * The deadlines' answers beside the verdict (http/routes/deadlines.ts): the seller's metrics (app/deadlines.ts
 * sellerMetrics), the policies, a shop's policy choice, and an alert webhook added.
 */
import { bool, list, num, numOrNull, object, open, orNull, record, ref, str, strOrNull } from './common';

const money = ref('Money');
const count = { from: num, to: num, numerator: num, denominator: num, value: numOrNull };

const Metric = object({
  metric: str,
  label: ref('Localized'),
  ...count,
  direction: str,
  threshold: orNull(object({ warn: numOrNull, limit: num })),
  status: str,
  previous: object(count),
  delta: numOrNull,
  trend: str,
  summary: ref('Localized'),
});

/** The seller's metrics over each window, each day of the longest one, and the violations' totals. */
const MetricsReport = open({
  now: num,
  policyId: str,
  policyVersion: num,
  windows: list(object({ days: num, metrics: list(ref('Metric')) })),
  daily: object({
    days: num,
    zone: str,
    points: list(
      object({
        day: str,
        from: num,
        to: num,
        partial: bool,
        rates: record(numOrNull),
        finesPaid: list(money),
        finesAvoided: list(money),
        lateOrders: num,
        savedOrders: num,
      }),
    ),
    totals: object({ finesPaid: list(money), finesAvoided: list(money), lateOrders: num, savedOrders: num }),
  }),
  violations: list(object({ kind: str, orders: num, points: num, fines: list(money), unpriced: num })),
});

export const DEADLINE_SCHEMAS = { Metric, MetricsReport };

/** A built-in policy (core/policy): its id and version are what the dashboard keys on; the rest passes as it is. */
export const policyList = list(open({ id: str, version: num }));
/** The shop's policy set: how many of its orders' deadlines were recomputed, and how many changed. */
export const shopPolicy = object({ recomputed: num, changed: num });
/** The webhook added (its secret is never returned), as GET /webhooks lists it (created_at in ISO 8601). */
export const webhookAdded = ref('Webhook');
