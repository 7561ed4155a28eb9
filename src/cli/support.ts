/**
 * What every CLI command shares: the database from DATABASE_URL (migrated on open), the locale, and output.
 */
import fs from 'node:fs';
import { InvalidArgumentError } from 'commander';
import { parseAsOf } from '../app/as-of';
import type { AppContext } from '../app/context';
import { ConflictError, LocalizedError, sellerError, ValidationError } from '../app/errors';
import type { FixScreen } from '../core/fix';
import { localized, type Localized } from '../core/i18n';
import { systemErrorMessage, unexpectedError } from '../app/system-errors';
import { toIso } from '../core/time';
import { cliLocale } from './locale';
import { countdown, issueLine, printJson, printTable, say } from './output';

export { cliLocale, countdown, issueLine, printJson, printTable, say };

/** Opens the store, runs the command, and always closes it. */
export async function withApp<T>(run: (ctx: AppContext) => Promise<T>): Promise<T> {
  // Imported here, not above: a command that never opens the store does not load it (bench:cli).
  const [{ migrateToLatest, openStore }, { createContext }] = await Promise.all([
    import('../store/database'),
    import('../app/context'),
  ]);
  const store = openStore();
  try {
    await migrateToLatest(store);
    return await run(createContext(store));
  } finally {
    await store.close();
  }
}

/** A command line that cannot be acted on (a bad option): nothing ran, exit code 2. */
class UsageError extends LocalizedError {}

/** The refusal of a bad option or argument, in both languages: `throw refuse(en, zh)`; nothing ran, exit code 2. */
export function refuse(en: string, zh: string): UsageError {
  return new UsageError(localized(en, zh));
}

/**
 * The text of a file the command was given, and its JSON: a file that cannot be read, or is not JSON (named by the
 * line and column where it stops parsing), is refused in both languages; nothing ran.
 */
export function readJsonFile(file: string): { text: string; json: unknown } {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    const said = systemErrorMessage(error, file);
    if (said) throw new UsageError(said);
    throw error;
  }
  try {
    return { text, json: JSON.parse(text) };
  } catch (error) {
    const at = /position (\d+)/.exec((error as Error).message);
    const before = at ? text.slice(0, Number(at[1])).split('\n') : undefined;
    const where = before ? { line: before.length, column: before.at(-1)!.length + 1 } : undefined;
    throw refuse(
      `${file} is not valid JSON${where ? ` (line ${where.line}, column ${where.column})` : ''}: check its brackets, quotes and commas.`,
      `${file} 不是有效的 JSON${where ? `（第 ${where.line} 行第 ${where.column} 列）` : ''}：请检查括号、引号和逗号。`,
    );
  }
}

/** A whole number given as `option` (at least `min`), undefined when not given; anything else is refused. */
export function whole(text: string | undefined, option: string, min = Number.MIN_SAFE_INTEGER): number | undefined {
  if (text === undefined) return undefined;
  if (!/^-?\d+$/.test(text.trim()) || Number(text) < min) {
    const bound = min === 0 ? ' ≥ 0' : min === 1 ? ' ≥ 1' : '';
    throw refuse(
      `${option} must be a whole number${bound}, not "${text}"`,
      `${option} 须为整数${bound}，而不是“${text}”`,
    );
  }
  return Number(text);
}

/** "SKU=N" pairs (purchase order lines, bundle components); a bare SKU means 1. */
export function pairs(items: string[], what: string): Array<{ sku: string; quantity: number }> {
  return items.map((item) => {
    const m = /^(.+?)(?:=(\d+))?$/.exec(item.trim());
    if (!m) throw refuse(`"${item}" is not SKU=${what}`, `“${item}”不是 SKU=${what} 的格式`);
    return { sku: m[1]!, quantity: m[2] === undefined ? 1 : Number(m[2]) };
  });
}

/** A time to the minute, "2026-11-27 18:02" (UTC); empty when there is none. */
export function minute(epochMs: number | null | undefined): string {
  return epochMs === null || epochMs === undefined ? '' : (toIso(epochMs)?.slice(0, 16).replace('T', ' ') ?? '');
}

/** A commander parser for a whole number ≥ 1 (`--parcel 7`, a case id); commander reports the refusal. */
export function positiveInteger(name: string): (value: string) => number {
  return (value: string): number => {
    const parsed = Number(value);
    if (!Number.isInteger(parsed) || parsed < 1)
      throw new InvalidArgumentError(say(localized(`${name} must be a whole number ≥ 1`, `${name} 须为 ≥ 1 的整数`)));
    return parsed;
  };
}

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

function isLocalized(value: unknown): value is Localized {
  return typeof value === 'object' && value !== null && typeof (value as Localized)['zh-CN'] === 'string';
}

/** Prints an error the way a seller can act on it, and sets the exit code. */
export function reportError(thrown: unknown): void {
  const locale = cliLocale();
  // A file's error (it carries the path) is about that file, even a full disk: not about the database.
  const fileError = (thrown as { path?: unknown } | null)?.path ? systemErrorMessage(thrown) : undefined;
  if (fileError) {
    console.error(fileError[locale]);
    process.exitCode = 1;
    return;
  }
  const error = sellerError(thrown);
  if (error instanceof UsageError) {
    console.error(error.localizedMessage[locale]);
    process.exitCode = 2;
    return;
  }
  if (error instanceof ValidationError) {
    for (const issue of error.issues) {
      console.error(issueLine(issue).trimStart());
      // A message points at the dashboard; at the command line, the command that sets the same thing.
      if (issue.fix)
        console.error(
          locale === 'zh-CN'
            ? `  命令行：\`shipby ${CLI_FIX[issue.fix.screen]} --help\``
            : `  From the command line: shipby ${CLI_FIX[issue.fix.screen]} --help`,
        );
    }
  } else if (error instanceof ConflictError) {
    console.error(`${error.localizedMessage[locale]} [${error.rule}]`);
  } else if (error instanceof LocalizedError) {
    console.error(error.localizedMessage[locale]);
  } else if (error instanceof Error && isLocalized((error as { localizedMessage?: unknown }).localizedMessage)) {
    // An error of its own kind that still carries both languages (SecretsError).
    console.error((error as unknown as { localizedMessage: Localized }).localizedMessage[locale]);
  } else {
    console.error(unexpectedError(error)[locale]);
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
