/**
 * A carrier contract rate sheet as rows (CSV/XLSX) → validated carrier services, pure.
 *
 * One row per (service, zone, weight bracket). The service's own columns repeat on each of its rows and must agree;
 * a zone's countries and transit days repeat on each of its brackets and must agree. Money is in MAJOR units of the
 * row's currency ("62.50" CNY), converted exactly to minor units. Every service is then validated by the core's
 * `carrierServiceSchema`, and each problem is reported against the row it came from, so a sheet is accepted whole
 * or refused whole with every bad row named. The columns (and the header check) are in carrier-contract-columns.ts, the readers of a cell in
 * carrier-contract-cells.ts.
 */
import { zodFieldIssues } from './field-refusals';
import { localized } from './i18n';
import { isCurrency } from './money';
import type { ImportIssue } from './order-input';
import { carrierServiceSchema, type CarrierService, type WeightPricing } from './carrier/types';
import { cellReader, parseDays, text, type CellReader, type ContractRow } from './carrier-contract-cells';
import { contractColumnOf, contractIssue as issue, SERVICE_COLUMNS, ZONE_COLUMNS } from './carrier-contract-columns';

export type { ContractRow } from './carrier-contract-cells';

export interface ContractService {
  service: CarrierService;
  marketplaceService: string | null;
  rows: number[];
}

export interface ContractParse {
  services: ContractService[];
  issues: ImportIssue[];
}

export function parseContractRows(rows: readonly ContractRow[]): ContractParse {
  const issues: ImportIssue[] = [];
  const groups = rowsByService(rows, issues);
  if (rows.length === 0) issues.push(issue(1, 'file', 'the sheet has no rate rows.', '表中没有运价行。'));
  const services: ContractService[] = [];
  for (const [code, group] of groups) {
    const service = parseContractService(code, group, issues);
    if (service) services.push(service);
  }
  issues.sort((a, b) => a.row - b.row);
  return { services: issues.length ? [] : services, issues };
}

/** The rows of each service code, in the sheet's order; a row without a code is an issue. */
function rowsByService(rows: readonly ContractRow[], issues: ImportIssue[]): Map<string, ContractRow[]> {
  const groups = new Map<string, ContractRow[]>();
  for (const row of rows) {
    const code = text(row, 'service');
    if (!code) {
      issues.push(issue(row.row, 'service', 'the service code is empty.', '服务代码为空。'));
      continue;
    }
    const list = groups.get(code) ?? [];
    list.push(row);
    groups.set(code, list);
  }
  return groups;
}

/**
 * One service from its rows, validated by the schema; null when a cell or the schema has a problem (each one is in
 * `issues`, against the row it came from).
 */
function parseContractService(code: string, group: ContractRow[], issues: ImportIssue[]): ContractService | null {
  const first = group[0]!;
  const before = issues.length;
  checkServiceColumnsAgree(code, group, issues);
  const currency = text(first, 'currency').toUpperCase();
  if (!isCurrency(currency))
    issues.push(
      issue(first.row, 'currency', `"${currency}" is not an ISO 4217 currency.`, `「${currency}」不是 ISO 4217 币种。`),
    );
  const cells = cellReader(currency, issues);
  // Where each part of the service came from, to name the row of a schema problem.
  const rowOfPath = new Map<string, number>();
  const zones = zonesOf(group, issues).map((zone, zi) => buildZone(zone, zi, cells, rowOfPath, issues));
  const candidate = serviceCandidate(code, first, currency, zones, cells, issues);
  if (issues.length > before) return null; // the cell problems say it better than the schema would
  const result = carrierServiceSchema.safeParse(candidate, { reportInput: true });
  if (!result.success) {
    issues.push(...schemaIssues(code, first, result.error.issues, rowOfPath));
    return null;
  }
  return {
    service: result.data,
    marketplaceService: text(first, 'marketplace_service') || null,
    rows: group.map((r) => r.row),
  };
}

/** A service's own columns repeat on each of its rows and must agree with its first row. */
function checkServiceColumnsAgree(code: string, group: ContractRow[], issues: ImportIssue[]): void {
  const first = group[0]!;
  for (const row of group.slice(1)) {
    for (const column of SERVICE_COLUMNS) {
      if (text(row, column) !== text(first, column)) {
        issues.push(
          issue(
            row.row,
            column,
            `${column} of service ${code} is "${text(row, column)}" here but "${text(first, column)}" on row ${first.row}: a service's columns must agree on all its rows.`,
            `服务 ${code} 的 ${column} 在此为「${text(row, column)}」，而第 ${first.row} 行为「${text(first, column)}」：同一服务各行必须一致。`,
          ),
        );
      }
    }
  }
}

/** The service's rows by zone, in order; a zone's columns repeat on each of its brackets and must agree. */
function zonesOf(group: ContractRow[], issues: ImportIssue[]): Array<{ id: string; rows: ContractRow[] }> {
  const zones: Array<{ id: string; rows: ContractRow[] }> = [];
  for (const row of group) {
    const id = text(row, 'zone');
    if (!id) {
      issues.push(issue(row.row, 'zone', 'the zone is empty.', '分区为空。'));
      continue;
    }
    let zone = zones.find((z) => z.id === id);
    if (!zone) zones.push((zone = { id, rows: [] }));
    else {
      for (const column of ZONE_COLUMNS) {
        if (text(row, column) !== text(zone.rows[0]!, column)) {
          issues.push(
            issue(
              row.row,
              column,
              `${column} of zone ${id} differs from row ${zone.rows[0]!.row}: a zone's columns must agree on all its brackets.`,
              `分区 ${id} 的 ${column} 与第 ${zone.rows[0]!.row} 行不一致：同一分区各行必须一致。`,
            ),
          );
        }
      }
    }
    zone.rows.push(row);
  }
  return zones;
}

/** A zone with its weight brackets; notes in `rowOfPath` the row each part came from. */
function buildZone(
  zone: { id: string; rows: ContractRow[] },
  zi: number,
  cells: CellReader,
  rowOfPath: Map<string, number>,
  issues: ImportIssue[],
) {
  const z0 = zone.rows[0]!;
  rowOfPath.set(`zones.${zi}`, z0.row);
  const brackets = zone.rows.map((row, bi) => {
    rowOfPath.set(`zones.${zi}.brackets.${bi}`, row.row);
    const pricing = bracketPricing(row, cells, issues);
    return { upToG: cells.number(row, 'up_to_g', true), pricing };
  });
  return {
    id: zone.id,
    countries: text(z0, 'countries')
      .toUpperCase()
      .split(/[\s,;]+/)
      .filter(Boolean),
    brackets,
    transit: {
      p50Days: cells.number(z0, 'transit_p50_days', true, false),
      p90Days: cells.number(z0, 'transit_p90_days', true, false),
    },
  };
}

/** A bracket's price: per kg, or a first weight and additional steps, each with an optional handling fee. */
function bracketPricing(
  row: ContractRow,
  cells: CellReader,
  issues: ImportIssue[],
): WeightPricing | Record<string, unknown> {
  const kind = text(row, 'pricing');
  const handlingFee = cells.money(row, 'handling_fee', false);
  if (kind === 'per-kg') {
    return {
      kind,
      perKgPrice: cells.money(row, 'per_kg_price', true),
      ...(handlingFee !== undefined ? { handlingFee } : {}),
      ...(text(row, 'min_chargeable_g') ? { minChargeableG: cells.number(row, 'min_chargeable_g', false) } : {}),
    };
  }
  if (kind === 'first-additional') {
    return {
      kind,
      firstWeightG: cells.number(row, 'first_g', true),
      firstPrice: cells.money(row, 'first_price', true),
      additionalStepG: cells.number(row, 'step_g', true),
      additionalStepPrice: cells.money(row, 'step_price', true),
      ...(handlingFee !== undefined ? { handlingFee } : {}),
    };
  }
  issues.push(
    issue(
      row.row,
      'pricing',
      `pricing "${kind}" must be per-kg or first-additional.`,
      `计价方式「${kind}」须为 per-kg 或 first-additional。`,
    ),
  );
  return { kind };
}

/** The service as the schema reads it, from its first row's columns and its zones. */
function serviceCandidate(
  code: string,
  first: ContractRow,
  currency: string,
  zones: ReturnType<typeof buildZone>[],
  cells: CellReader,
  issues: ImportIssue[],
) {
  const days = parseDays(text(first, 'pickup_days'));
  if (!days)
    issues.push(
      issue(
        first.row,
        'pickup_days',
        `pickup_days "${text(first, 'pickup_days')}" must be ISO weekdays 1–7, e.g. 1-5 or 1,3,5.`,
        `pickup_days「${text(first, 'pickup_days')}」须为 1–7 的星期，例如 1-5 或 1,3,5。`,
      ),
    );
  const times = text(first, 'pickup_times')
    .split(/[\s,;]+/)
    .filter(Boolean);
  const batteries = text(first, 'batteries') || 'none';
  return {
    code,
    carrier: text(first, 'carrier'),
    name: { en: text(first, 'name_en'), 'zh-CN': text(first, 'name_zh') || text(first, 'name_en') },
    logisticsClass: text(first, 'class'),
    sample: false,
    currency,
    fuelSurchargePercent: cells.number(first, 'fuel_percent', false, false) ?? 0,
    ...(text(first, 'volumetric_divisor')
      ? { volumetricDivisor: cells.number(first, 'volumetric_divisor', false) }
      : {}),
    limits: {
      maxWeightG: cells.number(first, 'max_weight_g', true),
      maxLongestSideMm: cells.number(first, 'max_longest_side_mm', true),
      ...(text(first, 'max_sum_of_sides_mm')
        ? { maxSumOfSidesMm: cells.number(first, 'max_sum_of_sides_mm', false) }
        : {}),
      ...(text(first, 'max_length_girth_mm')
        ? { maxLengthPlusGirthMm: cells.number(first, 'max_length_girth_mm', false) }
        : {}),
      batteries,
      liquids: /^(1|y|yes|true)$/i.test(text(first, 'liquids')),
    },
    zones,
    pickup: {
      timeZone: text(first, 'pickup_zone'),
      cutoffs: [
        { days: days ?? [], time: times[0] ?? '' },
        ...times.slice(1).map((time) => ({ days: days ?? [], time })),
      ],
    },
    ...(text(first, 's10_letters') ? { s10IndicatorFirstLetters: text(first, 's10_letters').toUpperCase() } : {}),
  };
}

/** A schema problem against the row its part came from (the deepest part of its path that has one). */
function schemaIssues(
  code: string,
  first: ContractRow,
  problems: Parameters<typeof zodFieldIssues>[0],
  rowOfPath: ReadonlyMap<string, number>,
): ImportIssue[] {
  const refused = zodFieldIssues(problems, (path) => {
    let row = first.row;
    for (let n = path.length; n > 0; n--) {
      const found = rowOfPath.get(path.slice(0, n).join('.'));
      if (found !== undefined) {
        row = found;
        break;
      }
    }
    return { row, field: contractColumnOf(path) };
  });
  return refused.map((refusal) => ({
    ...refusal,
    message: localized(`service ${code}: ${refusal.message.en}`, `服务 ${code}：${refusal.message['zh-CN']}`),
  }));
}
