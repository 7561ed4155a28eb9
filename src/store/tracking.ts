/**
 * Tracking persistence. The ingestion write path is batched (like order-bulk.ts): on PostgreSQL multi-row statements
 * (events inserted with ON CONFLICT DO NOTHING RETURNING, updates as UPDATE … FROM (VALUES …)); on SQLite cached
 * better-sqlite3 prepared statements on the transaction's connection. Every function runs in the caller's transaction.
 */
import type BetterSqlite3 from 'better-sqlite3';
import { sql } from 'kysely';
import type { PlannedOrderUpdate, PlannedParcelUpdate } from '../core/tracking/plan-types';
import type { Store } from './database';
import { orderBulkWriter, type OrderBulkWriter } from './order-bulk';
import { recordset, type RecordColumns } from './pg-recordset';
import { preparedStatements } from './sqlite-statements';
import type { Executor } from './orders';
import type { NewOrderEventRow } from './schema';
import type { NewTrackingEventRow, ParcelTrackingRow } from './schema-tracking';

export const EVENT_COLUMNS = [
  'tracking_number',
  'carrier',
  'event_key',
  'provider',
  'parcel_id',
  'occurred_at',
  'status',
  'raw_status',
  'raw_substatus',
  'description',
  'location',
  'destination_country',
  'received_at',
] as const satisfies ReadonlyArray<keyof NewTrackingEventRow>;

const TRACKING_COLUMNS = [
  'parcel_id',
  'tracking_number',
  'provider',
  'status',
  'phase',
  'status_at',
  'status_rank',
  'status_key',
  'raw_status',
  'raw_substatus',
  'description',
  'location',
  'first_scan_at',
  'last_event_at',
  'delivered_at',
  'returned_at',
  'destination_country',
  'destination_key',
  'open_problems',
  'registered_at',
  'next_poll_at',
  'last_polled_at',
  'polls',
  'updated_at',
] as const satisfies ReadonlyArray<keyof ParcelTrackingRow>;

/** A parcel as the ingestion sees it: the parcel, what it needs of its order, and its tracking state (if any). */
export interface ParcelContext {
  parcel_id: number;
  order_id: number;
  shop_id: string;
  parcel_status: string;
  carrier: string | null;
  tracking_number: string;
  labelled_at: number | null;
  tracking_uploaded_at: number | null;
  parcel_first_scan_at: number | null;
  parcel_handed_over_at: number | null;
  parcel_delivered_at: number | null;
  order_status: string;
  paid_at: number;
  buyer_country: string;
  order_first_scan_at: number | null;
  order_delivered_at: number | null;
  order_version: number;
  tracking: ParcelTrackingRow | null;
}

/** A parcel's tracking write, and an order's first scan and delivery times, as the plan gives them. */
export type ParcelUpdate = PlannedParcelUpdate;
export type OrderTrackingUpdate = PlannedOrderUpdate;

export interface SiblingParcel {
  id: number;
  order_id: number;
  status: string;
  delivered_at: number | null;
}

/** An event to store, as the ingestion has it (written straight into the statement, no row object per event). */
export interface EventToStore {
  trackingNumber: string;
  carrier: string;
  event: {
    key: string;
    occurredAt: number;
    status: string;
    rawStatus: string | null;
    rawSubstatus: string | null;
    description: string | null;
    location: string | null;
    destinationCountry: string | null;
  };
}

export interface TrackingBulkWriter {
  /**
   * Call first in the batch's transaction. PostgreSQL: a batch is a few thousand keys against tables of millions, so
   * the plan must be index lookups (nested loops); the planner would otherwise hash-join whole tables, and each batch
   * would cost as much as the tables are big. `SET LOCAL` lasts until the transaction ends.
   */
  beginBatch(): Promise<void>;
  /** The latest parcel per number (locked on PostgreSQL until the transaction ends). */
  findParcels(numbers: string[]): Promise<Map<string, ParcelContext>>;
  /** Inserts events; for each, whether it was new (false: that event was already stored). */
  insertEvents(
    events: EventToStore[],
    parcelIds: Array<number | null>,
    provider: string,
    receivedAt: number,
  ): Promise<boolean[]>;
  /** Attaches stored, unmatched events to their parcel. */
  matchEvents(ids: number[], parcelId: number): Promise<void>;
  /** Inserts or replaces tracking rows; `existing`: parcels known to have one already (updated in place). */
  /**
   * Writes tracking states over the rows as read (`base`; null: there was none). Optimistic: returns how many were
   * written; fewer than given means another batch wrote one meanwhile, and the caller runs its batch again.
   */
  upsertTracking(rows: Array<{ row: ParcelTrackingRow; base: ParcelTrackingRow | null }>): Promise<number>;
  /** Returns how many were updated; fewer than given means a parcel changed meanwhile (optimistic lock). */
  updateParcels(rows: ParcelUpdate[]): Promise<number>;
  /** Returns how many were updated; fewer than given means an order changed meanwhile (optimistic lock). */
  updateOrders(rows: OrderTrackingUpdate[]): Promise<number>;
  /** The order timeline rows of the batch. */
  appendOrderEvents(rows: NewOrderEventRow[]): Promise<void>;
  /** Every parcel of these orders (a multi-parcel order is delivered when all are). */
  parcelsOfOrders(orderIds: number[]): Promise<SiblingParcel[]>;
}

const CONTEXT_COLUMNS = [
  'parcel_id',
  'order_id',
  'shop_id',
  'parcel_status',
  'carrier',
  'tracking_number',
  'labelled_at',
  'tracking_uploaded_at',
  'parcel_first_scan_at',
  'parcel_handed_over_at',
  'parcel_delivered_at',
  'order_status',
  'paid_at',
  'buyer_country',
  'order_first_scan_at',
  'order_delivered_at',
  'order_version',
] as const satisfies ReadonlyArray<keyof ParcelContext>;

const PARCEL_SELECT = `
  p.id AS parcel_id, p.order_id, p.shop_id, p.status AS parcel_status, p.carrier, p.tracking_number, p.labelled_at,
  p.tracking_uploaded_at, p.first_scan_at AS parcel_first_scan_at, p.handed_over_at AS parcel_handed_over_at,
  p.delivered_at AS parcel_delivered_at, o.status AS order_status, o.paid_at, o.buyer_country,
  o.first_scan_at AS order_first_scan_at, o.delivered_at AS order_delivered_at, o.version AS order_version,
  ${TRACKING_COLUMNS.map((c) => `t.${c} AS t_${c}`).join(', ')}, t.version AS t_version`;

/** The same row read as an array (better-sqlite3 raw mode): no object with 41 keys per parcel on the hot path. */
function contextOfArray(row: unknown[]): ParcelContext {
  const context = {} as Record<string, unknown>;
  for (let i = 0; i < CONTEXT_COLUMNS.length; i++) context[CONTEXT_COLUMNS[i]!] = row[i];
  const base = CONTEXT_COLUMNS.length;
  if (row[base] === null || row[base] === undefined) {
    context.tracking = null;
  } else {
    const tracking = {} as Record<string, unknown>;
    for (let i = 0; i < TRACKING_COLUMNS.length; i++) tracking[TRACKING_COLUMNS[i]!] = row[base + i];
    tracking.version = row[base + TRACKING_COLUMNS.length];
    context.tracking = tracking;
  }
  return context as unknown as ParcelContext;
}

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

interface SqliteStatements {
  findParcel: BetterSqlite3.Statement;
  insertEvent: BetterSqlite3.Statement;
  matchEvent: BetterSqlite3.Statement;
  insertTracking: BetterSqlite3.Statement;
  updateTracking: BetterSqlite3.Statement;
  updateParcel: BetterSqlite3.Statement;
  updateOrder: BetterSqlite3.Statement;
  parcelsOfOrder: BetterSqlite3.Statement;
}
const sqliteStatements = preparedStatements(
  (db): SqliteStatements => ({
    findParcel: db
      .prepare(
        `SELECT ${PARCEL_SELECT} FROM parcels p JOIN orders o ON o.id = p.order_id LEFT JOIN parcel_tracking t ON t.parcel_id = p.id
       WHERE p.tracking_number = ? ORDER BY p.id DESC LIMIT 1`,
      )
      .raw(true),
    insertEvent: db.prepare(
      `INSERT INTO tracking_events (${EVENT_COLUMNS.join(', ')}) VALUES (${EVENT_COLUMNS.map(() => '?').join(', ')}) ON CONFLICT DO NOTHING`,
    ),
    matchEvent: db.prepare('UPDATE tracking_events SET parcel_id = ? WHERE id = ? AND parcel_id IS NULL'),
    insertTracking: db.prepare(
      `INSERT INTO parcel_tracking (${TRACKING_COLUMNS.join(', ')}) VALUES (${TRACKING_COLUMNS.map(() => '?').join(', ')}) ON CONFLICT DO NOTHING`,
    ),
    updateTracking: db.prepare(
      `UPDATE parcel_tracking SET ${TRACKING_COLUMNS.filter((c) => c !== 'parcel_id')
        .map((c) => `${c} = ?`)
        .join(', ')}, version = version + 1 WHERE parcel_id = ? AND version = ?`,
    ),
    updateParcel: db.prepare(
      'UPDATE parcels SET status = ?, first_scan_at = ?, handed_over_at = ?, delivered_at = ?, updated_at = ? WHERE id = ? AND status = ? AND first_scan_at IS ?',
    ),
    updateOrder: db.prepare(
      'UPDATE orders SET status = ?, first_scan_at = ?, delivered_at = ?, updated_at = ?, version = version + 1 WHERE id = ? AND version = ?',
    ),
    parcelsOfOrder: db.prepare('SELECT id, order_id, status, delivered_at FROM parcels WHERE order_id = ?'),
  }),
);

/** `trx` must be a transaction of `store`; on SQLite the statements run on its single connection. */
export function trackingBulkWriter(store: Store, trx: Executor): TrackingBulkWriter {
  if (store.dialect === 'sqlite' && store.sqlite)
    return sqliteWriter(sqliteStatements(store.sqlite), orderBulkWriter(store, trx));
  return postgresWriter(trx);
}

function sqliteWriter(s: SqliteStatements, events: OrderBulkWriter): TrackingBulkWriter {
  const eventValues: unknown[] = new Array(EVENT_COLUMNS.length);
  const trackingValues: unknown[] = new Array(TRACKING_COLUMNS.length);
  const updateValues: unknown[] = new Array(TRACKING_COLUMNS.length + 1);
  return {
    async beginBatch() {},
    async findParcels(numbers) {
      const found = new Map<string, ParcelContext>();
      for (const number of numbers) {
        const row = s.findParcel.get(number) as unknown[] | undefined;
        if (row) found.set(number, contextOfArray(row));
      }
      return found;
    },
    async insertEvents(events, parcelIds, provider, receivedAt) {
      const fresh: boolean[] = new Array(events.length);
      for (let r = 0; r < events.length; r++) {
        const { trackingNumber, carrier, event } = events[r]!;
        // EVENT_COLUMNS order.
        eventValues[0] = trackingNumber;
        eventValues[1] = carrier;
        eventValues[2] = event.key;
        eventValues[3] = provider;
        eventValues[4] = parcelIds[r] ?? null;
        eventValues[5] = event.occurredAt;
        eventValues[6] = event.status;
        eventValues[7] = event.rawStatus;
        eventValues[8] = event.rawSubstatus;
        eventValues[9] = event.description;
        eventValues[10] = event.location;
        eventValues[11] = event.destinationCountry;
        eventValues[12] = receivedAt;
        fresh[r] = s.insertEvent.run(eventValues).changes === 1;
      }
      return fresh;
    },
    async matchEvents(ids, parcelId) {
      for (const id of ids) s.matchEvent.run(parcelId, id);
    },
    async upsertTracking(rows) {
      let written = 0;
      for (const { row, base } of rows) {
        if (base) {
          for (let i = 1; i < TRACKING_COLUMNS.length; i++) updateValues[i - 1] = row[TRACKING_COLUMNS[i]!];
          updateValues[TRACKING_COLUMNS.length - 1] = row.parcel_id;
          updateValues[TRACKING_COLUMNS.length] = base.version;
          written += s.updateTracking.run(updateValues).changes;
        } else {
          for (let i = 0; i < TRACKING_COLUMNS.length; i++) trackingValues[i] = row[TRACKING_COLUMNS[i]!];
          written += s.insertTracking.run(trackingValues).changes;
        }
      }
      return written;
    },
    async updateParcels(rows) {
      let updated = 0;
      for (const r of rows)
        updated += s.updateParcel.run(
          r.status,
          r.first_scan_at,
          r.handed_over_at,
          r.delivered_at,
          r.updated_at,
          r.id,
          r.expected_status,
          r.expected_first_scan_at,
        ).changes;
      return updated;
    },
    async updateOrders(rows) {
      let updated = 0;
      for (const r of rows)
        updated += s.updateOrder.run(r.status, r.first_scan_at, r.delivered_at, r.updated_at, r.id, r.version).changes;
      return updated;
    },
    appendOrderEvents: (rows) => events.appendEvents(rows),
    async parcelsOfOrders(orderIds) {
      const all: SiblingParcel[] = [];
      for (const id of orderIds) all.push(...(s.parcelsOfOrder.all(id) as SiblingParcel[]));
      return all;
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

function postgresWriter(trx: Executor): TrackingBulkWriter {
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

/** Held tracking uploads of these parcels become due (the carrier's first scan): one statement per batch. */
export async function releaseHeldUploadsOf(
  db: Executor,
  parcels: Array<{ parcelId: number; orderId: number }>,
  now: number,
) {
  if (parcels.length === 0) return [];
  const released: Array<{ id: number; parcel_id: number | null; order_id: number }> = [];
  for (let i = 0; i < parcels.length; i += 2000) {
    const chunk = parcels.slice(i, i + 2000);
    released.push(
      ...(await db
        .updateTable('outbox')
        .set({ status: 'pending', next_attempt_at: now, updated_at: now })
        // order_id first: the outbox is indexed by (order_id, kind).
        .where('order_id', 'in', [...new Set(chunk.map((p) => p.orderId))])
        .where('kind', '=', 'upload_tracking')
        .where('status', '=', 'held')
        .where(
          'parcel_id',
          'in',
          chunk.map((p) => p.parcelId),
        )
        .returning(['id', 'parcel_id', 'order_id'])
        .execute()),
    );
  }
  return released;
}
