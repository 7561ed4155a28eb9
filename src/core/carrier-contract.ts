/**
 * A carrier contract rate sheet as rows (CSV/XLSX) → validated carrier services, pure.
 *
 * One row per (service, zone, weight bracket). The service's own columns repeat on each of its rows and must agree;
 * a zone's countries and transit days repeat on each of its brackets and must agree. Money is in MAJOR units of the
 * row's currency ("62.50" CNY), converted exactly to minor units. Every service is then validated by the core's
 * `carrierServiceSchema`, and each problem is reported against the row it came from, so a sheet is accepted whole
 * or refused whole with every bad row named.
 *
 * Columns (`CONTRACT_COLUMNS`, carrier-contract-columns.ts): service, carrier, name_en, name_zh, class, currency, fuel_percent,
 * volumetric_divisor, max_weight_g, max_longest_side_mm, max_sum_of_sides_mm, max_length_girth_mm, batteries,
 * liquids, pickup_zone, pickup_days ("1-5", "1,3,5"), pickup_times ("11:00 17:00"), marketplace_service,
 * s10_letters, zone, countries ("US CA" or "*"), up_to_g, pricing (per-kg | first-additional), per_kg_price,
 * first_g, first_price, step_g, step_price, handling_fee, min_chargeable_g, transit_p50_days, transit_p90_days.
 */
import { zodFieldIssues } from './field-refusals';
import { localized } from './i18n';
import { parseMajorAmount, isCurrency } from './money';
import type { ImportIssue } from './order-input';
import {
  contractColumnOf,
  contractIssue as issue,
  SERVICE_COLUMNS,
  ZONE_COLUMNS,
  type ContractColumn,
} from './carrier-contract-columns';
import { carrierServiceSchema, type CarrierService, type WeightPricing } from './carrier/types';

export interface ContractRow {
  row: number; // as the spreadsheet shows it (header = 1)
  cells: Partial<Record<string, string>>;
}

export interface ContractService {
  service: CarrierService;
  marketplaceService: string | null;
  rows: number[];
}

export interface ContractParse {
  services: ContractService[];
  issues: ImportIssue[];
}

function text(row: ContractRow, column: ContractColumn): string {
  return (row.cells[column] ?? '').trim();
}

function parseDays(value: string): number[] | undefined {
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

export function parseContractRows(rows: readonly ContractRow[]): ContractParse {
  const issues: ImportIssue[] = [];
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
  if (rows.length === 0) issues.push(issue(1, 'file', 'the sheet has no rate rows.', '表中没有运价行。'));

  const services: ContractService[] = [];
  for (const [code, group] of groups) {
    const first = group[0]!;
    const before = issues.length;
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
    const currency = text(first, 'currency').toUpperCase();
    if (!isCurrency(currency))
      issues.push(
        issue(
          first.row,
          'currency',
          `"${currency}" is not an ISO 4217 currency.`,
          `「${currency}」不是 ISO 4217 币种。`,
        ),
      );
    const money = (row: ContractRow, column: ContractColumn, required: boolean): number | undefined => {
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
    };
    const number = (
      row: ContractRow,
      column: ContractColumn,
      required: boolean,
      integer = true,
    ): number | undefined => {
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
    };
    const yes = (value: string) => /^(1|y|yes|true)$/i.test(value);

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
    // Where each part of the service came from, to name the row of a schema problem.
    const rowOfPath = new Map<string, number>();
    const built = zones.map((zone, zi) => {
      const z0 = zone.rows[0]!;
      rowOfPath.set(`zones.${zi}`, z0.row);
      const brackets = zone.rows.map((row, bi) => {
        rowOfPath.set(`zones.${zi}.brackets.${bi}`, row.row);
        const kind = text(row, 'pricing');
        const handlingFee = money(row, 'handling_fee', false);
        let pricing: WeightPricing | Record<string, unknown>;
        if (kind === 'per-kg') {
          pricing = {
            kind,
            perKgPrice: money(row, 'per_kg_price', true),
            ...(handlingFee !== undefined ? { handlingFee } : {}),
            ...(text(row, 'min_chargeable_g') ? { minChargeableG: number(row, 'min_chargeable_g', false) } : {}),
          };
        } else if (kind === 'first-additional') {
          pricing = {
            kind,
            firstWeightG: number(row, 'first_g', true),
            firstPrice: money(row, 'first_price', true),
            additionalStepG: number(row, 'step_g', true),
            additionalStepPrice: money(row, 'step_price', true),
            ...(handlingFee !== undefined ? { handlingFee } : {}),
          };
        } else {
          issues.push(
            issue(
              row.row,
              'pricing',
              `pricing "${kind}" must be per-kg or first-additional.`,
              `计价方式「${kind}」须为 per-kg 或 first-additional。`,
            ),
          );
          pricing = { kind };
        }
        return { upToG: number(row, 'up_to_g', true), pricing };
      });
      return {
        id: zone.id,
        countries: text(z0, 'countries')
          .toUpperCase()
          .split(/[\s,;]+/)
          .filter(Boolean),
        brackets,
        transit: {
          p50Days: number(z0, 'transit_p50_days', true, false),
          p90Days: number(z0, 'transit_p90_days', true, false),
        },
      };
    });
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
    const candidate = {
      code,
      carrier: text(first, 'carrier'),
      name: { en: text(first, 'name_en'), 'zh-CN': text(first, 'name_zh') || text(first, 'name_en') },
      logisticsClass: text(first, 'class'),
      sample: false,
      currency,
      fuelSurchargePercent: number(first, 'fuel_percent', false, false) ?? 0,
      ...(text(first, 'volumetric_divisor') ? { volumetricDivisor: number(first, 'volumetric_divisor', false) } : {}),
      limits: {
        maxWeightG: number(first, 'max_weight_g', true),
        maxLongestSideMm: number(first, 'max_longest_side_mm', true),
        ...(text(first, 'max_sum_of_sides_mm') ? { maxSumOfSidesMm: number(first, 'max_sum_of_sides_mm', false) } : {}),
        ...(text(first, 'max_length_girth_mm')
          ? { maxLengthPlusGirthMm: number(first, 'max_length_girth_mm', false) }
          : {}),
        batteries,
        liquids: yes(text(first, 'liquids')),
      },
      zones: built,
      pickup: {
        timeZone: text(first, 'pickup_zone'),
        cutoffs: [
          { days: days ?? [], time: times[0] ?? '' },
          ...times.slice(1).map((time) => ({ days: days ?? [], time })),
        ],
      },
      ...(text(first, 's10_letters') ? { s10IndicatorFirstLetters: text(first, 's10_letters').toUpperCase() } : {}),
    };
    if (issues.length > before) continue; // the cell problems say it better than the schema would
    const result = carrierServiceSchema.safeParse(candidate, { reportInput: true });
    if (!result.success) {
      const refused = zodFieldIssues(result.error.issues, (path) => {
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
      for (const refusal of refused)
        issues.push({
          ...refusal,
          message: localized(`service ${code}: ${refusal.message.en}`, `服务 ${code}：${refusal.message['zh-CN']}`),
        });
      continue;
    }
    services.push({
      service: result.data,
      marketplaceService: text(first, 'marketplace_service') || null,
      rows: group.map((r) => r.row),
    });
  }
  issues.sort((a, b) => a.row - b.row);
  return { services: issues.length ? [] : services, issues };
}
