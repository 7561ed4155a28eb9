/**
 * One row of the SKU catalogue file (the template the dashboard hands out): the seller SKU, its name, unit size and
 * weight, item barcode, customs (HS code, description, value per unit in major units and its currency) and its bin
 * location in the warehouse (optional column: a file without it leaves the bins as they are). Pure:
 * each problem is named with its row and field; the use case checks the rest against the store.
 */
import { checkBin, normaliseBin } from './bin-location';
import { localized } from './i18n';
import { parseMajorAmount, isCurrency } from './money';
import type { ImportIssue, RawRow } from './order-input';
import { checkSkuCustoms, normaliseHsCode, type SkuCustoms } from './sku-customs';

export const SKU_COLUMNS = [
  'sku',
  'name',
  'length_mm',
  'width_mm',
  'height_mm',
  'weight_g',
  'barcode',
  'hs_code',
  'customs_description',
  'customs_value',
  'customs_currency',
  'bin_location',
] as const;
export const REQUIRED_SKU_COLUMNS: readonly string[] = ['sku', 'length_mm', 'width_mm', 'height_mm', 'weight_g'];

export interface SkuRowInput {
  row: number;
  sku: string;
  name: string | undefined;
  dimsMm: [number, number, number];
  weightG: number;
  barcode: string | null;
  customs: SkuCustoms;
  /** The bin location; undefined when the file has no such column (the SKU's bin stays as it is). */
  bin?: string | null;
}

function whole(raw: RawRow, field: string, row: number, issues: ImportIssue[]): number {
  const text = (raw[field] ?? '').trim();
  if (/^-\s*\d/.test(text)) {
    issues.push({
      row,
      field,
      message: localized(
        `${field} is negative (${text}); it must be above zero.`,
        `${field} 为负数（${text}）；必须大于零。`,
      ),
    });
    return Number.NaN;
  }
  const m = /^(\d+)(?:\.0+)?$/.exec(text);
  if (!m) {
    issues.push({
      row,
      field,
      message:
        text === ''
          ? localized(`${field} is empty.`, `${field} 为空。`)
          : localized(`${field} "${text}" is not a whole number.`, `${field}「${text}」不是整数。`),
    });
    return Number.NaN;
  }
  return Number(m[1]);
}

export function parseSkuRow(raw: RawRow, row: number, issues: ImportIssue[]): SkuRowInput | undefined {
  const before = issues.length;
  const sku = (raw.sku ?? '').trim();
  if (!sku) issues.push({ row, field: 'sku', message: localized('sku is empty.', 'sku 为空。') });
  const dims: [number, number, number] = [
    whole(raw, 'length_mm', row, issues),
    whole(raw, 'width_mm', row, issues),
    whole(raw, 'height_mm', row, issues),
  ];
  const weightG = whole(raw, 'weight_g', row, issues);
  const currency = (raw.customs_currency ?? '').trim().toUpperCase() || null;
  const valueText = (raw.customs_value ?? '').trim();
  let value: number | null = null;
  if (valueText) {
    if (!currency)
      issues.push({
        row,
        field: 'customs_currency',
        message: localized('give the currency of the customs value (e.g. USD).', '请填写申报价值的币种（例如 USD）。'),
      });
    else if (isCurrency(currency)) {
      const minor = parseMajorAmount(valueText, currency);
      if (minor === undefined || minor < 0)
        issues.push({
          row,
          field: 'customs_value',
          message: localized(
            `customs_value "${valueText}" is not an amount of ${currency} (e.g. 12.50).`,
            `customs_value「${valueText}」不是有效的 ${currency} 金额（例如 12.50）。`,
          ),
        });
      else value = minor;
    }
  }
  const hs = (raw.hs_code ?? '').trim();
  const customs: SkuCustoms = {
    hsCode: hs ? normaliseHsCode(hs) : null,
    description: (raw.customs_description ?? '').trim() || null,
    value,
    currency,
  };
  const bin = raw.bin_location === undefined ? undefined : normaliseBin(raw.bin_location);
  if (bin !== undefined) issues.push(...checkBin(bin, row));
  const known = new Set(issues.slice(before).map((i) => i.field));
  for (const i of checkSkuCustoms(customs, row)) if (!known.has(i.field)) issues.push(i);
  if (issues.length > before) return undefined;
  return {
    row,
    sku,
    name: (raw.name ?? '').trim() || undefined,
    dimsMm: dims,
    weightG,
    barcode: (raw.barcode ?? '').trim() || null,
    customs,
    ...(bin !== undefined ? { bin } : {}),
  };
}
