/**
 * The catalogue's spreadsheets (issue 17): a template per kind to download and fill (SKUs, stock counts), and the
 * SKU file read back whole — every row checked, any problem refuses the file naming its rows and fields, nothing
 * stored — like the order and stock imports. Stock files go through import-stock.ts.
 */
import { localized } from '../core/i18n';
import { REQUIRED_SKU_COLUMNS, SKU_COLUMNS, parseSkuRow, type SkuRowInput } from '../core/catalogue-input';
import type { ImportIssue } from '../core/order-input';
import { STOCK_COLUMNS } from '../core/stock-input';
import { FileFormatError } from '../integrations/files/order-file';
import { readTableFile, tableTemplate, type TableFileRow } from '../integrations/files/table-file';
import { saveCatalogueSkus } from './catalogue';
import type { AppContext } from './context';
import { ValidationError } from './errors';

export const CATALOGUE_TEMPLATES = ['skus', 'stock'] as const;
export type CatalogueTemplate = (typeof CATALOGUE_TEMPLATES)[number];

/** The template of a kind: its header and one example row to overwrite. */
export async function catalogueTemplate(kind: CatalogueTemplate): Promise<Buffer> {
  if (kind === 'skus') {
    return tableTemplate('skus', SKU_COLUMNS, [
      {
        sku: 'LAMP-01',
        name: 'LED desk lamp',
        length_mm: 300,
        width_mm: 120,
        height_mm: 80,
        weight_g: 450,
        barcode: '6901234567892',
        hs_code: '9405.11',
        customs_description: 'LED desk lamp',
        customs_value: '12.50',
        customs_currency: 'USD',
        bin_location: 'A-03-2',
      },
    ]);
  }
  return tableTemplate('stock', STOCK_COLUMNS, [
    { sku: 'LAMP-01', warehouse: 'SZ', on_hand: 40, low_stock_threshold: 5 },
  ]);
}

export interface SkuImportReport {
  rows: number;
  committed: boolean;
  issues: ImportIssue[];
}

export async function importSkuFile(ctx: AppContext, file: string): Promise<SkuImportReport> {
  let records: TableFileRow[];
  try {
    records = await readTableFile(file, {
      columns: SKU_COLUMNS,
      required: REQUIRED_SKU_COLUMNS,
      noun: { en: 'SKU catalogue', zh: 'SKU 目录' },
    });
  } catch (error) {
    if (error instanceof FileFormatError) return { rows: 0, committed: false, issues: [error.issue] };
    throw error;
  }
  if (records.length === 0)
    return {
      rows: 0,
      committed: false,
      issues: [{ row: 0, field: 'file', message: localized('the file has no SKU rows.', '文件中没有 SKU 行。') }],
    };
  const issues: ImportIssue[] = [];
  const parsed: SkuRowInput[] = [];
  const firstRow = new Map<string, number>();
  for (const r of records) {
    const row = parseSkuRow(r.raw, r.row, issues);
    if (!row) continue;
    const first = firstRow.get(row.sku);
    if (first !== undefined)
      issues.push({
        row: row.row,
        field: 'sku',
        message: localized(
          `${row.sku} appears twice (rows ${first} and ${row.row}).`,
          `${row.sku} 出现了两次（第 ${first} 行和第 ${row.row} 行）。`,
        ),
      });
    else firstRow.set(row.sku, row.row);
    parsed.push(row);
  }
  if (issues.length) return { rows: records.length, committed: false, issues: issues.sort((a, b) => a.row - b.row) };
  try {
    await saveCatalogueSkus(
      ctx,
      parsed.map((p) => ({
        sku: p.sku,
        ...(p.name !== undefined ? { name: p.name } : {}),
        dimsMm: p.dimsMm,
        weightG: p.weightG,
        barcode: p.barcode,
        customs: p.customs,
        ...(p.bin !== undefined ? { bin: p.bin } : {}),
      })),
      parsed.map((p) => p.row),
    );
  } catch (error) {
    if (error instanceof ValidationError) return { rows: records.length, committed: false, issues: error.issues };
    throw error;
  }
  return { rows: records.length, committed: true, issues: [] };
}
