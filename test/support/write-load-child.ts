/**
 * Child process for the multi-process tests: writes orders to the store DATABASE_URL names, one transaction per
 * order (each a new order and its events), and prints each platform order id on its own line once committed —
 * i.e. acknowledged. Any error is printed as `ERROR <code> <message>` and ends the process with code 1.
 * argv[2] is the id prefix; it runs until killed.
 */
import { createContext } from '../../src/app/context';
import { openStore } from '../../src/store/database';
import { addAwaitingOrder } from './pack';

const prefix = process.argv[2]!;
const ctx = createContext(openStore());
try {
  for (let i = 1; ; i++) {
    const id = `${prefix}${i}`;
    await addAwaitingOrder(ctx, 'load', id, { now: Date.UTC(2026, 10, 20, 5), shipInHours: 72, sku: 'SKU-L' });
    process.stdout.write(`${id}\n`);
  }
} catch (error) {
  process.stdout.write(
    `ERROR ${(error as { code?: string }).code ?? ''} ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
}
