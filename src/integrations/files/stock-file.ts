/**
 * Reads a stock file (CSV, TSV or XLSX) as rows keyed by column name: one row per SKU and warehouse, read by
 * table-file.ts with the stock columns (and the spellings warehouse systems export).
 */
import { REQUIRED_STOCK_COLUMNS, STOCK_COLUMNS } from '../../core/stock-input';
import { readTableFile, type TableFileRow, type TableSpec } from './table-file';

export type StockFileRow = TableFileRow;

/** Common header spellings a warehouse system exports, read as ours. */
const ALIASES: Record<string, string> = {
  quantity: 'on_hand',
  qty: 'on_hand',
  stock: 'on_hand',
  warehouse_id: 'warehouse',
  seller_sku: 'sku',
};

function stockSpec(warehouseGiven: boolean): TableSpec {
  return {
    columns: STOCK_COLUMNS,
    required: warehouseGiven ? REQUIRED_STOCK_COLUMNS : [...REQUIRED_STOCK_COLUMNS, 'warehouse'],
    aliases: ALIASES,
    noun: { en: 'stock (one row per SKU and warehouse)', zh: '库存（每个 SKU 和仓库一行）' },
    missingHint: (missing) =>
      missing.includes('warehouse') ? { en: '(or choose the warehouse)', zh: '（或选择仓库）' } : undefined,
  };
}

export async function readStockFile(file: string, warehouseGiven: boolean): Promise<StockFileRow[]> {
  return readTableFile(file, stockSpec(warehouseGiven));
}
