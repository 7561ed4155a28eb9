/** Purchase orders: draft, placed, received or cancelled (core/purchase-order.ts), with their lines. */
import type { Executor } from './orders';
import type { LockMode } from './stock';

export async function insertPurchaseOrder(
  db: Executor,
  po: { warehouse_id: string; supplier: string; reference: string | null; expected_at: number | null },
  lines: ReadonlyArray<{ sku: string; quantity: number }>,
  now: number,
): Promise<number> {
  const row = await db
    .insertInto('purchase_orders')
    .values({
      ...po,
      status: 'draft',
      ordered_at: null,
      received_at: null,
      cancelled_at: null,
      version: 1,
      created_at: now,
      updated_at: now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db
    .insertInto('purchase_order_lines')
    .values(
      lines.map((l) => ({ purchase_order_id: row.id, sku: l.sku, quantity: l.quantity, received_quantity: null })),
    )
    .execute();
  return row.id;
}

export async function getPurchaseOrder(db: Executor, id: number, lock: LockMode = 'none') {
  let query = db.selectFrom('purchase_orders').selectAll().where('id', '=', id);
  if (lock === 'wait') query = query.forNoKeyUpdate();
  const po = await query.executeTakeFirst();
  if (!po) return undefined;
  const lines = await db
    .selectFrom('purchase_order_lines')
    .selectAll()
    .where('purchase_order_id', '=', id)
    .orderBy('sku')
    .execute();
  return { ...po, lines };
}

export async function updatePurchaseOrder(
  db: Executor,
  id: number,
  expectedVersion: number,
  changes: Partial<{ status: string; ordered_at: number; received_at: number; cancelled_at: number }>,
  now: number,
): Promise<boolean> {
  const result = await db
    .updateTable('purchase_orders')
    .set({ ...changes, updated_at: now, version: expectedVersion + 1 })
    .where('id', '=', id)
    .where('version', '=', expectedVersion)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function setReceivedQuantities(
  db: Executor,
  purchaseOrderId: number,
  received: ReadonlyArray<{ sku: string; quantity: number }>,
): Promise<void> {
  for (const r of received) {
    await db
      .updateTable('purchase_order_lines')
      .set({ received_quantity: r.quantity })
      .where('purchase_order_id', '=', purchaseOrderId)
      .where('sku', '=', r.sku)
      .execute();
  }
}

export async function listPurchaseOrders(
  db: Executor,
  filter: { status?: string; warehouseId?: string; warehouseIds?: readonly string[]; limit: number },
) {
  let query = db.selectFrom('purchase_orders').selectAll();
  if (filter.status) query = query.where('status', '=', filter.status);
  if (filter.warehouseId) query = query.where('warehouse_id', '=', filter.warehouseId);
  if (filter.warehouseIds)
    query = filter.warehouseIds.length
      ? query.where('warehouse_id', 'in', [...filter.warehouseIds])
      : query.where('id', '<', 0);
  const pos = await query.orderBy('id', 'desc').limit(filter.limit).execute();
  if (pos.length === 0) return [];
  const lines = await db
    .selectFrom('purchase_order_lines')
    .selectAll()
    .where(
      'purchase_order_id',
      'in',
      pos.map((p) => p.id),
    )
    .orderBy('sku')
    .execute();
  return pos.map((p) => ({ ...p, lines: lines.filter((l) => l.purchase_order_id === p.id) }));
}
