/**
 * Planner persistence (migration 0008): warehouse staffing, the seller's work estimates, measured packing
 * sessions, which warehouse each order is served from, when goods for waiting orders arrive, and the stored plan.
 */
import type { Kysely, Transaction } from 'kysely';
import type { Database } from './schema';
import type { StoredPlanRow, WarehouseStaffingRow, WorkEstimateRow } from './schema-planning';

type Executor = Kysely<Database> | Transaction<Database>;

const IN_CHUNK = 5000;

async function inChunks<T>(ids: readonly number[], run: (chunk: number[]) => Promise<T[]>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < ids.length; i += IN_CHUNK) out.push(...(await run(ids.slice(i, i + IN_CHUNK))));
  return out;
}

export async function getWarehouse(db: Executor, id: string) {
  return db.selectFrom('warehouses').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function getStaffing(db: Executor, warehouseId: string): Promise<WarehouseStaffingRow | undefined> {
  return db.selectFrom('warehouse_staffing').selectAll().where('warehouse_id', '=', warehouseId).executeTakeFirst();
}

export async function listStaffing(db: Executor): Promise<WarehouseStaffingRow[]> {
  return db.selectFrom('warehouse_staffing').selectAll().orderBy('warehouse_id').execute();
}

export async function upsertStaffing(db: Executor, row: WarehouseStaffingRow): Promise<void> {
  const { warehouse_id: _key, ...changes } = row;
  await db
    .insertInto('warehouse_staffing')
    .values(row)
    .onConflict((oc) => oc.column('warehouse_id').doUpdateSet(changes))
    .execute();
}

export async function listEstimates(db: Executor): Promise<WorkEstimateRow[]> {
  return db.selectFrom('work_estimates').selectAll().orderBy('scope').orderBy('scope_id').execute();
}

export async function upsertEstimate(db: Executor, row: WorkEstimateRow): Promise<void> {
  const { scope: _s, scope_id: _id, ...changes } = row;
  await db
    .insertInto('work_estimates')
    .values(row)
    .onConflict((oc) => oc.columns(['scope', 'scope_id']).doUpdateSet(changes))
    .execute();
}

/** Finished packing sessions since `since` (newest first, at most `limit`), with the size of their order. */
export async function finishedPackSessions(
  db: Executor,
  options: { shopIds?: readonly string[]; since: number; limit: number },
) {
  let query = db
    .selectFrom('pack_sessions')
    .select([
      'pack_sessions.id',
      'pack_sessions.shop_id',
      'pack_sessions.order_id',
      'pack_sessions.started_at',
      'pack_sessions.finished_at',
    ])
    .where('pack_sessions.status', '=', 'done')
    .where('pack_sessions.finished_at', '>=', options.since);
  if (options.shopIds?.length) query = query.where('pack_sessions.shop_id', 'in', [...options.shopIds]);
  const sessions = await query.orderBy('pack_sessions.finished_at', 'desc').limit(options.limit).execute();
  const sizes = await lineTotals(db, [...new Set(sessions.map((s) => s.order_id))]);
  return sessions.map((s) => ({
    shopId: s.shop_id,
    orderId: s.order_id,
    startedAt: Number(s.started_at),
    finishedAt: Number(s.finished_at),
    lines: sizes.get(s.order_id)?.lines ?? 0,
    units: sizes.get(s.order_id)?.units ?? 0,
  }));
}

/** Lines and units of each order. */
async function lineTotals(
  db: Executor,
  orderIds: readonly number[],
): Promise<Map<number, { lines: number; units: number }>> {
  const rows = await inChunks(orderIds, (chunk) =>
    db
      .selectFrom('order_lines')
      .select([
        'order_id',
        (eb) => eb.fn.countAll<number>().as('lines'),
        (eb) => eb.fn.sum<number>('quantity').as('units'),
      ])
      .where('order_id', 'in', chunk)
      .groupBy('order_id')
      .execute(),
  );
  return new Map(rows.map((r) => [r.order_id, { lines: Number(r.lines), units: Number(r.units) }]));
}

/** Units reserved per order and warehouse. */
export async function reservedUnitsByWarehouse(db: Executor, orderIds: readonly number[]) {
  const rows = await inChunks(orderIds, (chunk) =>
    db
      .selectFrom('stock_reservations')
      .select(['order_id', 'warehouse_id', (eb) => eb.fn.sum<number>('quantity').as('units')])
      .where('order_id', 'in', chunk)
      .groupBy(['order_id', 'warehouse_id'])
      .execute(),
  );
  return rows.map((r) => ({ orderId: r.order_id, warehouseId: r.warehouse_id, units: Number(r.units) }));
}

/** What waiting orders miss, per SKU, at the warehouse they wait on. */
export async function shortfallsOf(db: Executor, orderIds: readonly number[]) {
  return inChunks(orderIds, (chunk) =>
    db
      .selectFrom('stock_shortfalls')
      .select(['order_id', 'sku', 'warehouse_id', 'missing'])
      .where('order_id', 'in', chunk)
      .execute(),
  );
}

export async function getStoredPlan(db: Executor, warehouseId: string): Promise<StoredPlanRow | undefined> {
  return db.selectFrom('stored_plans').selectAll().where('warehouse_id', '=', warehouseId).executeTakeFirst();
}

export async function listStoredPlans(db: Executor) {
  return db
    .selectFrom('stored_plans')
    .select([
      'warehouse_id',
      'fingerprint',
      'version',
      'method',
      'computed_at',
      'compute_ms',
      'job_count',
      'total_penalty',
    ])
    .orderBy('warehouse_id')
    .execute();
}

/**
 * Writes a recomputed plan over the one of `expectedVersion` (0: none stored yet). False when another process
 * stored a newer one meanwhile: its plan stands.
 */
export async function saveStoredPlan(db: Executor, row: StoredPlanRow, expectedVersion: number): Promise<boolean> {
  if (expectedVersion === 0) {
    const inserted = await db
      .insertInto('stored_plans')
      .values(row)
      .onConflict((oc) => oc.column('warehouse_id').doNothing())
      .executeTakeFirst();
    return Number(inserted.numInsertedOrUpdatedRows ?? 0) > 0;
  }
  const { warehouse_id: _key, ...changes } = row;
  const updated = await db
    .updateTable('stored_plans')
    .set(changes)
    .where('warehouse_id', '=', row.warehouse_id)
    .where('version', '=', expectedVersion)
    .executeTakeFirst();
  return Number(updated.numUpdatedRows) > 0;
}
