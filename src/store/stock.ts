/**
 * Stock persistence: stock levels and their ledger, reservations, shortfalls and alerts (purchase orders are
 * purchase-orders.ts). Every function takes the transaction it runs in (only the app layer opens them).
 *
 * Locking (PostgreSQL): a writer locks the order rows it settles first (by id), then every stock row it will
 * touch in ONE statement ordered by (warehouse_id, sku), so two writers never wait on each other in a cycle.
 * The locks are FOR NO KEY UPDATE, what an UPDATE of non-key columns takes anyway: FOR UPDATE would also block
 * the FOR KEY SHARE that inserting a reservation (its foreign key) takes on the row, and deadlock.
 * The stock update itself is conditional (`on_hand - reserved >= n`) and the table has a CHECK, so even a
 * writer that got this wrong could not oversell. SQLite has one writer at a time and needs none of it.
 *
 * The catalogue is in stock-catalogue.ts and the settle's reads in stock-settle-reads.ts (both re-exported here, so
 * `import * as stock` names them all); this file holds the writes: order states, stock levels, reservations,
 * shortfalls, the ledger and alerts.
 */
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from './schema';
import type { StockReservationRow } from './schema-stock';
import type { NewMovementRow } from '../core/stock-settle-plan';
import { chunks, IN_CHUNK, ROW_CHUNK } from './statement-chunks';

export * from './stock-catalogue';
export * from './stock-settle-reads';

export type Executor = Kysely<Database> | Transaction<Database>;
export type LockMode = 'wait' | 'skip' | 'none';

// ---------------------------------------------------------------------------------------------------------
// Orders' stock states

export async function setOrdersStatus(
  db: Executor,
  ids: readonly number[],
  from: string,
  to: string,
  now: number,
): Promise<number> {
  let updated = 0;
  for (const part of chunks(ids, IN_CHUNK)) {
    const result = await db
      .updateTable('orders')
      .set((eb) => ({ status: to, updated_at: now, version: eb('version', '+', 1) }))
      .where('id', 'in', part)
      .where('status', '=', from)
      .executeTakeFirst();
    updated += Number(result.numUpdatedRows);
  }
  return updated;
}

// ---------------------------------------------------------------------------------------------------------
// Stock levels

/** Creates the stock rows that do not exist yet (0 on hand), so they can be locked and changed like the rest. */
export async function ensureStockLevels(
  db: Executor,
  keys: ReadonlyArray<{ warehouse_id: string; sku: string }>,
  now: number,
): Promise<void> {
  for (const part of chunks(keys, ROW_CHUNK)) {
    await db
      .insertInto('stock_levels')
      .values(
        part.map((k) => ({
          warehouse_id: k.warehouse_id,
          sku: k.sku,
          on_hand: 0,
          reserved: 0,
          low_stock_threshold: 0,
          updated_at: now,
        })),
      )
      .onConflict((oc) => oc.columns(['warehouse_id', 'sku']).doNothing())
      .execute();
  }
}

export interface StockDelta {
  warehouse_id: string;
  sku: string;
  on_hand: number;
  reserved: number;
  /** Set the threshold too (stock import), else keep it. */
  low_stock_threshold?: number;
}

/**
 * Applies net changes per stock row in one statement, each only if it keeps on_hand ≥ reserved ≥ 0:
 * for a reservation (on_hand +0, reserved +n) the condition is exactly `on_hand - reserved >= n`.
 * Returns the rows as they are after the change; a row missing from the answer was refused.
 */
export async function applyStockDeltas(db: Executor, deltas: readonly StockDelta[], now: number) {
  const changed: Array<{
    warehouse_id: string;
    sku: string;
    on_hand: number;
    reserved: number;
    low_stock_threshold: number;
  }> = [];
  for (const part of chunks(deltas, ROW_CHUNK)) {
    const values = sql.join(
      part.map(
        (d) =>
          sql`(CAST(${d.warehouse_id} AS text), CAST(${d.sku} AS text), CAST(${d.on_hand} AS integer), CAST(${d.reserved} AS integer), CAST(${d.low_stock_threshold ?? -1} AS integer))`,
      ),
    );
    const result = await sql<{
      warehouse_id: string;
      sku: string;
      on_hand: number;
      reserved: number;
      low_stock_threshold: number;
    }>`
      WITH v(warehouse_id, sku, d_on, d_res, threshold) AS (VALUES ${values})
      UPDATE stock_levels
         SET on_hand = stock_levels.on_hand + v.d_on,
             reserved = stock_levels.reserved + v.d_res,
             low_stock_threshold = CASE WHEN v.threshold >= 0 THEN v.threshold ELSE stock_levels.low_stock_threshold END,
             updated_at = ${now}
        FROM v
       WHERE stock_levels.warehouse_id = v.warehouse_id AND stock_levels.sku = v.sku
         AND stock_levels.on_hand - stock_levels.reserved >= v.d_res - v.d_on
         AND stock_levels.reserved + v.d_res >= 0
      RETURNING stock_levels.warehouse_id, stock_levels.sku, stock_levels.on_hand, stock_levels.reserved, stock_levels.low_stock_threshold`.execute(
      db,
    );
    changed.push(...result.rows);
  }
  return changed;
}

// ---------------------------------------------------------------------------------------------------------
// Reservations, shortfalls, ledger, alerts

export type NewReservation = Omit<StockReservationRow, 'id'>;

export async function insertReservations(db: Executor, rows: readonly NewReservation[]): Promise<void> {
  for (const part of chunks(rows, ROW_CHUNK)) await db.insertInto('stock_reservations').values(part).execute();
}

export async function deleteReservations(db: Executor, ids: readonly number[]): Promise<void> {
  for (const part of chunks(ids, IN_CHUNK)) await db.deleteFrom('stock_reservations').where('id', 'in', part).execute();
}

export async function setReservationQuantity(db: Executor, id: number, quantity: number): Promise<void> {
  await db.updateTable('stock_reservations').set({ quantity }).where('id', '=', id).execute();
}

export async function deleteShortfalls(db: Executor, orderIds: readonly number[]): Promise<void> {
  for (const part of chunks(orderIds, IN_CHUNK))
    await db.deleteFrom('stock_shortfalls').where('order_id', 'in', part).execute();
}

export async function insertShortfalls(
  db: Executor,
  rows: ReadonlyArray<{
    order_id: number;
    sku: string;
    warehouse_id: string | null;
    needed: number;
    missing: number;
    recorded_at: number;
  }>,
): Promise<void> {
  for (const part of chunks(rows, ROW_CHUNK)) await db.insertInto('stock_shortfalls').values(part).execute();
}

/** A ledger row to write: the stock settle plans them (core/stock-settle-plan.ts). */
export type NewMovement = NewMovementRow;

export async function insertMovements(db: Executor, rows: readonly NewMovement[]): Promise<void> {
  for (const part of chunks(rows, ROW_CHUNK)) await db.insertInto('stock_movements').values(part).execute();
}

export async function insertAlerts(
  db: Executor,
  rows: ReadonlyArray<{
    at: number;
    kind: string;
    warehouse_id: string;
    sku: string;
    available: number;
    threshold: number;
    data: string | null;
  }>,
): Promise<void> {
  for (const part of chunks(rows, ROW_CHUNK))
    await db
      .insertInto('stock_alerts')
      .values(part.map((r) => ({ ...r, notified_at: null })))
      .execute();
}

export async function pendingAlerts(db: Executor, limit: number, lock: LockMode) {
  let query = db.selectFrom('stock_alerts').selectAll().where('notified_at', 'is', null).orderBy('id').limit(limit);
  if (lock === 'skip') query = query.forNoKeyUpdate().skipLocked();
  return query.execute();
}

export async function markAlertsNotified(db: Executor, ids: readonly number[], now: number): Promise<void> {
  for (const part of chunks(ids, IN_CHUNK))
    await db.updateTable('stock_alerts').set({ notified_at: now }).where('id', 'in', part).execute();
}
