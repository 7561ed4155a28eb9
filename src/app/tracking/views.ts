/** Reads of tracking: open problems, a parcel's tracking, every parcel with its status, kept-aside events. */
import { localized, type Localized } from '../../core/i18n';
import { toIso } from '../../core/time';
import { isProblemKind } from '../../core/tracking-problems';
import { TRACKING_STATUS_LABELS, isTrackingStatus } from '../../core/tracking-status';
import type { AppContext } from '../context';
import { NotFoundError, ValidationError } from '../errors';

// ---------------------------------------------------------------------------------------------------------------
// Reads

export interface ParcelProblemView {
  id: number;
  order_id: number;
  platform_order_id: string;
  shop_id: string;
  parcel_id: number | null;
  tracking_number: string | null;
  tracking_status: string | null;
  kind: string;
  level: string;
  detected_at: string | null;
  message: Localized;
  what_to_do: Localized;
  data: unknown;
}

/** Open problems, newest first; `kind` one of the problem kinds, `false_shipment` for its three kinds, or all. */
export async function listProblems(
  ctx: AppContext,
  filter: { kind?: string; shopIds?: string[]; parcelId?: number; limit?: number },
): Promise<ParcelProblemView[]> {
  let kinds: string[] | undefined;
  if (filter.kind && filter.kind !== 'any') {
    if (filter.kind === 'false_shipment') kinds = ['invalid_number', 'scan_before_payment', 'wrong_destination'];
    else if (isProblemKind(filter.kind)) kinds = [filter.kind];
    else
      throw new ValidationError([
        {
          row: 0,
          field: 'problem',
          message: localized(`unknown problem "${filter.kind}".`, `未知问题类型「${filter.kind}」。`),
        },
      ]);
  }
  let query = ctx.store.db
    .selectFrom('tracking_problems as tp')
    .innerJoin('orders as o', 'o.id', 'tp.order_id')
    .leftJoin('parcels as p', 'p.id', 'tp.parcel_id')
    .leftJoin('parcel_tracking as t', 't.parcel_id', 'tp.parcel_id')
    .select([
      'tp.id',
      'tp.order_id',
      'o.platform_order_id',
      'tp.shop_id',
      'tp.parcel_id',
      'p.tracking_number',
      't.status as tracking_status',
      'tp.kind',
      'tp.level',
      'tp.detected_at',
      'tp.message',
      'tp.action',
      'tp.data',
    ])
    .where('tp.resolved_at', 'is', null);
  if (kinds) query = query.where('tp.kind', 'in', kinds);
  if (filter.shopIds?.length) query = query.where('tp.shop_id', 'in', filter.shopIds);
  if (filter.parcelId !== undefined) query = query.where('tp.parcel_id', '=', filter.parcelId);
  const rows = await query
    .orderBy('tp.id', 'desc')
    .limit(filter.limit ?? 200)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    order_id: r.order_id,
    platform_order_id: r.platform_order_id,
    shop_id: r.shop_id,
    parcel_id: r.parcel_id,
    tracking_number: r.tracking_number,
    tracking_status: r.tracking_status,
    kind: r.kind,
    level: r.level,
    detected_at: toIso(r.detected_at),
    message: JSON.parse(r.message) as Localized,
    what_to_do: JSON.parse(r.action) as Localized,
    data: r.data ? JSON.parse(r.data) : null,
  }));
}

export interface ParcelTrackingView {
  parcel_id: number;
  order_id: number;
  tracking_number: string | null;
  parcel_status: string;
  tracking: {
    status: string | null;
    label: Localized | null;
    raw_status: string | null;
    raw_substatus: string | null;
    description: string | null;
    status_at: string | null;
    first_scan_at: string | null;
    last_event_at: string | null;
    delivered_at: string | null;
    destination_country: string | null;
    next_poll_at: string | null;
  } | null;
  events: Array<{
    at: string | null;
    status: string;
    raw_status: string | null;
    raw_substatus: string | null;
    description: string | null;
    location: string | null;
    provider: string;
  }>;
  problems: ParcelProblemView[];
}

export async function getParcelTracking(ctx: AppContext, parcelId: number): Promise<ParcelTrackingView> {
  const db = ctx.store.db;
  const parcel = await db.selectFrom('parcels').selectAll().where('id', '=', parcelId).executeTakeFirst();
  if (!parcel) throw new NotFoundError(localized(`parcel ${parcelId} not found.`, `未找到包裹 ${parcelId}。`));
  const tracking = await db
    .selectFrom('parcel_tracking')
    .selectAll()
    .where('parcel_id', '=', parcelId)
    .executeTakeFirst();
  const events = await db
    .selectFrom('tracking_events')
    .selectAll()
    .where('parcel_id', '=', parcelId)
    .orderBy('occurred_at')
    .orderBy('id')
    .execute();
  const problems = await listProblems(ctx, { parcelId, limit: 1000 });
  return {
    parcel_id: parcel.id,
    order_id: parcel.order_id,
    tracking_number: parcel.tracking_number,
    parcel_status: parcel.status,
    tracking: tracking
      ? {
          status: tracking.status,
          label: tracking.status && isTrackingStatus(tracking.status) ? TRACKING_STATUS_LABELS[tracking.status] : null,
          raw_status: tracking.raw_status,
          raw_substatus: tracking.raw_substatus,
          description: tracking.description,
          status_at: toIso(tracking.status_at),
          first_scan_at: toIso(tracking.first_scan_at),
          last_event_at: toIso(tracking.last_event_at),
          delivered_at: toIso(tracking.delivered_at),
          destination_country: tracking.destination_country,
          next_poll_at: toIso(tracking.next_poll_at),
        }
      : null,
    events: events.map((e) => ({
      at: toIso(e.occurred_at),
      status: e.status,
      raw_status: e.raw_status,
      raw_substatus: e.raw_substatus,
      description: e.description,
      location: e.location,
      provider: e.provider,
    })),
    problems,
  };
}

export interface ParcelListItem {
  parcel_id: number;
  order_id: number;
  platform_order_id: string;
  shop_id: string;
  destination: string;
  parcel_status: string;
  carrier: string | null;
  service: string | null;
  tracking_number: string | null;
  tracking_status: string | null;
  tracking_label: Localized | null;
  last_event_at: string | null;
  first_scan_at: string | null;
  delivered_at: string | null;
  open_problems: number;
  created_at: string | null;
}

/**
 * Every parcel that has a tracking number (or a label coming), newest first, with its normalised tracking status:
 * the parcels screen lists them under the problems. Keyset pagination by id (`before` = the last id of the page).
 */
export async function listParcels(
  ctx: AppContext,
  filter: { shopIds?: string[]; limit?: number; before?: number } = {},
): Promise<{ items: ParcelListItem[]; next_before: number | null }> {
  const limit = Math.min(Math.max(filter.limit ?? 100, 1), 500);
  let query = ctx.store.db
    .selectFrom('parcels as p')
    .innerJoin('orders as o', 'o.id', 'p.order_id')
    .leftJoin('parcel_tracking as t', 't.parcel_id', 'p.id')
    .select([
      'p.id',
      'p.order_id',
      'o.platform_order_id',
      'p.shop_id',
      'o.buyer_country',
      'p.status',
      'p.carrier',
      'p.service',
      'p.tracking_number',
      'p.created_at',
      't.status as tracking_status',
      't.last_event_at',
      'p.first_scan_at',
      'p.delivered_at',
      't.open_problems',
    ])
    .where('p.status', '!=', 'voided');
  if (filter.shopIds?.length) query = query.where('p.shop_id', 'in', filter.shopIds);
  if (filter.before !== undefined) query = query.where('p.id', '<', filter.before);
  const rows = await query
    .orderBy('p.id', 'desc')
    .limit(limit + 1)
    .execute();
  const page = rows.slice(0, limit);
  return {
    items: page.map((r) => ({
      parcel_id: r.id,
      order_id: r.order_id,
      platform_order_id: r.platform_order_id,
      shop_id: r.shop_id,
      destination: r.buyer_country,
      parcel_status: r.status,
      carrier: r.carrier,
      service: r.service,
      tracking_number: r.tracking_number,
      tracking_status: r.tracking_status,
      tracking_label:
        r.tracking_status && isTrackingStatus(r.tracking_status) ? TRACKING_STATUS_LABELS[r.tracking_status] : null,
      last_event_at: toIso(r.last_event_at),
      first_scan_at: toIso(r.first_scan_at),
      delivered_at: toIso(r.delivered_at),
      open_problems: Number(r.open_problems ?? 0),
      created_at: toIso(r.created_at),
    })),
    next_before: rows.length > limit ? page[page.length - 1]!.id : null,
  };
}

/** Events kept aside because no parcel has their number yet. */
export async function listUnmatchedEvents(ctx: AppContext, limit = 200) {
  const rows = await ctx.store.db
    .selectFrom('tracking_events')
    .selectAll()
    .where('parcel_id', 'is', null)
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    tracking_number: r.tracking_number,
    carrier: r.carrier,
    provider: r.provider,
    status: r.status,
    raw_substatus: r.raw_substatus,
    occurred_at: toIso(r.occurred_at),
    received_at: toIso(r.received_at),
  }));
}
