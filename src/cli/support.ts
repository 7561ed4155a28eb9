/**
 * What every CLI command shares: the database from DATABASE_URL (migrated on open), the locale, and output.
 */
import { parseAsOf } from '../app/as-of';
import { createContext, type AppContext } from '../app/context';
import { ConflictError, LocalizedError, sellerError, ValidationError } from '../app/errors';
import type { FixScreen } from '../core/fix';
import { timeLeftLocalized } from '../core/duration';
import { codeZh, COLUMN_ZH } from './words';
import { pickLocale, type Locale, type Localized } from '../core/i18n';
import { migrateToLatest, openStore } from '../store/database';

export function cliLocale(): Locale {
  return pickLocale(process.env.SHIPBY_LANG || process.env.LC_ALL || process.env.LANG);
}

export function say(message: Localized): string {
  return message[cliLocale()];
}

/** Opens the store, runs the command, and always closes it. */
export async function withApp<T>(run: (ctx: AppContext) => Promise<T>): Promise<T> {
  const store = openStore();
  try {
    await migrateToLatest(store);
    return await run(createContext(store));
  } finally {
    await store.close();
  }
}

/** A command line that cannot be acted on (a bad option): nothing ran, exit code 2. */
export class UsageError extends LocalizedError {}

/** `--at TIME` of the read commands: undefined when not given; a time that does not parse is a UsageError. */
export function atOption(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  try {
    return parseAsOf(text, '--at');
  } catch (error) {
    if (error instanceof ValidationError) throw new UsageError(error.issues[0]!.message);
    throw error;
  }
}

/** The command that sets what each dashboard screen sets, for a refusal read at the command line. */
const CLI_FIX: Record<FixScreen, string> = {
  'settings/sender': 'pack sender',
  'settings/skus': 'pack sku-dims',
  'settings/boxes': 'pack box',
  'settings/carriers': 'carrier import',
  'settings/carrier-accounts': 'carrier account',
};

/** Prints an error the way a seller can act on it, and sets the exit code. */
export function reportError(thrown: unknown): void {
  const locale = cliLocale();
  const error = sellerError(thrown);
  if (error instanceof UsageError) {
    console.error(error.localizedMessage[locale]);
    process.exitCode = 2;
    return;
  }
  if (error instanceof ValidationError) {
    for (const issue of error.issues) {
      console.error(`row ${issue.row}, ${issue.field}: ${issue.message[locale]}`);
      // A message points at the dashboard; at the command line, the command that sets the same thing.
      if (issue.fix) console.error(locale === 'zh-CN' ? `  命令行：shipby ${CLI_FIX[issue.fix.screen]} --help` : `  From the command line: shipby ${CLI_FIX[issue.fix.screen]} --help`);
    }
  } else if (error instanceof ConflictError) {
    console.error(`${error.localizedMessage[locale]} [${error.rule}]`);
  } else if (error instanceof LocalizedError) {
    console.error(error.localizedMessage[locale]);
  } else {
    console.error(error instanceof Error ? error.message : String(error));
  }
  process.exitCode = 1;
}

/** Wraps a command action so any failure is reported, not thrown as a stack trace. */
export function action<A extends unknown[]>(run: (...args: A) => Promise<void>): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await run(...args);
    } catch (error) {
      reportError(error);
    }
  };
}

/** Columns whose cells are codes the CLI names in its language (states, situations). */
const CODE_COLUMNS = new Set(['status', 'state', 'situation', 'outcome', 'kind', 'actor', 'upload', 'active']);

/** Terminal columns a text takes: CJK characters take two. */
function displayWidth(text: string): number {
  let width = 0;
  for (const ch of text) width += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/.test(ch) ? 2 : 1;
  return width;
}

/** A table with its headers (and the codes in state columns) in the CLI's language. */
export function printTable(rows: Array<Record<string, unknown>>, columns: string[]): void {
  const zh = cliLocale() === 'zh-CN';
  const cell = (c: string, v: unknown) => (v === null || v === undefined ? '' : zh && CODE_COLUMNS.has(c) ? codeZh(String(v)) : String(v));
  const text = rows.map((r) => columns.map((c) => cell(c, r[c])));
  const headers = columns.map((c) => (zh ? (COLUMN_ZH[c] ?? c) : c));
  const widths = headers.map((h, i) => Math.max(displayWidth(h), ...text.map((t) => displayWidth(t[i]!))));
  const line = (cells: string[]) => cells.map((cell, i) => cell + ' '.repeat(Math.max(0, widths[i]! - displayWidth(cell)))).join('  ').trimEnd();
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
