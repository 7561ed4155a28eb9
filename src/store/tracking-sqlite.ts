/**
 * The tracking bulk writer on SQLite (store/tracking.ts `trackingBulkWriter`): cached better-sqlite3 prepared
 * statements on the transaction's single connection, a parcel read as an array (raw mode), one row per statement.
 */
import type BetterSqlite3 from 'better-sqlite3';
import type { OrderBulkWriter } from './order-bulk';
import { preparedStatements } from './sqlite-statements';
import {
  CONTEXT_COLUMNS,
  EVENT_COLUMNS,
  PARCEL_SELECT,
  TRACKING_COLUMNS,
  type ParcelContext,
  type SiblingParcel,
  type TrackingBulkWriter,
} from './tracking-bulk';

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

export interface SqliteStatements {
  findParcel: BetterSqlite3.Statement;
  insertEvent: BetterSqlite3.Statement;
  matchEvent: BetterSqlite3.Statement;
  insertTracking: BetterSqlite3.Statement;
  updateTracking: BetterSqlite3.Statement;
  updateParcel: BetterSqlite3.Statement;
  updateOrder: BetterSqlite3.Statement;
  parcelsOfOrder: BetterSqlite3.Statement;
}
export const sqliteStatements = preparedStatements(
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

export function sqliteWriter(s: SqliteStatements, events: OrderBulkWriter): TrackingBulkWriter {
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
