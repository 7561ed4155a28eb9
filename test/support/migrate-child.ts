/**
 * Child process for the crash tests: migrates the SQLite file in argv[2] and, when argv[3] is N > 0, SIGKILLs
 * itself just before the N-th statement SQLite is asked to run (counted at `prepare`, which every Kysely query
 * goes through). Prints the number of statements run when it is not killed.
 */
import { migrateToLatest, openStore } from '../../src/store/database';

const [file, killAt] = [process.argv[2]!, Number(process.argv[3] ?? 0)];
const store = openStore(`sqlite:${file}`);
const sqlite = store.sqlite!;
const prepare = sqlite.prepare.bind(sqlite);
let statements = 0;
sqlite.prepare = ((source: string) => {
  statements++;
  if (killAt > 0 && statements >= killAt) process.kill(process.pid, 'SIGKILL');
  return prepare(source);
}) as typeof sqlite.prepare;
await migrateToLatest(store);
await store.close();
console.log(JSON.stringify({ statements }));
