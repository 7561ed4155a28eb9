/**
 * The tracking bulk writer on PostgreSQL (store/tracking.ts `trackingBulkWriter`): multi-row statements — events
 * inserted from `unnest` arrays with ON CONFLICT DO NOTHING RETURNING, updates as UPDATE … FROM a record set — in
 * chunks of PG_CHUNK rows, parcels found by a join from the numbers (one index lookup each).
 */
import { sql } from 'kysely';
import type { Executor } from './orders';
import { recordset, type RecordColumns } from './pg-recordset';
import type { NewOrderEventRow } from './schema';
import type { ParcelTrackingRow } from './schema-tracking';
import {
  EVENT_COLUMNS,
  PARCEL_SELECT,
  TRACKING_COLUMNS,
  type OrderTrackingUpdate,
  type ParcelContext,
  type ParcelUpdate,
  type SiblingParcel,
  type TrackingBulkWriter,
} from './tracking-bulk';

/**
 * A PostgreSQL row of PARCEL_SELECT as the context. Written as literals of a fixed shape: one such object per parcel of
 * a batch of thousands, where building them key by key cost more than reading the rows.
 */
function toContext(row: Record<string, any>): ParcelContext {
  return {
    parcel_id: row.parcel_id,
    order_id: row.order_id,
    shop_id: row.shop_id,
    parcel_status: row.parcel_status,
    carrier: row.carrier,
    tracking_number: row.tracking_number,
    labelled_at: row.labelled_at,
    tracking_uploaded_at: row.tracking_uploaded_at,
    parcel_first_scan_at: row.parcel_first_scan_at,
    parcel_handed_over_at: row.parcel_handed_over_at,
    parcel_delivered_at: row.parcel_delivered_at,
    order_status: row.order_status,
    paid_at: row.paid_at,
    buyer_country: row.buyer_country,
    order_first_scan_at: row.order_first_scan_at,
    order_delivered_at: row.order_delivered_at,
    order_version: row.order_version,
    tracking:
      row.t_parcel_id === null || row.t_parcel_id === undefined
        ? null
        : {
            parcel_id: row.t_parcel_id,
            tracking_number: row.t_tracking_number,
            provider: row.t_provider,
            status: row.t_status,
            phase: row.t_phase,
            status_at: row.t_status_at,
            status_rank: row.t_status_rank,
            status_key: row.t_status_key,
            raw_status: row.t_raw_status,
            raw_substatus: row.t_raw_substatus,
            description: row.t_description,
            location: row.t_location,
            first_scan_at: row.t_first_scan_at,
            last_event_at: row.t_last_event_at,
            delivered_at: row.t_delivered_at,
            returned_at: row.t_returned_at,
            destination_country: row.t_destination_country,
            destination_key: row.t_destination_key,
            open_problems: row.t_open_problems,
            registered_at: row.t_registered_at,
            next_poll_at: row.t_next_poll_at,
            last_polled_at: row.t_last_polled_at,
            polls: row.t_polls,
            updated_at: row.t_updated_at,
            version: row.t_version,
          },
  };
}

const PG_CHUNK = 5000;

/** A column of values as a PostgreSQL array parameter: `unnest` turns N arrays into rows (one parameter per column). */
function column<T>(rows: readonly T[], pick: (row: T) => unknown, type: 'text' | 'bigint' | 'int') {
  return sql`${rows.map(pick)}::${sql.raw(type)}[]`;
}

const TRACKING_TYPES: Record<(typeof TRACKING_COLUMNS)[number], 'text' | 'bigint' | 'int'> = {
  parcel_id: 'bigint',
  tracking_number: 'text',
  provider: 'text',
  status: 'text',
  phase: 'int',
  status_at: 'bigint',
  status_rank: 'int',
  status_key: 'text',
  raw_status: 'text',
  raw_substatus: 'text',
  description: 'text',
  location: 'text',
  first_scan_at: 'bigint',
  last_event_at: 'bigint',
  delivered_at: 'bigint',
  returned_at: 'bigint',
  destination_country: 'text',
  destination_key: 'text',
  open_problems: 'int',
  registered_at: 'bigint',
  next_poll_at: 'bigint',
  last_polled_at: 'bigint',
  polls: 'int',
  updated_at: 'bigint',
};
const TRACKING_RECORD: RecordColumns = TRACKING_COLUMNS.map((c) => [c, TRACKING_TYPES[c]] as const);
const TRACKING_RECORD_WITH_VERSION: RecordColumns = [...TRACKING_RECORD, ['version', 'int']];
const PARCEL_UPDATE_RECORD = [
  ['id', 'bigint'],
  ['status', 'text'],
  ['first_scan_at', 'bigint'],
  ['handed_over_at', 'bigint'],
  ['delivered_at', 'bigint'],
  ['updated_at', 'bigint'],
  ['expected_status', 'text'],
  ['expected_first_scan_at', 'bigint'],
] as const satisfies ReadonlyArray<readonly [keyof ParcelUpdate, string]>;
const ORDER_UPDATE_RECORD = [
  ['id', 'bigint'],
  ['version', 'int'],
  ['status', 'text'],
  ['first_scan_at', 'bigint'],
  ['delivered_at', 'bigint'],
  ['updated_at', 'bigint'],
] as const satisfies ReadonlyArray<readonly [keyof OrderTrackingUpdate, string]>;
const ORDER_EVENT_RECORD = [
  ['order_id', 'bigint'],
  ['parcel_id', 'bigint'],
  ['at', 'bigint'],
  ['actor', 'text'],
  ['kind', 'text'],
  ['action', 'text'],
  ['from_state', 'text'],
  ['to_state', 'text'],
  ['reason', 'text'],
  ['data', 'text'],
] as const satisfies ReadonlyArray<readonly [keyof NewOrderEventRow, string]>;

export function postgresWriter(trx: Executor): TrackingBulkWriter {
  return {
    async beginBatch() {
      await sql`SET LOCAL enable_hashjoin = off; SET LOCAL enable_mergejoin = off; SET LOCAL enable_seqscan = off`.execute(
        trx,
      );
    },
    async findParcels(numbers) {
      const found = new Map<string, ParcelContext>();
      for (let i = 0; i < numbers.length; i += 5000) {
        // Not locked: parcel and order updates are optimistic, tracking states merge (see upsertTracking). Driven by
        // the numbers (a join from unnest, one index lookup each): `tracking_number = ANY(…)` was planned as a walk
        // of the whole parcels primary key, filtering every parcel against the array — a cost that grew with the table.
        const result = await sql<Record<string, unknown>>`
          SELECT ${sql.raw(PARCEL_SELECT)} FROM unnest(${numbers.slice(i, i + 5000)}::text[]) AS n(tracking_number)
            JOIN parcels p ON p.tracking_number = n.tracking_number JOIN orders o ON o.id = p.order_id LEFT JOIN parcel_tracking t ON t.parcel_id = p.id`.execute(
          trx,
        );
        // A number used twice: the newer parcel (higher id) has it.
        for (const row of result.rows) {
          const known = found.get(row.tracking_number as string);
          if (!known || known.parcel_id < (row.parcel_id as number))
            found.set(row.tracking_number as string, toContext(row));
        }
      }
      return found;
    },
    async insertEvents(events, parcelIds, provider, receivedAt) {
      const fresh: boolean[] = new Array(events.length).fill(false);
      for (let i = 0; i < events.length; i += PG_CHUNK) {
        const chunk = events.slice(i, i + PG_CHUNK);
        const ids = parcelIds.slice(i, i + PG_CHUNK);
        const inserted = await sql<{ tracking_number: string; carrier: string; event_key: string }>`
          INSERT INTO tracking_events (${sql.raw(EVENT_COLUMNS.join(', '))})
          SELECT v.tracking_number, v.carrier, v.event_key, ${provider}::text, v.parcel_id, v.occurred_at, v.status, v.raw_status, v.raw_substatus,
                 v.description, v.location, v.destination_country, ${receivedAt}::bigint
          FROM unnest(${column(chunk, (e) => e.trackingNumber, 'text')}, ${column(chunk, (e) => e.carrier, 'text')}, ${column(chunk, (e) => e.event.key, 'text')},
                      ${sql`${ids}::bigint[]`}, ${column(chunk, (e) => e.event.occurredAt, 'bigint')}, ${column(chunk, (e) => e.event.status, 'text')},
                      ${column(chunk, (e) => e.event.rawStatus, 'text')}, ${column(chunk, (e) => e.event.rawSubstatus, 'text')}, ${column(chunk, (e) => e.event.description, 'text')},
                      ${column(chunk, (e) => e.event.location, 'text')}, ${column(chunk, (e) => e.event.destinationCountry, 'text')})
            AS v(tracking_number, carrier, event_key, parcel_id, occurred_at, status, raw_status, raw_substatus, description, location, destination_country)
          ON CONFLICT (tracking_number, carrier, event_key) DO NOTHING
          RETURNING tracking_number, carrier, event_key`.execute(trx);
        const keys = new Set(inserted.rows.map((r) => `${r.tracking_number}\u0000${r.carrier}\u0000${r.event_key}`));
        // Two copies of one event in a chunk: the first is the new one.
        chunk.forEach((e, j) => {
          const key = `${e.trackingNumber}\u0000${e.carrier}\u0000${e.event.key}`;
          if (keys.delete(key)) fresh[i + j] = true;
        });
      }
      return fresh;
    },
    async matchEvents(ids, parcelId) {
      if (ids.length)
        await trx
          .updateTable('tracking_events')
          .set({ parcel_id: parcelId })
          .where('id', 'in', ids)
          .where('parcel_id', 'is', null)
          .execute();
    },
    async upsertTracking(entries) {
      let written = 0;
      const updates: ParcelTrackingRow[] = [];
      const inserts: ParcelTrackingRow[] = [];
      // `version` in the parameter is the version read (the row's own is that one unless the caller says otherwise).
      for (const { row, base } of entries) {
        if (base === null) inserts.push(row);
        else updates.push(row.version === base.version ? row : { ...row, version: base.version });
      }
      const set = TRACKING_COLUMNS.filter((c) => c !== 'parcel_id')
        .map((c) => `${c} = v.${c}`)
        .join(', ');
      for (let i = 0; i < updates.length; i += PG_CHUNK) {
        const result = await sql`UPDATE parcel_tracking AS t SET ${sql.raw(set)}, version = t.version + 1
          FROM ${recordset(updates.slice(i, i + PG_CHUNK), TRACKING_RECORD_WITH_VERSION)}
          WHERE t.parcel_id = v.parcel_id AND t.version = v.version`.execute(trx);
        written += Number(result.numAffectedRows ?? 0);
      }
      for (let i = 0; i < inserts.length; i += PG_CHUNK) {
        const result = await sql`INSERT INTO parcel_tracking (${sql.raw(TRACKING_COLUMNS.join(', '))})
          SELECT ${sql.raw(TRACKING_COLUMNS.map((c) => `v.${c}`).join(', '))} FROM ${recordset(inserts.slice(i, i + PG_CHUNK), TRACKING_RECORD)}
          ON CONFLICT (parcel_id) DO NOTHING`.execute(trx);
        written += Number(result.numAffectedRows ?? 0);
      }
      return written;
    },
    async updateParcels(rows) {
      let updated = 0;
      for (let i = 0; i < rows.length; i += PG_CHUNK) {
        const result =
          await sql`UPDATE parcels AS p SET status = v.status, first_scan_at = v.first_scan_at, handed_over_at = v.handed_over_at, delivered_at = v.delivered_at, updated_at = v.updated_at
          FROM ${recordset(rows.slice(i, i + PG_CHUNK), PARCEL_UPDATE_RECORD)}
          WHERE p.id = v.id AND p.status = v.expected_status AND p.first_scan_at IS NOT DISTINCT FROM v.expected_first_scan_at`.execute(
            trx,
          );
        updated += Number(result.numAffectedRows ?? 0);
      }
      return updated;
    },
    async updateOrders(rows) {
      let updated = 0;
      for (let i = 0; i < rows.length; i += PG_CHUNK) {
        const result =
          await sql`UPDATE orders AS o SET status = v.status, first_scan_at = v.first_scan_at, delivered_at = v.delivered_at, updated_at = v.updated_at, version = o.version + 1
          FROM ${recordset(rows.slice(i, i + PG_CHUNK), ORDER_UPDATE_RECORD)}
          WHERE o.id = v.id AND o.version = v.version`.execute(trx);
        updated += Number(result.numAffectedRows ?? 0);
      }
      return updated;
    },
    async appendOrderEvents(rows) {
      for (let i = 0; i < rows.length; i += PG_CHUNK) {
        await sql`INSERT INTO order_events (order_id, parcel_id, at, actor, kind, action, from_state, to_state, reason, data)
          SELECT v.order_id, v.parcel_id, v.at, v.actor, v.kind, v.action, v.from_state, v.to_state, v.reason, v.data
          FROM ${recordset(rows.slice(i, i + PG_CHUNK), ORDER_EVENT_RECORD)}`.execute(trx);
      }
    },
    async parcelsOfOrders(orderIds) {
      if (orderIds.length === 0) return [];
      const all: SiblingParcel[] = [];
      for (let i = 0; i < orderIds.length; i += 5000) {
        const result =
          await sql<SiblingParcel>`SELECT id, order_id, status, delivered_at FROM parcels WHERE order_id = ANY(${orderIds.slice(i, i + 5000)}::bigint[])`.execute(
            trx,
          );
        all.push(...result.rows);
      }
      return all;
    },
  };
}
