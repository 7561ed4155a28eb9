/**
 * Each store/app test runs once per backend: a fresh SQLite file and a fresh PostgreSQL database, each a copy of the
 * store test/global-setup.ts migrated once for the run (the migration check on open then finds it current).
 *
 * A PostgreSQL copy takes the server a second or so, mostly writing and syncing files, and dropping it as long: a test
 * file's PostgreSQL tests each take the copy made while the test before it ran (one is made ahead, from the first),
 * and each database is dropped while the next test runs. After the file, the copy made ahead and the drops are
 * waited for.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, inject } from 'vitest';
import { createContext, type AppContext } from '../../src/app/context';
import { migrateToLatest, openStore, type Store } from '../../src/store/database';
import { createScratchDatabase } from '../../src/store/pg-admin';

export interface TestBackend {
  name: 'sqlite' | 'postgres';
  open(): Promise<{ store: Store; dispose: () => Promise<void> }>;
}

export const backends: TestBackend[] = [
  {
    name: 'sqlite',
    async open() {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shipby-test-'));
      const store = openStore(`sqlite:${copyMigratedSqlite(path.join(dir, 'test.db'))}`);
      await migrateToLatest(store);
      return {
        store,
        dispose: async () => {
          await store.close();
          fs.rmSync(dir, { recursive: true, force: true });
        },
      };
    },
  },
  {
    name: 'postgres',
    async open() {
      const scratch = await takePgCopy();
      const store = openStore(scratch.url, { poolSize: 4 });
      await migrateToLatest(store);
      return {
        store,
        dispose: async () => {
          await store.close();
          dropLater(scratch);
        },
      };
    },
  },
];

type PgScratch = Awaited<ReturnType<typeof createScratchDatabase>>;

/** A new PostgreSQL database, a copy of the run's migrated template: its address, and how to drop it. */
export function pgTemplateCopy(): Promise<PgScratch> {
  return createScratchDatabase(inject('pgDatabasePrefix'), inject('pgAdminUrl'), { template: inject('pgTemplate') });
}

/** This file's copy made ahead for its next PostgreSQL test, and the drops still under way. */
let ahead: Promise<PgScratch> | undefined;
const dropping = new Set<Promise<void>>();

/** The copy made ahead (or a new one, the first time), and the next one started. */
function takePgCopy(): Promise<PgScratch> {
  const copy = ahead ?? pgTemplateCopy();
  ahead = pgTemplateCopy();
  // A copy that failed fails the test that takes it, not this unhandled.
  ahead.catch(() => undefined);
  return copy;
}

const dropFailures: unknown[] = [];

function dropLater(scratch: PgScratch): void {
  const drop = scratch
    .drop()
    .catch((error: unknown) => void dropFailures.push(error))
    .finally(() => dropping.delete(drop));
  dropping.add(drop);
}

// After the file: the copy made ahead is dropped, and every drop has ended (a failed one fails the file).
afterAll(async () => {
  const left = ahead;
  ahead = undefined;
  if (left) await left.then(dropLater, () => undefined);
  await Promise.all(dropping);
  if (dropFailures.length) throw dropFailures[0];
});

/** Writes a SQLite store migrated to the latest schema at `file` (a copy of the run's) and returns `file`. */
export function copyMigratedSqlite(file: string): string {
  fs.copyFileSync(inject('sqliteTemplate'), file);
  return file;
}

/** A clock the test moves by hand. */
export function manualClock(start = Date.UTC(2026, 10, 25, 12)): {
  now: () => number;
  advance: (ms: number) => void;
  set: (t: number) => void;
} {
  let t = start;
  return { now: () => t, advance: (ms) => (t += ms), set: (v) => (t = v) };
}

export function contextFor(store: Store, clock = manualClock()): AppContext {
  return createContext(store, clock.now);
}

export function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'shipby-files-'));
}
