/**
 * The columns of a carrier contract rate sheet (core/carrier-contract.ts reads its rows): which exist, which are
 * required, which repeat per service and per zone, the header's check, and which column each field of a service
 * (core/carrier/types.ts) comes from, so the schema's refusals name the column the seller fills in.
 */
import { localized } from './i18n';
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

/** A service's own columns, repeated on each of its rows: every column before the zone's, but the service code. */
export const SERVICE_COLUMNS: readonly ContractColumn[] = CONTRACT_COLUMNS.slice(1, CONTRACT_COLUMNS.indexOf('zone'));
/** A zone's columns, repeated on each of its weight brackets. */
export const ZONE_COLUMNS: readonly ContractColumn[] = ['countries', 'transit_p50_days', 'transit_p90_days'];

/** A refusal of a sheet's cell (or header): the row as the spreadsheet shows it, the column. */
export function contractIssue(row: number, field: string, en: string, zh: string): ImportIssue {
  return { row, field, message: localized(en, zh) };
}

/** Column check for a header: unknown and missing columns are refused before any row is read. */
export function checkContractHeader(names: readonly string[]): ImportIssue[] {
  const issues: ImportIssue[] = [];
  const unknown = names.filter((n) => n && !(CONTRACT_COLUMNS as readonly string[]).includes(n));
  if (unknown.length)
    issues.push(
      contractIssue(
        1,
        unknown[0]!,
        `unknown column(s): ${unknown.join(', ')}. Expected: ${CONTRACT_COLUMNS.join(', ')}.`,
        `未知列：${unknown.join('、')}。应为：${CONTRACT_COLUMNS.join(', ')}。`,
      ),
    );
  const missing = REQUIRED_CONTRACT_COLUMNS.filter((c) => !names.includes(c));
  if (missing.length)
    issues.push(
      contractIssue(1, missing[0]!, `missing column(s): ${missing.join(', ')}.`, `缺少列：${missing.join('、')}。`),
    );
  return issues;
}

/** The column of each field of a service, by its path without the list indexes (`zones.brackets.upToG`). */
const COLUMN_OF_FIELD: Readonly<Record<string, ContractColumn>> = {
  code: 'service',
  carrier: 'carrier',
  'name.en': 'name_en',
  'name.zh-CN': 'name_zh',
  logisticsClass: 'class',
  currency: 'currency',
  fuelSurchargePercent: 'fuel_percent',
  volumetricDivisor: 'volumetric_divisor',
  'limits.maxWeightG': 'max_weight_g',
  'limits.maxLongestSideMm': 'max_longest_side_mm',
  'limits.maxSumOfSidesMm': 'max_sum_of_sides_mm',
  'limits.maxLengthPlusGirthMm': 'max_length_girth_mm',
  'limits.batteries': 'batteries',
  'limits.liquids': 'liquids',
  'zones.id': 'zone',
  'zones.countries': 'countries',
  'zones.brackets': 'up_to_g', // the brackets' order
  'zones.brackets.upToG': 'up_to_g',
  'zones.brackets.pricing.kind': 'pricing',
  'zones.brackets.pricing.perKgPrice': 'per_kg_price',
  'zones.brackets.pricing.handlingFee': 'handling_fee',
  'zones.brackets.pricing.minChargeableG': 'min_chargeable_g',
  'zones.brackets.pricing.firstWeightG': 'first_g',
  'zones.brackets.pricing.firstPrice': 'first_price',
  'zones.brackets.pricing.additionalStepG': 'step_g',
  'zones.brackets.pricing.additionalStepPrice': 'step_price',
  'zones.transit': 'transit_p90_days', // p90 before p50
  'zones.transit.p50Days': 'transit_p50_days',
  'zones.transit.p90Days': 'transit_p90_days',
  'pickup.timeZone': 'pickup_zone',
  'pickup.cutoffs.days': 'pickup_days',
  'pickup.cutoffs.time': 'pickup_times',
  s10IndicatorFirstLetters: 's10_letters',
  '': 'countries', // the service's own check: a country in two zones
};

/** The column a field of a service (a schema path such as `zones.0.brackets.1.upToG`) comes from. */
export function contractColumnOf(path: readonly string[]): string {
  const named = path.filter((part) => !/^\d+$/.test(part));
  for (let n = named.length; n >= 0; n--) {
    const column = COLUMN_OF_FIELD[named.slice(0, n).join('.')];
    if (column) return column;
  }
  return path.join('.');
}
