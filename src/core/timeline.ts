/**
 * One line of an order's timeline (the store's order_events row without its id) and THE constructor of one. Every
 * state transition, upload, scan and note an order goes through is written as such a row: the audit trail, the
 * order's timeline in the dashboard and the source of the metrics.
 */

/** One line of an order's timeline, as planned (the store's order_events row without its id). */
export interface PlannedEvent {
  order_id: number;
  parcel_id: number | null;
  at: number;
  actor: string;
  kind: string;
  action: string | null;
  from_state: string | null;
  to_state: string | null;
  reason: string | null;
  data: string | null;
}

/** What a timeline row says, by name; what it does not say is null. */
export interface TimelineEventInput {
  orderId: number;
  /** The parcel it concerns, if one. */
  parcelId?: number | null;
  at: number;
  actor: string;
  kind: string;
  /** A machine's action, for a transition. */
  action?: string | null;
  from?: string | null;
  to?: string | null;
  reason?: string | null;
  /** Already serialised JSON. */
  data?: string | null;
}

/** The one constructor of a timeline row. */
export function timelineEvent(input: TimelineEventInput): PlannedEvent {
  return {
    order_id: input.orderId,
    parcel_id: input.parcelId ?? null,
    at: input.at,
    actor: input.actor,
    kind: input.kind,
    action: input.action ?? null,
    from_state: input.from ?? null,
    to_state: input.to ?? null,
    reason: input.reason ?? null,
    data: input.data ?? null,
  };
}
