/**
 * A carrier contract rate sheet's columns and cells (carrier-contract.ts reads the rows into services): the column
 * lists, the header check, and the readers of one cell (its text, an amount in MAJOR units of the service's currency
 * converted exactly to minor units, a number, weekdays), each bad cell an issue against its row.
 *
 * Columns (`CONTRACT_COLUMNS`): service, carrier, name_en, name_zh, class, currency, fuel_percent,
 * volumetric_divisor, max_weight_g, max_longest_side_mm, max_sum_of_sides_mm, max_length_girth_mm, batteries,
 * liquids, pickup_zone, pickup_days ("1-5", "1,3,5"), pickup_times ("11:00 17:00"), marketplace_service,
 * s10_letters, zone, countries ("US CA" or "*"), up_to_g, pricing (per-kg | first-additional), per_kg_price,
 * first_g, first_price, step_g, step_price, handling_fee, min_chargeable_g, transit_p50_days, transit_p90_days.
 */
import { localized } from './i18n';
import { parseMajorAmount, isCurrency } from './money';
import type { ImportIssue } from './order-input';

const CONTRACT_COLUMNS = [
  'service',
  'carrier',
  'name_en',
  'name_zh',
  'class',
  'currency',
  'fuel_percent',
  'volumetric_divisor',
  'max_weight_g',
  'max_longest_side_mm',
  'max_sum_of_sides_mm',
  'max_length_girth_mm',
  'batteries',
  'liquids',
  'pickup_zone',
  'pickup_days',
  'pickup_times',
  'marketplace_service',
  's10_letters',
  'zone',
  'countries',
  'up_to_g',
  'pricing',
  'per_kg_price',
  'first_g',
  'first_price',
  'step_g',
  'step_price',
  'handling_fee',
  'min_chargeable_g',
  'transit_p50_days',
  'transit_p90_days',
] as const;
export type ContractColumn = (typeof CONTRACT_COLUMNS)[number];

const REQUIRED_CONTRACT_COLUMNS: readonly ContractColumn[] = [
  'service',
  'carrier',
  'name_en',
  'class',
  'currency',
  'max_weight_g',
  'max_longest_side_mm',
  'pickup_zone',
  'pickup_days',
  'pickup_times',
  'zone',
  'countries',
  'up_to_g',
  'pricing',
  'transit_p50_days',
  'transit_p90_days',
];

export const SERVICE_COLUMNS: readonly ContractColumn[] = [
  'carrier',
  'name_en',
  'name_zh',
  'class',
  'currency',
  'fuel_percent',
  'volumetric_divisor',
  'max_weight_g',
  'max_longest_side_mm',
  'max_sum_of_sides_mm',
  'max_length_girth_mm',
  'batteries',
  'liquids',
  'pickup_zone',
  'pickup_days',
  'pickup_times',
  'marketplace_service',
  's10_letters',
];
export const ZONE_COLUMNS: readonly ContractColumn[] = ['countries', 'transit_p50_days', 'transit_p90_days'];

export interface ContractRow {
  row: number; // as the spreadsheet shows it (header = 1)
  cells: Partial<Record<string, string>>;
}

export function issue(row: number, field: string, en: string, zh: string): ImportIssue {
  return { row, field, message: localized(en, zh) };
}

export function text(row: ContractRow, column: ContractColumn): string {
  return (row.cells[column] ?? '').trim();
}

/** Column check for a header: unknown and missing columns are refused before any row is read. */
export function checkContractHeader(names: readonly string[]): ImportIssue[] {
  const issues: ImportIssue[] = [];
  const unknown = names.filter((n) => n && !(CONTRACT_COLUMNS as readonly string[]).includes(n));
  if (unknown.length)
    issues.push(
      issue(
        1,
        unknown[0]!,
        `unknown column(s): ${unknown.join(', ')}. Expected: ${CONTRACT_COLUMNS.join(', ')}.`,
        `未知列：${unknown.join('、')}。应为：${CONTRACT_COLUMNS.join(', ')}。`,
      ),
    );
  const missing = REQUIRED_CONTRACT_COLUMNS.filter((c) => !names.includes(c));
  if (missing.length)
    issues.push(issue(1, missing[0]!, `missing column(s): ${missing.join(', ')}.`, `缺少列：${missing.join('、')}。`));
  return issues;
}

/** ISO weekdays (1–7) as ranges or a list: "1-5", "1,3,5"; undefined when it is not that. */
export function parseDays(value: string): number[] | undefined {
  const days = new Set<number>();
  for (const part of value.split(/[\s,;]+/).filter(Boolean)) {
    const range = /^([1-7])-([1-7])$/.exec(part);
    if (range) {
      const [a, b] = [Number(range[1]), Number(range[2])];
      if (a > b) return undefined;
      for (let d = a; d <= b; d++) days.add(d);
    } else if (/^[1-7]$/.test(part)) days.add(Number(part));
    else return undefined;
  }
  return days.size ? [...days].sort((a, b) => a - b) : undefined;
}

/** Reads a cell as an amount of the service's currency or as a number; a bad or missing one is an issue. */
export interface CellReader {
  money(row: ContractRow, column: ContractColumn, required: boolean): number | undefined;
  number(row: ContractRow, column: ContractColumn, required: boolean, integer?: boolean): number | undefined;
}

export function cellReader(currency: string, issues: ImportIssue[]): CellReader {
  return {
    money(row, column, required) {
      const value = text(row, column);
      if (!value) {
        if (required)
          issues.push(issue(row.row, column, `${column} is required for this pricing.`, `此计价方式需要 ${column}。`));
        return undefined;
      }
      const minor = isCurrency(currency) ? parseMajorAmount(value, currency) : undefined;
      if (minor === undefined || minor < 0)
        issues.push(
          issue(
            row.row,
            column,
            `${column} "${value}" is not an amount in ${currency} (e.g. 62.50).`,
            `${column}「${value}」不是有效的 ${currency} 金额（例如 62.50）。`,
          ),
        );
      return minor;
    },
    number(row, column, required, integer = true) {
      const value = text(row, column);
      if (!value) {
        if (required) issues.push(issue(row.row, column, `${column} is required.`, `${column} 为必填项。`));
        return undefined;
      }
      const n = Number(value);
      if (!Number.isFinite(n) || (integer && !Number.isInteger(n))) {
        issues.push(
          issue(
            row.row,
            column,
            `${column} "${value}" is not ${integer ? 'a whole number' : 'a number'}.`,
            `${column}「${value}」不是${integer ? '整数' : '数字'}。`,
          ),
        );
        return undefined;
      }
      return n;
    },
  };
}
