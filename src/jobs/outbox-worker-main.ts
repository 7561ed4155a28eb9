/**
 * Process entrypoint of one outbox worker (what `shipby outbox work` runs, without loading the whole CLI):
 *   node --import tsx src/jobs/outbox-worker-main.ts [--drain]
 * DATABASE_URL and SHIPBY_MASTER_KEY as everywhere; tuning in SHIPBY_OUTBOX_* (outboxSettingsFromEnv).
 * SIGTERM / SIGINT stop claiming, finish and record what is in flight, then exit. On exit it prints one JSON line
 * with its counts and the CPU time it used (`cpu_ms`, start-up included).
 */
import { createContext } from '../app/context';
import { masterKeyFromEnv } from '../app/secrets';
import { openStore } from '../store/database';
import { migrateWhenReachable } from '../app/health';
import { outboxSettingsFromEnv, runOutboxWorker } from './outbox-worker';
import { checkConfig, ConfigError, setting } from '../core/config';

async function main(): Promise<void> {
  // The whole configuration is checked first: a bad value stops the start with its name and what is expected.
  checkConfig(process.env);
  const drain = process.argv.includes('--drain');
  const masterKey = masterKeyFromEnv();
  const { settings, concurrency, timeoutMs } = outboxSettingsFromEnv();
  const store = openStore(undefined, { poolSize: 4 });
  const stop = new AbortController();
  process.once('SIGTERM', () => stop.abort());
  process.once('SIGINT', () => stop.abort());
  try {
    await migrateWhenReachable(store, { log: (line) => console.error(line), signal: stop.signal });
    const stats = await runOutboxWorker(createContext(store), {
      masterKey,
      settings,
      concurrency,
      clientOptions: { timeoutMs },
      stopWhenDrained: drain,
      idlePollMs: setting(process.env, 'SHIPBY_OUTBOX_IDLE_POLL_MS'),
      signal: stop.signal,
      ...(process.env.SHIPBY_WORKER_ID ? { workerId: process.env.SHIPBY_WORKER_ID } : {}),
      log: (line) => console.error(line),
    });
    const cpu = process.cpuUsage();
    console.log(JSON.stringify({ ...stats, cpu_ms: Math.round((cpu.user + cpu.system) / 1000) }));
  } finally {
    await store.close();
  }
}

main().catch((error: unknown) => {
  // A ConfigError's message is both languages' (the log of a process nobody started by hand is read by either).
  console.error(
    error instanceof ConfigError
      ? `${error.localizedMessage.en}\n${error.localizedMessage['zh-CN']}`
      : error instanceof Error
        ? error.message
        : String(error),
  );
  process.exitCode = 1;
});
