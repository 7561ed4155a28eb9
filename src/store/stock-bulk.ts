/**
 * The write of one settlement (app/stock-reservations.ts), done while the stock rows are locked, so its cost is
 * the time every other writer of those rows waits.
 *
 *  - PostgreSQL: ONE statement — the inserts of reservations, ledger rows and order events and the order state
 *    changes as data-modifying CTEs around the conditional stock UPDATE — so the rows are held for one round
 *    trip and the commit. (Deletions and shortfalls, rare, go first as statements of their own: a CTE cannot
 *    see rows another CTE of the same statement deletes.)
 *  - SQLite: cached prepared statements on the raw better-sqlite3 handle, inside the caller's transaction;
 *    building and preparing a fresh multi-row statement per batch cost more than the writes (as in order-bulk.ts).
 */
import type BetterSqlite3 from 'better-sqlite3';
import { preparedStatements } from './sqlite-statements';
import { sql, type RawBuilder } from 'kysely';
import type { Store } from './database';
import { orderBulkWriter } from './order-bulk';
import type { NewOrderEventRow } from './schema';
import * as stock from './stock';
import type { Executor } from './stock';

export interface NewShortfall {
  order_id: number;
  sku: string;
  warehouse_id: string | null;
  needed: number;
  missing: number;
  recorded_at: number;
}

export interface SettlementWrite {
  now: number;
  deleteReservations: number[];
  partlyConsumed: Array<{ id: number; quantity: number }>;
  reservations: stock.NewReservation[];
  movements: stock.NewMovement[];
  events: NewOrderEventRow[];
  clearShortfalls: number[];
  shortfalls: NewShortfall[];
  transitions: Array<{ from: string; to: string; ids: number[] }>;
  /** Net change per stock row, applied only where it keeps on_hand ≥ reserved ≥ 0. */
  deltas: stock.StockDelta[];
}

export interface SettlementResult {
  /** The stock rows as they are after the change; one missing was refused by the condition. */
  written: Array<{ warehouse_id: string; sku: string; on_hand: number; reserved: number; low_stock_threshold: number }>;
  /** Orders moved per transition, in the order given. */
  moved: number[];
}

// One statement must stay under PostgreSQL's 65535 bound parameters; a larger settlement is written in parts.
const MAX_PARAMETERS = 60_000;

const RESERVATION_COLUMNS = ['order_id', 'order_line_id', 'warehouse_id', 'sku', 'quantity', 'created_at'] as const;
const MOVEMENT_COLUMNS = [
  'at',
  'warehouse_id',
  'sku',
  'kind',
  'on_hand_delta',
  'reserved_delta',
  'reason',
  'order_id',
  'purchase_order_id',
  'actor',
  'note',
] as const;
const EVENT_COLUMNS = [
  'order_id',
  'parcel_id',
  'at',
  'actor',
  'kind',
  'action',
  'from_state',
  'to_state',
  'reason',
  'data',
] as const;

export async function writeSettlement(store: Store, trx: Executor, w: SettlementWrite): Promise<SettlementResult> {
  if (store.dialect === 'sqlite' && store.sqlite) return writeSqlite(store, trx, w);
  await stock.deleteReservations(trx, w.deleteReservations);
  for (const p of w.partlyConsumed) await stock.setReservationQuantity(trx, p.id, p.quantity);
  await stock.deleteShortfalls(trx, w.clearShortfalls);
  await stock.insertShortfalls(trx, w.shortfalls);
  if (!w.reservations.length && !w.movements.length && !w.events.length && !w.transitions.length && !w.deltas.length)
    return { written: [], moved: [] };
  const parameters =
    w.reservations.length * 6 +
    w.movements.length * 11 +
    w.events.length * 10 +
    w.deltas.length * 5 +
    w.transitions.reduce((n, t) => n + t.ids.length + 3, 0);
  if (parameters > MAX_PARAMETERS) return writeInParts(trx, w);
  return writePostgresStatement(trx, w);
}

function rows<T extends object>(items: readonly T[], columns: readonly (keyof T & string)[]): RawBuilder<unknown> {
  return sql.join(items.map((item) => sql`(${sql.join(columns.map((c) => sql`${(item[c] as unknown) ?? null}`))})`));
}

async function writePostgresStatement(trx: Executor, w: SettlementWrite): Promise<SettlementResult> {
  const ctes: RawBuilder<unknown>[] = [];
  if (w.reservations.length) {
    ctes.push(
      sql`ins_reservations AS (INSERT INTO stock_reservations (${sql.raw(RESERVATION_COLUMNS.join(', '))}) VALUES ${rows(w.reservations, RESERVATION_COLUMNS)})`,
    );
  }
  if (w.movements.length) {
    ctes.push(
      sql`ins_movements AS (INSERT INTO stock_movements (${sql.raw(MOVEMENT_COLUMNS.join(', '))}) VALUES ${rows(w.movements, MOVEMENT_COLUMNS)})`,
    );
  }
  if (w.events.length) {
    ctes.push(
      sql`ins_events AS (INSERT INTO order_events (${sql.raw(EVENT_COLUMNS.join(', '))}) VALUES ${rows(w.events, EVENT_COLUMNS)})`,
    );
  }
  w.transitions.forEach((t, i) => {
    ctes.push(
      sql`${sql.raw(`moved_${i}`)} AS (UPDATE orders SET status = ${t.to}, updated_at = ${w.now}, version = version + 1 WHERE id IN (${sql.join(t.ids)}) AND status = ${t.from} RETURNING id)`,
    );
  });
  // The stock rows last: every other part of the statement runs whatever this one does; the caller rolls the
  // transaction back when a row is missing from the answer.
  const values = w.deltas.length
    ? sql.join(
        w.deltas.map(
          (d) =>
            sql`(CAST(${d.warehouse_id} AS text), CAST(${d.sku} AS text), CAST(${d.on_hand} AS integer), CAST(${d.reserved} AS integer), CAST(${d.low_stock_threshold ?? -1} AS integer))`,
        ),
      )
    : sql`(CAST(NULL AS text), CAST(NULL AS text), 0, 0, -1)`;
  ctes.push(sql`v(warehouse_id, sku, d_on, d_res, threshold) AS (VALUES ${values})`);
  ctes.push(sql`changed AS (
    UPDATE stock_levels
       SET on_hand = stock_levels.on_hand + v.d_on,
           reserved = stock_levels.reserved + v.d_res,
           low_stock_threshold = CASE WHEN v.threshold >= 0 THEN v.threshold ELSE stock_levels.low_stock_threshold END,
           updated_at = ${w.now}
      FROM v
     WHERE stock_levels.warehouse_id = v.warehouse_id AND stock_levels.sku = v.sku
       AND stock_levels.on_hand - stock_levels.reserved >= v.d_res - v.d_on
       AND stock_levels.reserved + v.d_res >= 0
    RETURNING stock_levels.warehouse_id, stock_levels.sku, stock_levels.on_hand, stock_levels.reserved, stock_levels.low_stock_threshold)`);
  const counts = w.transitions.map(
    (_, i) =>
      sql`SELECT CAST(${`moved_${i}`} AS text), NULL, CAST(count(*) AS integer), 0, 0 FROM ${sql.raw(`moved_${i}`)}`,
  );
  const result = await sql<{
    warehouse_id: string;
    sku: string | null;
    on_hand: number;
    reserved: number;
    low_stock_threshold: number;
  }>`
    WITH ${sql.join(ctes)}
    SELECT warehouse_id, sku, on_hand, reserved, low_stock_threshold FROM changed
    ${counts.length ? sql`UNION ALL ${sql.join(counts, sql` UNION ALL `)}` : sql``}`.execute(trx);
  const written = result.rows.filter((r) => r.sku !== null) as SettlementResult['written'];
  const moved = w.transitions.map(
    (_, i) => result.rows.find((r) => r.sku === null && r.warehouse_id === `moved_${i}`)?.on_hand ?? 0,
  );
  return { written, moved };
}

/** A settlement too large for one statement (a very large batch): the same writes, one statement each. */
async function writeInParts(trx: Executor, w: SettlementWrite): Promise<SettlementResult> {
  await stock.insertReservations(trx, w.reservations);
  await stock.insertMovements(trx, w.movements);
  for (let i = 0; i < w.events.length; i += 2000)
    await trx
      .insertInto('order_events')
      .values(w.events.slice(i, i + 2000))
      .execute();
  const moved = [];
  for (const t of w.transitions) moved.push(await stock.setOrdersStatus(trx, t.ids, t.from, t.to, w.now));
  return { written: await stock.applyStockDeltas(trx, w.deltas, w.now), moved };
}

interface SqliteStatements {
  deleteReservation: BetterSqlite3.Statement;
  setReservationQuantity: BetterSqlite3.Statement;
  deleteShortfalls: BetterSqlite3.Statement;
  insertShortfall: BetterSqlite3.Statement;
  insertReservation: BetterSqlite3.Statement;
  insertMovement: BetterSqlite3.Statement;
  moveOrder: BetterSqlite3.Statement;
  applyDelta: BetterSqlite3.Statement;
}

const sqliteStatements = preparedStatements(
  (db): SqliteStatements => ({
    deleteReservation: db.prepare('DELETE FROM stock_reservations WHERE id = ?'),
    setReservationQuantity: db.prepare('UPDATE stock_reservations SET quantity = ? WHERE id = ?'),
    deleteShortfalls: db.prepare('DELETE FROM stock_shortfalls WHERE order_id = ?'),
    insertShortfall: db.prepare(
      'INSERT INTO stock_shortfalls (order_id, sku, warehouse_id, needed, missing, recorded_at) VALUES (?, ?, ?, ?, ?, ?)',
    ),
    insertReservation: db.prepare(
      `INSERT INTO stock_reservations (${RESERVATION_COLUMNS.join(', ')}) VALUES (${RESERVATION_COLUMNS.map(() => '?').join(', ')})`,
    ),
    insertMovement: db.prepare(
      `INSERT INTO stock_movements (${MOVEMENT_COLUMNS.join(', ')}) VALUES (${MOVEMENT_COLUMNS.map(() => '?').join(', ')})`,
    ),
    // By primary key, with the state it must still be in (an IN list here lets SQLite pick the status index).
    moveOrder: db.prepare(
      'UPDATE orders SET status = ?, updated_at = ?, version = version + 1 WHERE id = ? AND status = ?',
    ),
    applyDelta: db.prepare(`UPDATE stock_levels
      SET on_hand = on_hand + ?, reserved = reserved + ?,
          low_stock_threshold = CASE WHEN ? >= 0 THEN ? ELSE low_stock_threshold END, updated_at = ?
    WHERE warehouse_id = ? AND sku = ? AND on_hand - reserved >= ? AND reserved + ? >= 0
    RETURNING warehouse_id, sku, on_hand, reserved, low_stock_threshold`),
  }),
);

async function writeSqlite(store: Store, trx: Executor, w: SettlementWrite): Promise<SettlementResult> {
  const s = sqliteStatements(store.sqlite!);
  for (const id of w.deleteReservations) s.deleteReservation.run(id);
  for (const p of w.partlyConsumed) s.setReservationQuantity.run(p.quantity, p.id);
  for (const id of w.clearShortfalls) s.deleteShortfalls.run(id);
  for (const f of w.shortfalls)
    s.insertShortfall.run(f.order_id, f.sku, f.warehouse_id, f.needed, f.missing, f.recorded_at);
  for (const r of w.reservations)
    s.insertReservation.run(r.order_id, r.order_line_id, r.warehouse_id, r.sku, r.quantity, r.created_at);
  for (const m of w.movements)
    s.insertMovement.run(
      m.at,
      m.warehouse_id,
      m.sku,
      m.kind,
      m.on_hand_delta,
      m.reserved_delta,
      m.reason,
      m.order_id,
      m.purchase_order_id,
      m.actor,
      m.note,
    );
  await orderBulkWriter(store, trx).appendEvents(w.events);
  const moved = w.transitions.map((t) =>
    t.ids.reduce((n, id) => n + s.moveOrder.run(t.to, w.now, id, t.from).changes, 0),
  );
  const written: SettlementResult['written'] = [];
  for (const d of w.deltas) {
    const threshold = d.low_stock_threshold ?? -1;
    const row = s.applyDelta.get(
      d.on_hand,
      d.reserved,
      threshold,
      threshold,
      w.now,
      d.warehouse_id,
      d.sku,
      d.reserved - d.on_hand,
      d.reserved,
    );
    if (row) written.push(row as SettlementResult['written'][number]);
  }
  return { written, moved };
}

/**
 * The reads of a settlement. On SQLite, cached statements whose lists travel as one JSON parameter
 * (json_each), so a batch of any size reuses one prepared statement; on PostgreSQL, the Kysely queries.
 */
export interface SettlementReader {
  settlingOrders(ids: readonly number[], lock: stock.LockMode): Promise<stock.SettlingOrder[]>;
  reservationsOfOrders(ids: readonly number[]): Promise<Awaited<ReturnType<typeof stock.reservationsOfOrders>>>;
  shortfallsOfOrders(ids: readonly number[]): Promise<Awaited<ReturnType<typeof stock.shortfallsOfOrders>>>;
  demandLines(ids: readonly number[]): Promise<stock.DemandLineRow[]>;
  levelsWithWarehouses(skus: readonly string[], lock: stock.LockMode): Promise<stock.LevelWithWarehouse[]>;
}

interface SqliteReads {
  orders: BetterSqlite3.Statement;
  reservations: BetterSqlite3.Statement;
  shortfalls: BetterSqlite3.Statement;
  demand: BetterSqlite3.Statement;
  levels: BetterSqlite3.Statement;
}

const sqliteReads = preparedStatements((db): SqliteReads => {
  const list = '(SELECT value FROM json_each(?))';
  return {
    orders: db.prepare(`SELECT o.id, o.shop_id, o.platform_order_id, o.status, o.ship_by_at, o.buyer_country,
        (SELECT count(*) FROM stock_reservations r WHERE r.order_id = o.id) AS held,
        (SELECT count(*) FROM stock_shortfalls f WHERE f.order_id = o.id) AS short
      FROM orders o WHERE o.id IN ${list} ORDER BY o.id`),
    reservations: db.prepare(`SELECT * FROM stock_reservations WHERE order_id IN ${list}`),
    shortfalls: db.prepare(`SELECT * FROM stock_shortfalls WHERE order_id IN ${list}`),
    demand: db.prepare(`SELECT l.id, l.order_id, l.sku, l.quantity, m.sku AS mapped_sku, m.units, s.sku AS own_sku
      FROM order_lines l JOIN orders o ON o.id = l.order_id
      LEFT JOIN sku_mappings m ON m.shop_id = o.shop_id AND m.platform_sku = l.sku
      LEFT JOIN skus s ON s.sku = l.sku
      WHERE l.order_id IN ${list} ORDER BY l.order_id, l.line_no`),
    levels: db.prepare(`SELECT l.*, w.name, w.kind, w.country, w.time_zone, w.cutoff_time, w.account_id
      FROM stock_levels l JOIN warehouses w ON w.id = l.warehouse_id
      WHERE l.sku IN ${list} ORDER BY l.warehouse_id, l.sku`),
  };
});

export function settlementReader(store: Store, trx: Executor): SettlementReader {
  if (store.dialect !== 'sqlite' || !store.sqlite) {
    return {
      settlingOrders: (ids, lock) => stock.lockSettlingOrders(trx, ids, lock),
      reservationsOfOrders: (ids) => stock.reservationsOfOrders(trx, ids),
      shortfallsOfOrders: (ids) => stock.shortfallsOfOrders(trx, ids),
      demandLines: (ids) => stock.demandLines(trx, ids),
      levelsWithWarehouses: (skus, lock) => stock.lockLevelsWithWarehouses(trx, skus, lock),
    };
  }
  // One writer at a time: SQLite needs no row locks, so `lock` is moot here.
  const s = sqliteReads(store.sqlite);
  const json = (items: readonly unknown[]) => JSON.stringify([...new Set(items)]);
  return {
    settlingOrders: async (ids) => (ids.length ? (s.orders.all(json(ids)) as stock.SettlingOrder[]) : []),
    reservationsOfOrders: async (ids) =>
      ids.length ? (s.reservations.all(json(ids)) as Awaited<ReturnType<typeof stock.reservationsOfOrders>>) : [],
    shortfallsOfOrders: async (ids) =>
      ids.length ? (s.shortfalls.all(json(ids)) as Awaited<ReturnType<typeof stock.shortfallsOfOrders>>) : [],
    demandLines: async (ids) => (ids.length ? (s.demand.all(json(ids)) as stock.DemandLineRow[]) : []),
    levelsWithWarehouses: async (skus) => (skus.length ? (s.levels.all(json(skus)) as stock.LevelWithWarehouse[]) : []),
  };
}
