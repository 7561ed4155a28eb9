/**
 * Each store/app test runs once per backend: a fresh SQLite file and a fresh PostgreSQL database, each a copy of the
 * store test/global-setup.ts migrated once for the run (the migration check on open then finds it current).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { inject } from 'vitest';
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
      const scratch = await createScratchDatabase(inject('pgDatabasePrefix'), inject('pgAdminUrl'), {
        template: inject('pgTemplate'),
      });
      const store = openStore(scratch.url, { poolSize: 4 });
      await migrateToLatest(store);
      return {
        store,
        dispose: async () => {
          await store.close();
          await scratch.drop();
        },
      };
    },
  },
];

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
