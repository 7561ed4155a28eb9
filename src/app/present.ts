/**
 * How an order looks outside shipby (API answers, CLI --json): ISO times, money with its currency,
 * the timeline with actor and reason. One shape for every edge.
 */
import type { AuditRow } from '../store/schema-accounts';
import { OPEN_ORDER_STATES, type OrderState } from '../core/order';
import { toIso } from '../core/time';
import type { OrderEventRow, OrderLineRow, OrderRow, ParcelRow } from '../store/schema';

export function presentOrder(o: OrderRow) {
  return {
    id: o.id,
    shop_id: o.shop_id,
    platform: o.platform,
    platform_order_id: o.platform_order_id,
    status: o.status,
    platform_status: o.platform_status,
    total: { amount: o.total_amount, currency: o.currency },
    buyer: {
      name: o.buyer_name,
      country: o.buyer_country,
      address_line1: o.address_line1,
      city: o.city,
      postcode: o.postcode,
      phone: o.phone,
    },
    handling_days: o.handling_days,
    logistics_service: o.logistics_service,
    ship_by_at: toIso(o.ship_by_at),
    ship_by_source: o.ship_by_source,
    milestones: {
      paid_at: toIso(o.paid_at),
      risk_passed_at: toIso(o.risk_passed_at),
      accepted_at: toIso(o.accepted_at),
      packed_at: toIso(o.packed_at),
      handed_over_at: toIso(o.handed_over_at),
      tracking_uploaded_at: toIso(o.tracking_uploaded_at),
      first_scan_at: toIso(o.first_scan_at),
      delivered_at: toIso(o.delivered_at),
      receipt_confirmed_at: toIso(o.receipt_confirmed_at),
      cancelled_at: toIso(o.cancelled_at),
      closed_at: toIso(o.closed_at),
    },
    cancelled_by: o.cancelled_at === null ? null : (o.cancelled_by ?? 'seller'),
    cancellation_request:
      o.cancel_requested_at === null
        ? null
        : {
            requested_at: toIso(o.cancel_requested_at),
            answer: o.cancel_answer,
            answered_at: toIso(o.cancel_answered_at),
          },
    hold: o.held_at === null ? null : { held_at: toIso(o.held_at), reason: o.hold_reason },
    version: o.version,
    created_at: toIso(o.created_at),
    updated_at: toIso(o.updated_at),
  };
}

export function presentLine(l: OrderLineRow, currency: string) {
  return { line_no: l.line_no, sku: l.sku, quantity: l.quantity, unit_price: { amount: l.unit_price, currency } };
}

export function presentParcel(p: ParcelRow) {
  return {
    id: p.id,
    status: p.status,
    carrier: p.carrier,
    service: p.service,
    tracking_number: p.tracking_number,
    weight_g: p.weight_g,
    warehouse_weight_g: p.warehouse_weight_g,
    packed_at: toIso(p.packed_at),
    handed_over_at: toIso(p.handed_over_at),
    tracking_uploaded_at: toIso(p.tracking_uploaded_at),
    first_scan_at: toIso(p.first_scan_at),
    delivered_at: toIso(p.delivered_at),
  };
}

export function presentEvent(e: OrderEventRow) {
  return {
    id: e.id,
    at: toIso(e.at),
    actor: e.actor,
    kind: e.kind,
    action: e.action,
    from: e.from_state,
    to: e.to_state,
    reason: e.reason,
    parcel_id: e.parcel_id,
    data: e.data ? JSON.parse(e.data) : null,
  };
}

export function presentMoney(m: { amount: number; currency: string } | null | undefined) {
  return m ? { amount: m.amount, currency: m.currency } : null;
}

/** The verdict as the API and `--json` show it: both languages for every sentence. */
export function presentVerdict(
  v: import('../core/verdict').Verdict,
  policy: { id: string; version: number; shippedWhen?: string },
) {
  return {
    policy: `${policy.id}@${policy.version}`,
    counted_event: policy.shippedWhen ?? null,
    status: v.status,
    can_still_ship: v.canStillShip,
    closed_by_platform: v.closedByPlatform,
    ship_by_at: toIso(v.shipBy.shipByAt),
    ship_by_source: v.shipBy.source,
    time_left_ms: v.timeLeftMs,
    latest_hand_over_at: toIso(v.latestHandOverAt),
    closes_at: toIso(v.closesAt),
    lateness_ms: v.latenessMs,
    fine_now: presentMoney(v.fine.money),
    points_now: v.points,
    steps_ahead: v.stepsAhead.map((s) => ({
      starts_at: toIso(s.startsAt),
      hand_over_by: toIso(s.handOverBy),
      fine: presentMoney(s.fine),
      points: s.points,
    })),
    metric_effects: v.metricEffects,
    options: v.options.map((o) => ({
      course: o.course,
      available: o.available,
      cost: presentMoney(o.cost),
      points: o.points,
      explanation: o.explanation,
    })),
    recommended: v.recommended,
    headline: v.headline,
    sentences: v.sentences,
    reasons: v.shipBy.reasons,
  };
}

/** The order's situation (core/situation.ts) as the API and `--json` show it. */
export function presentSituation(s: import('../core/situation').Situation) {
  const request = s.cancellationRequest;
  return {
    kind: s.kind,
    reasons: s.reasons,
    actionable: s.actionable,
    in_queues: s.inQueues,
    exposure: presentMoney(s.exposure),
    assumptions: s.assumptions,
    cancellation_request:
      request === null
        ? null
        : {
            state: request.state,
            requested_at: toIso(request.requestedAt),
            answer_by: toIso(request.answerBy),
            answered_at: toIso(request.answeredAt),
          },
    violations: s.violations.map((v) => ({
      kind: v.kind,
      fine: presentMoney(v.fine),
      points: v.points,
      priced: v.priced,
      explanation: v.explanation,
    })),
  };
}

/**
 * An audit line on the order's timeline: who called which route, from where, with what outcome. The id is
 * negative so it never collides with an event's, and the dashboard can tell the two apart.
 */
export function presentAuditOnTimeline(a: AuditRow) {
  return {
    id: -a.id,
    at: toIso(a.at),
    actor: a.actor_kind === 'key' ? `key:${a.actor_name}` : a.actor_name,
    kind: 'audit',
    action: a.action,
    from: null,
    to: null,
    reason: a.outcome,
    parcel_id: null,
    data: { ip: a.ip, ...(a.detail ? JSON.parse(a.detail) : {}) },
  };
}

/**
 * An order's deadline as of an instant: the instant, its situation's kind, and the time left to ship while its
 * situation keeps it in the queues (the verdict's; none once it is closed, cancelled or shipped). Without a situation
 * (no deadline, or facts it cannot judge) the time left is read from the row while it is open.
 */
export function presentAsOf(o: OrderRow, asOf: number, situation: import('../core/situation').Situation | null) {
  if (situation)
    return {
      as_of: toIso(asOf),
      situation: situation.kind,
      time_left_ms: situation.inQueues ? situation.verdict.timeLeftMs : null,
    };
  const open = OPEN_ORDER_STATES.includes(o.status as OrderState);
  return {
    as_of: toIso(asOf),
    situation: null,
    time_left_ms: open && o.ship_by_at !== null ? o.ship_by_at - asOf : null,
  };
}
