/**
 * What every CLI command shares: the database from DATABASE_URL (migrated on open), the locale, and output.
 */
import { parseAsOf } from '../app/as-of';
import type { AppContext } from '../app/context';
import { ConflictError, LocalizedError, sellerError, ValidationError } from '../app/errors';
import type { FixScreen } from '../core/fix';
import { cliLocale } from './locale';
import { countdown, printJson, printTable, say } from './output';

export { cliLocale, countdown, printJson, printTable, say };

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
      if (issue.fix)
        console.error(
          locale === 'zh-CN'
            ? `  命令行：shipby ${CLI_FIX[issue.fix.screen]} --help`
            : `  From the command line: shipby ${CLI_FIX[issue.fix.screen]} --help`,
        );
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
