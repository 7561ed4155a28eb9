/**
 * A carrier contract rate sheet's cells (carrier-contract.ts reads the rows into services; the columns and the
 * header check are in carrier-contract-columns.ts): the readers of one cell — its text, an amount in MAJOR units of
 * the service's currency converted exactly to minor units, a number, weekdays — each bad cell an issue against its
 * row.
 */
import { parseMajorAmount, isCurrency } from './money';
import type { ImportIssue } from './order-input';
import { contractIssue as issue, type ContractColumn } from './carrier-contract-columns';

export interface ContractRow {
  row: number; // as the spreadsheet shows it (header = 1)
  cells: Partial<Record<string, string>>;
}

export function text(row: ContractRow, column: ContractColumn): string {
  return (row.cells[column] ?? '').trim();
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
