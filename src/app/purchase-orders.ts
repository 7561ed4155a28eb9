/**
 * Purchase orders: drafted, placed, received or cancelled through their machine (core/purchase-order.ts). Receiving
 * adds the lines to stock and serves the orders waiting for them, earliest deadline first, in the same transaction.
 */
import { localized } from '../core/i18n';
import { fieldIssue, type ImportIssue } from '../core/order-input';
import {
  purchaseOrderMachine,
  purchaseOrderRefusal,
  type PurchaseOrderAction,
  type PurchaseOrderState,
} from '../core/purchase-order';
import { decide, isAction } from '../core/state-machine';
import * as purchaseOrders from '../store/purchase-orders';
import * as stock from '../store/stock';
import { inRetriedTransaction } from '../store/transaction-retry';
import type { AppContext } from './context';
import { ConflictError, NotFoundError, ValidationError } from './errors';
import { settleStockInTransaction, type SettleReport } from './stock-reservations';

export interface PurchaseOrderInput {
  warehouseId: string;
  supplier: string;
  reference?: string;
  expectedAt?: number;
  lines: Array<{ sku: string; quantity: number }>;
}

export async function createPurchaseOrder(ctx: AppContext, input: PurchaseOrderInput): Promise<number> {
  const issues: ImportIssue[] = [];
  if (!input.supplier.trim()) issues.push(fieldIssue('supplier', 'the supplier is required.', '必须填写供应商。'));
  if (input.lines.length === 0)
    issues.push(
      fieldIssue(
        'lines',
        'a purchase order needs at least one line (SKU=QUANTITY).',
        '采购单至少需要一行（SKU=数量）。',
      ),
    );
  const seen = new Set<string>();
  input.lines.forEach((l, i) => {
    if (!(Number.isInteger(l.quantity) && l.quantity >= 1 && l.quantity <= 10_000_000))
      issues.push({
        row: i + 1,
        field: 'quantity',
        message: localized(`${l.sku}: the quantity must be a whole number ≥ 1.`, `${l.sku}：数量须为 ≥ 1 的整数。`),
      });
    if (seen.has(l.sku))
      issues.push({ row: i + 1, field: 'sku', message: localized(`${l.sku} appears twice.`, `${l.sku} 出现了两次。`) });
    seen.add(l.sku);
  });
  const known = await stock.existingSkus(
    ctx.store.db,
    input.lines.map((l) => l.sku),
  );
  input.lines.forEach((l, i) => {
    if (!known.has(l.sku))
      issues.push({
        row: i + 1,
        field: 'sku',
        message: localized(`${l.sku} is not a seller SKU.`, `${l.sku} 不是卖家 SKU。`),
      });
  });
  if (!(await stock.listWarehouses(ctx.store.db)).some((w) => w.id === input.warehouseId)) {
    issues.push(
      fieldIssue('warehouse', `warehouse ${input.warehouseId} not found.`, `未找到仓库 ${input.warehouseId}。`),
    );
  }
  if (issues.length) throw new ValidationError(issues);
  return ctx.store.db.transaction().execute((trx) =>
    purchaseOrders.insertPurchaseOrder(
      trx,
      {
        warehouse_id: input.warehouseId,
        supplier: input.supplier.trim(),
        reference: input.reference?.trim() || null,
        expected_at: input.expectedAt ?? null,
      },
      input.lines,
      ctx.now(),
    ),
  );
}

export async function getPurchaseOrder(ctx: AppContext, id: number) {
  const po = await purchaseOrders.getPurchaseOrder(ctx.store.db, id);
  if (!po) throw new NotFoundError(localized(`purchase order ${id} not found.`, `未找到采购单 ${id}。`));
  return po;
}

export async function listPurchaseOrders(
  ctx: AppContext,
  filter: { status?: string; warehouseId?: string; warehouseIds?: readonly string[]; limit?: number } = {},
) {
  return purchaseOrders.listPurchaseOrders(ctx.store.db, { ...filter, limit: filter.limit ?? 100 });
}

/**
 * Moves a purchase order through its machine: place, cancel, or receive — which adds its lines to stock
 * (optionally other quantities than ordered) and serves the orders waiting for them, earliest deadline
 * first, in the same transaction.
 */
export async function purchaseOrderAction(
  ctx: AppContext,
  id: number,
  action: string,
  options: { actor: string; received?: Array<{ sku: string; quantity: number }> },
): Promise<{ status: PurchaseOrderState; report?: SettleReport }> {
  if (!isAction(purchaseOrderMachine, action)) {
    throw new ValidationError([
      fieldIssue(
        'action',
        `unknown action "${action}" (place, receive, cancel).`,
        `未知操作「${action}」（place、receive、cancel）。`,
      ),
    ]);
  }
  const act: PurchaseOrderAction = action;
  return inRetriedTransaction(ctx.store.db, async (trx) => {
    const now = ctx.now();
    const po = await purchaseOrders.getPurchaseOrder(trx, id, ctx.store.dialect === 'postgres' ? 'wait' : 'none');
    if (!po) throw new NotFoundError(localized(`purchase order ${id} not found.`, `未找到采购单 ${id}。`));
    const decision = decide(purchaseOrderMachine, po.status as PurchaseOrderState, act, {});
    if (!decision.ok) throw new ConflictError(decision.rule, purchaseOrderRefusal(decision, id), po.status);
    const stamp = { place: 'ordered_at', receive: 'received_at', cancel: 'cancelled_at' } as const;
    if (
      !(await purchaseOrders.updatePurchaseOrder(trx, id, po.version, { status: decision.to, [stamp[act]]: now }, now))
    ) {
      throw new ConflictError(
        'purchase_order.version',
        localized('the purchase order was changed by someone else; try again.', '采购单已被他人修改，请重试。'),
        po.status,
      );
    }
    if (act !== 'receive') return { status: decision.to };
    const received = po.lines.map((l) => ({
      sku: l.sku,
      quantity: options.received?.find((r) => r.sku === l.sku)?.quantity ?? l.quantity,
    }));
    const stray = options.received?.find((r) => !po.lines.some((l) => l.sku === r.sku));
    if (stray)
      throw new ValidationError([
        fieldIssue('sku', `${stray.sku} is not on purchase order ${id}.`, `${stray.sku} 不在采购单 ${id} 中。`),
      ]);
    if (received.some((r) => !(Number.isInteger(r.quantity) && r.quantity >= 0)))
      throw new ValidationError([
        fieldIssue('quantity', 'a received quantity must be a whole number ≥ 0.', '收货数量须为 ≥ 0 的整数。'),
      ]);
    await purchaseOrders.setReceivedQuantities(trx, id, received);
    const report = await settleStockInTransaction(
      ctx.store,
      trx,
      {
        changes: received
          .filter((r) => r.quantity > 0)
          .map((r) => ({
            warehouseId: po.warehouse_id,
            sku: r.sku,
            delta: r.quantity,
            kind: 'receive' as const,
            reason: null,
            note: `${po.supplier}${po.reference ? ' ' + po.reference : ''}`,
            purchaseOrderId: id,
          })),
      },
      { now, actor: options.actor },
    );
    return { status: decision.to, report };
  });
}
