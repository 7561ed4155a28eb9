/**
 * The HTTP server that `bench:api` measures, in its own process so that autocannon's CPU does not share the
 * server's event loop. Usage: node --import tsx bench/lib/api-server.ts DATABASE_URL on|off
 *
 * Prints one JSON line `{"port": N}` once it listens on 127.0.0.1. Then, on standard input, each line `cpu`
 * is answered with `{"cpuMicros": N}` (this process's user + system CPU so far), and `exit` (or the end of
 * standard input) closes the server and the database. The access log is on (to a file, SHIPBY_BENCH_LOG).
 */
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import pino from 'pino';
import type { AddressInfo } from 'node:net';
import { createContext } from '../../src/app/context';
import { buildServer } from '../../src/http/server';
import { openStore } from '../../src/store/database';

const [url, mode] = process.argv.slice(2);
if (!url || (mode !== 'on' && mode !== 'off')) {
  console.error('usage: node --import tsx bench/lib/api-server.ts DATABASE_URL on|off');
  process.exit(2);
}
const store = openStore(url);
// The real access log is on, written to a file (one line per request, personal data redacted): what it costs is
// part of what is measured. SHIPBY_BENCH_LOG names the file (default in the temporary folder).
const logFile = process.env.SHIPBY_BENCH_LOG ?? path.join(os.tmpdir(), `shipby-bench-api-${mode}.log`);
const logStream = pino.destination({ dest: logFile, sync: false }) as unknown as NodeJS.WritableStream;
const app = await buildServer(createContext(store), {
  authentication: mode === 'on',
  rateLimit: { perMinute: 1e9 },
  logger: true,
  logStream,
});
await app.listen({ host: '127.0.0.1', port: 0 });
console.log(JSON.stringify({ port: (app.server.address() as AddressInfo).port }));

let closing = false;
async function close() {
  if (closing) return;
  closing = true;
  await app.close();
  await store.close();
  process.exit(0);
}
const lines = readline.createInterface({ input: process.stdin });
lines.on('line', (line) => {
  const command = line.trim();
  if (command === 'cpu') {
    const used = process.cpuUsage();
    console.log(JSON.stringify({ cpuMicros: used.user + used.system }));
  } else if (command === 'exit') void close();
});
lines.on('close', () => void close());
