/**
 * Orders as JSON (the import's JSON and NDJSON files, the API's POST /orders body, the marketplace sync): an object
 * with the import's order fields and a `lines` array, validated by the same row parsers as a spreadsheet
 * (core/order-input.ts), with every issue at its JSON path (`orders[1].lines[0].quantity`). Split from
 * order-input.ts along its seam.
 */
import { unknownField } from './field-refusals';
import { localized } from './i18n';
import {
  checkDuplicateLines,
  knownCurrency,
  LINE_COLUMNS,
  ORDER_COLUMNS,
  parseLineFields,
  parseOrderFields,
  type ImportIssue,
  type OrderInput,
  type OrderLineInput,
  type RawRow,
} from './order-input';

/** The rows of a JSON order ({ ...order fields, lines: [...] }), as strings, for the row parsers. */
function flattenJsonOrder(value: unknown, path: string, issues: ImportIssue[], row: number): RawRow[] | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    issues.push({
      row,
      field: path || '(order)',
      message: localized('an order must be a JSON object.', '订单必须是 JSON 对象。'),
    });
    return undefined;
  }
  const record = value as Record<string, unknown>;
  const before = issues.length;
  const known = new Set<string>([...ORDER_COLUMNS, 'lines']);
  for (const key of Object.keys(record)) {
    if (!known.has(key))
      issues.push({
        row,
        field: join(path, key),
        message: unknownField(key),
      });
  }
  const lines = record.lines;
  if (!Array.isArray(lines) || lines.length === 0) {
    issues.push({
      row,
      field: join(path, 'lines'),
      message: localized('lines must be a non-empty list.', 'lines 必须是非空列表。'),
    });
    return undefined;
  }
  const base: RawRow = {};
  for (const column of ORDER_COLUMNS) {
    const v = record[column];
    const s = scalarText(v);
    if (s === undefined)
      issues.push({
        row,
        field: join(path, column),
        message: localized(`${column} must be a string or a number.`, `${column} 必须是字符串或数字。`),
      });
    else base[column] = s;
  }
  const rows: RawRow[] = [];
  lines.forEach((line, i) => {
    const linePath = `${join(path, 'lines')}[${i}]`;
    if (typeof line !== 'object' || line === null || Array.isArray(line)) {
      issues.push({
        row,
        field: linePath,
        message: localized('a line must be a JSON object.', '订单行必须是 JSON 对象。'),
      });
      return;
    }
    const out: RawRow = { ...base };
    for (const key of Object.keys(line)) {
      if (!(LINE_COLUMNS as readonly string[]).includes(key)) {
        issues.push({
          row,
          field: `${linePath}.${key}`,
          message: unknownField(key),
        });
      }
    }
    for (const column of LINE_COLUMNS) {
      const s = scalarText((line as Record<string, unknown>)[column]);
      if (s === undefined)
        issues.push({
          row,
          field: `${linePath}.${column}`,
          message: localized(`${column} must be a string or a number.`, `${column} 必须是字符串或数字。`),
        });
      else out[column] = s;
    }
    rows.push(out);
  });
  return issues.length > before ? undefined : rows;
}

/**
 * Validates one JSON order (file import or API body) into an `OrderInput`, with issues at JSON paths.
 */
export function parseJsonOrder(
  value: unknown,
  path: string,
  row: number,
  issues: ImportIssue[],
): OrderInput | undefined {
  const rows = flattenJsonOrder(value, path, issues, row);
  if (!rows || !rows[0]) return undefined;
  const fields = parseOrderFields(rows[0], row, issues, (c) => join(path, c));
  const lines: Array<{ row: number; line: OrderLineInput }> = [];
  let ok = fields !== undefined;
  rows.forEach((raw, i) => {
    const line = parseLineFields(
      raw,
      row,
      fields?.currency ?? knownCurrency(raw),
      issues,
      (c) => `${join(path, 'lines')}[${i}].${c}`,
    );
    if (line) lines.push({ row, line });
    else ok = false;
  });
  if (
    !ok ||
    !fields ||
    !checkDuplicateLines(fields.platformOrderId, lines, issues, (i) => `${join(path, 'lines')}[${i}].sku`)
  )
    return undefined;
  return { ...fields, lines: lines.map((l) => l.line) };
}

function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

function scalarText(v: unknown): string | undefined {
  if (v === undefined || v === null) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return undefined;
}
