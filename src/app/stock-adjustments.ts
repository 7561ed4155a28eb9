/**
 * Stock adjustments with a reason (counted, damaged, found), each in one transaction through the stock settle: one
 * that would leave less on hand than is reserved is refused, naming the orders that hold it.
 */
import { localized } from '../core/i18n';
import { checkAdjustment } from '../core/inventory';
import { fieldIssue } from '../core/order-input';
import * as stock from '../store/stock';
import * as stockReads from '../store/stock-reads';
import { inRetriedTransaction } from '../store/transaction-retry';
import type { AppContext } from './context';
import { ConflictError, NotFoundError, ValidationError } from './errors';
import { refusalMessage, settleStockInTransaction, StockChangeRefused, type SettleReport } from './stock-reservations';

export interface AdjustmentInput {
  warehouseId: string;
  sku: string;
  reason: string;
  /** A change (+found, −damaged) … */
  by?: number;
  /** … or the counted quantity (a stock-take). */
  to?: number;
  note?: string;
  actor: string;
}

/**
 * Adjusts stock with a reason (counted, damaged, found). One that would leave less on hand than is
 * reserved is refused (409) naming the orders that hold it. Stock found serves waiting orders at once.
 */
export async function adjustStock(
  ctx: AppContext,
  input: AdjustmentInput,
): Promise<{ onHand: number; reserved: number; report: SettleReport }> {
  if ((input.by === undefined) === (input.to === undefined)) {
    throw new ValidationError([
      fieldIssue(
        'by',
        'give either the change (--by) or the counted quantity (--to).',
        '请给出变动数量（--by）或盘点数量（--to）之一。',
      ),
    ]);
  }
  if (input.to !== undefined && !(Number.isSafeInteger(input.to) && input.to >= 0)) {
    throw new ValidationError([
      fieldIssue('to', 'the counted quantity must be a whole number ≥ 0.', '盘点数量须为 ≥ 0 的整数。'),
    ]);
  }
  const levels = await stockReads.listStockLevels(ctx.store.db, { sku: input.sku, warehouseId: input.warehouseId });
  const known = await stock.existingSkus(ctx.store.db, [input.sku]);
  if (!known.has(input.sku))
    throw new NotFoundError(localized(`SKU ${input.sku} is not in the catalogue.`, `目录中没有 SKU ${input.sku}。`));
  if (!(await stock.listWarehouses(ctx.store.db)).some((w) => w.id === input.warehouseId)) {
    throw new NotFoundError(
      localized(`warehouse ${input.warehouseId} not found.`, `未找到仓库 ${input.warehouseId}。`),
    );
  }
  const currentOnHand = levels[0]?.on_hand ?? 0;
  const delta = input.by ?? input.to! - currentOnHand;
  const refusal = checkAdjustment(input.reason, delta);
  if (refusal) throw new ValidationError([{ row: 0, field: 'reason', message: refusal }]);
  try {
    return await inRetriedTransaction(ctx.store.db, async (trx) => {
      const report = await settleStockInTransaction(
        ctx.store,
        trx,
        {
          changes: [
            {
              warehouseId: input.warehouseId,
              sku: input.sku,
              kind: 'adjust',
              reason: input.reason,
              note: input.note?.trim() || null,
              purchaseOrderId: null,
              // A stock-take states what is there, whatever moved since it was read; a change is relative.
              ...(input.to !== undefined ? { set: input.to } : { delta }),
            },
          ],
        },
        { now: ctx.now(), actor: input.actor },
      );
      const after = (await stockReads.listStockLevels(trx, { sku: input.sku, warehouseId: input.warehouseId }))[0]!;
      return { onHand: after.on_hand, reserved: after.reserved, report };
    });
  } catch (error) {
    if (error instanceof StockChangeRefused)
      throw new ConflictError('stock.below_reserved', refusalMessage(error.refusals[0]!));
    throw error;
  }
}
