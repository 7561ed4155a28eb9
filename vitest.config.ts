import { createHash } from 'node:crypto';
import os from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 60_000,
    // expect.poll waits for a condition (a screen showing a message, a row appearing): on a busy machine a browser
    // round trip can take longer than vitest's default second, so the wait is bounded by 10 s instead.
    expect: { poll: { timeout: 10_000 } },
    hookTimeout: 60_000,
    pool: 'forks',
    // A worker runs its files one after another in one process, sharing its module cache (isolate: false): loading
    // and transpiling the app's modules again for each file cost ~3 s a file, 500 of the suite's 1,350 worker-seconds
    // (npm test: 676 s isolated, 458 s shared, same machine). So a file restores what it changes of the process
    // (environment variables, spies, process.exitCode) when it ends.
    isolate: false,
    // Vitest runs cores − 1 files at a time: one on a 2-core machine, which then idles while a file waits on
    // PostgreSQL, Chromium or a child process. The files are independent (own databases, ports, folders): two at once.
    maxWorkers: Math.max(2, os.availableParallelism() - 1),
    // Stored secrets (marketplace credentials, carrier accounts) are encrypted with SHIPBY_MASTER_KEY; the tests and
    // the processes they start use this one (test/support/outbox-fixtures.ts TEST_MASTER_KEY: a weak key such as
    // 32 × 0x07 is refused, so it is the SHA-256 of a label).
    // The outgoing-request guard (src/integrations/outbound.ts) refuses loopback addresses; the tests' fake carriers,
    // tracking providers and webhook receivers listen on 127.0.0.1 and `localhost`, so those two are allowed.
    env: {
      SHIPBY_MASTER_KEY: createHash('sha256').update('shipby test master key').digest('base64'),
      SHIPBY_OUTBOUND_ALLOW: '127.0.0.1,localhost',
    },
  },
});
