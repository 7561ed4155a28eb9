/**
 * The stock file (CSV or XLSX): one row per SKU and warehouse with the counted quantity on hand.
 * Validation is per field, in English and Chinese, naming the row; catalogue checks (unknown SKU or
 * warehouse) and duplicates are the importer's, which knows the database and the whole file.
 */
import { localized } from './i18n';
import type { ImportIssue, RawRow } from './order-input';

export const STOCK_COLUMNS = ['sku', 'warehouse', 'on_hand', 'low_stock_threshold'] as const;
export type StockColumn = (typeof STOCK_COLUMNS)[number];
export const REQUIRED_STOCK_COLUMNS: readonly StockColumn[] = ['sku', 'on_hand'];

/** The largest count a row may carry: more is a typo (or a barcode in the wrong column). */
const MAX_STOCK_COUNT = 100_000_000;

export interface StockRowInput {
  row: number;
  sku: string;
  warehouseId: string;
  onHand: number;
  /** undefined: keep the current threshold. */
  lowStockThreshold: number | undefined;
}

function count(text: string, row: number, field: StockColumn, issues: ImportIssue[]): number | undefined {
  const t = text.trim();
  if (/^-\s*\d+(\.0+)?$/.test(t)) {
    issues.push({
      row,
      field,
      message: localized(
        `${field} is negative (${t}); a count cannot be below zero.`,
        `${field} 为负数（${t}）；数量不能小于零。`,
      ),
    });
    return undefined;
  }
  const m = /^(\d+)(?:\.0+)?$/.exec(t);
  if (!m) {
    issues.push({
      row,
      field,
      message: localized(`${field} "${t}" is not a whole number of units.`, `${field}「${t}」不是整数件数。`),
    });
    return undefined;
  }
  const n = Number(m[1]);
  if (n > MAX_STOCK_COUNT) {
    issues.push({
      row,
      field,
      message: localized(
        `${field} ${n} is over ${MAX_STOCK_COUNT}; check the column.`,
        `${field} ${n} 超过 ${MAX_STOCK_COUNT}，请检查该列。`,
      ),
    });
    return undefined;
  }
  return n;
}

/** Parses one stock row; `defaultWarehouse` (the --warehouse option) fills an empty or missing warehouse cell. */
export function parseStockRow(
  raw: RawRow,
  row: number,
  defaultWarehouse: string | undefined,
  issues: ImportIssue[],
): StockRowInput | undefined {
  const before = issues.length;
  const sku = (raw.sku ?? '').trim();
  if (!sku) issues.push({ row, field: 'sku', message: localized('sku is empty.', 'sku 为空。') });
  const named = (raw.warehouse ?? '').trim();
  if (named && defaultWarehouse && named !== defaultWarehouse) {
    issues.push({
      row,
      field: 'warehouse',
      message: localized(
        `the row names warehouse ${named}, but the import is for ${defaultWarehouse}.`,
        `该行的仓库为 ${named}，但本次导入的仓库是 ${defaultWarehouse}。`,
      ),
    });
  }
  const warehouseId = named || defaultWarehouse || '';
  if (!warehouseId)
    issues.push({
      row,
      field: 'warehouse',
      message: localized(
        'warehouse is empty (or give one warehouse for the whole file).',
        'warehouse 为空（或为整个文件指定一个仓库）。',
      ),
    });
  const onHandText = raw.on_hand ?? '';
  const onHand =
    onHandText.trim() === ''
      ? (issues.push({ row, field: 'on_hand', message: localized('on_hand is empty.', 'on_hand 为空。') }), undefined)
      : count(onHandText, row, 'on_hand', issues);
  const thresholdText = (raw.low_stock_threshold ?? '').trim();
  const lowStockThreshold = thresholdText === '' ? undefined : count(thresholdText, row, 'low_stock_threshold', issues);
  if (issues.length > before || onHand === undefined) return undefined;
  return { row, sku, warehouseId, onHand, lowStockThreshold };
}
