/**
 * How the CLI prints: in the seller's language, tables and JSON. Light (no store, no app), so a command that only
 * prints loads nothing else; support.ts re-exports these for the commands that also open the store.
 */
import type { Localized } from '../core/i18n';
import { timeLeftLocalized } from '../core/duration';
import { cliLocale } from './locale';
import { codeZh, COLUMN_ZH } from './words';

export function say(message: Localized): string {
  return message[cliLocale()];
}

/** A refused row of a file or input, indented: "  row 3, sku: …" ("  第 3 行 `sku`：…", the field as written). */
export function issueLine(issue: { row: number; field: string; message: Localized }): string {
  return cliLocale() === 'zh-CN'
    ? `  ${issue.row ? `第 ${issue.row} 行 ` : ''}\`${issue.field}\`：${issue.message['zh-CN']}`
    : `  row ${issue.row}, ${issue.field}: ${issue.message.en}`;
}

/** Columns whose cells are codes the CLI names in its language (states, situations). */
const CODE_COLUMNS = new Set([
  'status',
  'state',
  'situation',
  'outcome',
  'kind',
  'actor',
  'upload',
  'active',
  'trend',
  'reason',
  'scope',
  'source',
  'class',
  'notified',
]);

/** Terminal columns a text takes: CJK characters take two. */
function displayWidth(text: string): number {
  let width = 0;
  for (const ch of text)
    width += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/.test(ch)
      ? 2
      : 1;
  return width;
}

/** A table with its headers (and the codes in state columns) in the CLI's language. */
export function printTable(rows: Array<Record<string, unknown>>, columns: string[]): void {
  const zh = cliLocale() === 'zh-CN';
  const cell = (c: string, v: unknown) =>
    v === null || v === undefined ? '' : zh && CODE_COLUMNS.has(c) ? codeZh(String(v)) : String(v);
  const text = rows.map((r) => columns.map((c) => cell(c, r[c])));
  const headers = columns.map((c) => (zh ? (COLUMN_ZH[c] ?? c) : c));
  const widths = headers.map((h, i) => Math.max(displayWidth(h), ...text.map((t) => displayWidth(t[i]!))));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => cell + ' '.repeat(Math.max(0, widths[i]! - displayWidth(cell))))
      .join('  ')
      .trimEnd();
  console.log(line(headers));
  console.log(line(widths.map((w) => '-'.repeat(w))));
  for (const t of text) console.log(line(t));
}

export function printJson(value: unknown): void {
  console.log(JSON.stringify(value, null, 2));
}

/** Time left in the CLI's language ("1 d 4 h", "1天4小时"), negative when overdue. */
export function countdown(ms: number | null): string {
  if (ms === null) return '';
  return timeLeftLocalized(ms)[cliLocale()];
}
