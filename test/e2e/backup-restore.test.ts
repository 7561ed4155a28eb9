/**
 * `shipby backup` under write load from two other processes, then `shipby restore`: integrity ok and every order
 * acknowledged before the backup started is there; no writer ever saw "database is locked". A restore is refused
 * while a server runs on the store, and for a corrupt backup, leaving the store as it was.
 */
import fs from 'node:fs';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { backupStore, restoreStore } from '../../src/app/backup';
import { createContext } from '../../src/app/context';
import { LocalizedError } from '../../src/app/errors';
import { announceServer, releaseProcessLeases } from '../../src/app/store-leases';
import { migrateToLatest, openStore } from '../../src/store/database';
import { backends, tempDir } from '../support/backends';
import { shipbyInProcess } from '../support/cli-in-process';
import { CHILD_PROCESS_TIMEOUT, shipby, startChild, stop, waitUntil, type Child } from '../support/processes';

const dir = tempDir();
const live = path.join(dir, 'live.db');
const env = { DATABASE_URL: `sqlite:${live}` };
const acked = (writers: Child[]) => writers.flatMap((w) => w.lines.filter((l) => !l.startsWith('ERROR') && l.trim()));
const errors = (writers: Child[]) => writers.flatMap((w) => w.lines.filter((l) => l.startsWith('ERROR')));

function orderIds(file: string): Set<string> {
  const db = new SqliteDatabase(file, { readonly: true });
  try {
    return new Set(
      (db.prepare('SELECT platform_order_id AS id FROM orders').all() as Array<{ id: string }>).map((r) => r.id),
    );
  } finally {
    db.close();
  }
}

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('backup and restore of a SQLite store', () => {
  it(
    'backs up under write load and restores every order acknowledged before the backup',
    async () => {
      const store = openStore(env.DATABASE_URL);
      await migrateToLatest(store);
      await store.close();

      const writers = ['A', 'B'].map((prefix) => startChild('test/support/write-load-child.ts', [prefix], env));
      const backup = path.join(dir, 'backup.db');
      try {
        await waitUntil(() => {
          expect(errors(writers)).toEqual([]);
          expect(writers.every((w) => w.lines.length >= 30)).toBe(true);
        });
        const before = new Set(acked(writers));
        const done = await shipby(['backup', backup], env);
        expect(done.stderr).toBe('');
        expect(done.stdout).toMatch(/^backed up to .*backup\.db: \d+ orders, \d+ bytes, integrity ok/);
        // The writers went on during the backup and after it.
        const afterBackup = acked(writers).length;
        await waitUntil(() => expect(acked(writers).length).toBeGreaterThan(afterBackup + 10));
        expect(errors(writers)).toEqual([]);

        const inBackup = orderIds(backup);
        for (const id of before) expect(inBackup.has(id), id).toBe(true);
      } finally {
        // Killed, not stopped: the live store keeps a -wal and -shm that the restore must not replay.
        for (const w of writers) await stop(w, 'SIGKILL');
      }
      expect(errors(writers)).toEqual([]);
      expect(fs.existsSync(`${live}-wal`)).toBe(true);

      const restored = await shipby(['restore', backup, '--json'], env);
      expect(restored.stderr).toBe('');
      expect(restored.code).toBe(0);
      const report = JSON.parse(restored.stdout);
      const inBackup = orderIds(backup);
      expect(report.orders).toBe(inBackup.size);
      const db = new SqliteDatabase(live, { readonly: true });
      try {
        expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      } finally {
        db.close();
      }
      expect(orderIds(live)).toEqual(inBackup);
    },
    CHILD_PROCESS_TIMEOUT,
  );

  it(
    'refuses to restore while a server runs on the store, and a corrupt backup; the store is left as it was',
    async () => {
      // The corrupt backup is refused by `./bin/shipby`; the other refusals come from the same command line code run in
      // this process (support/cli-in-process.ts), without a Node process to start for each.
      const backup = path.join(dir, 'backup.db');
      const ordersBefore = orderIds(live);
      const store = openStore(env.DATABASE_URL);
      const ctx = createContext(store);
      try {
        await announceServer(ctx, 'test-server', 60_000);
        const refused = await shipbyInProcess(['restore', backup], env);
        expect(refused.code).toBe(1);
        expect(refused.stderr).toMatch(/A shipby server is running on .*live\.db \(test-server\); stop it first/);
        const zh = await shipbyInProcess(['restore', backup], { ...env, SHIPBY_LANG: 'zh-CN' });
        expect(zh.stderr).toMatch(/有 shipby 服务器正在使用/);
      } finally {
        await releaseProcessLeases(ctx, 'test-server');
        await store.close();
      }

      const corrupt = path.join(dir, 'corrupt.db');
      const bytes = fs.readFileSync(backup);
      // Keep the header (page 1), wreck a stretch of pages after it.
      bytes.fill(0x5a, 4096 * 2, Math.min(bytes.length, 4096 * 6));
      fs.writeFileSync(corrupt, bytes);
      const bad = await shipby(['restore', corrupt], env);
      expect(bad.code).toBe(1);
      expect(bad.stderr).toMatch(/corrupt\.db is not a sound backup of shipby .*nothing was restored/);
      const notADatabase = path.join(dir, 'notes.txt');
      fs.writeFileSync(notADatabase, 'not a database at all, but long enough to have a header of sorts\n'.repeat(100));
      expect((await shipbyInProcess(['restore', notADatabase], env)).stderr).toMatch(/is not a sound backup of shipby/);
      expect(orderIds(live)).toEqual(ordersBefore);
    },
    CHILD_PROCESS_TIMEOUT,
  );
});

describe('backup and restore on PostgreSQL', () => {
  it(
    'write nothing and say how to use pg_dump and pg_restore, in both languages',
    async () => {
      const { store, dispose } = await backends.find((b) => b.name === 'postgres')!.open();
      try {
        for (const attempt of [
          backupStore(createContext(store), path.join(dir, 'pg.db')),
          restoreStore(store.url, path.join(dir, 'backup.db')),
        ]) {
          const error = await attempt.then(
            () => null,
            (e: unknown) => e,
          );
          expect(error).toBeInstanceOf(LocalizedError);
          expect((error as LocalizedError).localizedMessage.en).toMatch(
            /pg_dump --format=custom[\s\S]*pg_restore --clean/,
          );
          expect((error as LocalizedError).localizedMessage['zh-CN']).toMatch(/请用 pg_dump/);
        }
        expect(fs.existsSync(path.join(dir, 'pg.db'))).toBe(false);
      } finally {
        await dispose();
      }
    },
    CHILD_PROCESS_TIMEOUT,
  );
});
