/**
 * How the CLI prints: in the seller's language, tables and JSON. Light (no store, no app), so a command that only
 * prints loads nothing else; support.ts re-exports these for the commands that also open the store.
 */
import type { Localized } from '../core/i18n';
import { cliLocale } from './locale';

export function say(message: Localized): string {
  return message[cliLocale()];
}

export function printTable(rows: Array<Record<string, unknown>>, columns: string[]): void {
  const text = rows.map((r) => columns.map((c) => (r[c] === null || r[c] === undefined ? '' : String(r[c]))));
  const widths = columns.map((c, i) => Math.max(c.length, ...text.map((t) => t[i]!.length)));
  const line = (cells: string[]) => cells.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd();
  console.log(line(columns));
  console.log(line(widths.map((w) => '-'.repeat(w))));
  for (const t of text) console.log(line(t));
}

export function printJson(value: unknown): void {
  console.log(JSON.stringify(value, null, 2));
}

/** Time left as "1d04h07m", negative when overdue. */
export function countdown(ms: number | null): string {
  if (ms === null) return '';
  const sign = ms < 0 ? '-' : '';
  const minutes = Math.floor(Math.abs(ms) / 60_000);
  return `${sign}${Math.floor(minutes / 1440)}d${String(Math.floor((minutes % 1440) / 60)).padStart(2, '0')}h${String(minutes % 60).padStart(2, '0')}m`;
}
