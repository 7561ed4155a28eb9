/**
 * A process killed (SIGKILL) at any point of a SQLite migration leaves a store that opens and migrates: the
 * migrations and their `kysely_migration` rows are one transaction (store/sqlite-dialect.ts).
 */
import fs from 'node:fs';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { LocalizedError } from '../../src/app/errors';
import { migrateToLatest, openStore } from '../../src/store/database';
import { buildMigrations } from '../../src/store/migrations/index';
import { tempDir } from '../support/backends';
import { CHILD_PROCESS_TIMEOUT, startChild } from '../support/processes';

const dir = tempDir();

async function migrateInChild(
  file: string,
  killAt: number,
): Promise<{ signal: NodeJS.Signals | null; stdout: string }> {
  const run = startChild('test/support/migrate-child.ts', [file, String(killAt)], {});
  const { signal } = await run.exited;
  return { signal, stdout: run.lines.join('\n') };
}

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('SIGKILL during a SQLite migration', () => {
  it(
    'always leaves a store that opens and migrates to the latest',
    async () => {
      const full = await migrateInChild(path.join(dir, 'count.db'), 0);
      const { statements } = JSON.parse(full.stdout) as { statements: number };
      expect(statements).toBeGreaterThan(50);
      const migrations = Object.keys(buildMigrations('sqlite'));

      // Kill points spread over the whole run (and a few random ones): before, inside and after the migrations.
      const points = [
        1,
        2,
        5,
        ...Array.from({ length: 6 }, (_, i) => Math.ceil(((i + 1) * statements) / 7)),
        ...Array.from({ length: 3 }, () => 1 + Math.floor(Math.random() * statements)),
      ];
      for (const [i, killAt] of points.entries()) {
        const file = path.join(dir, `crash-${i}.db`);
        const run = await migrateInChild(file, killAt);
        expect(run.signal).toBe('SIGKILL');
        const store = openStore(`sqlite:${file}`);
        try {
          await migrateToLatest(store);
          const applied = await store.db
            .selectFrom('kysely_migration' as never)
            .select('name' as never)
            .orderBy('name' as never)
            .execute();
          expect(applied.map((r) => (r as { name: string }).name)).toEqual(migrations);
          expect(store.sqlite!.pragma('integrity_check', { simple: true })).toBe('ok');
        } finally {
          await store.close();
        }
      }
    },
    CHILD_PROCESS_TIMEOUT,
  );
});

describe('several processes migrating one fresh SQLite file at once', () => {
  it(
    'all succeed and the store is whole: none takes the fresh tables of another for leftovers',
    async () => {
      const migrations = Object.keys(buildMigrations('sqlite'));
      for (let round = 0; round < 3; round++) {
        const file = path.join(dir, `together-${round}.db`);
        const runs = await Promise.all([0, 1, 2].map(() => migrateInChild(file, 0)));
        expect(runs.map((r) => r.signal)).toEqual([null, null, null]);
        expect(runs.every((r) => /"statements":\d+/.test(r.stdout))).toBe(true);
        const store = openStore(`sqlite:${file}`);
        try {
          const applied = await store.db
            .selectFrom('kysely_migration' as never)
            .select('name' as never)
            .orderBy('name' as never)
            .execute();
          expect(applied.map((r) => (r as { name: string }).name)).toEqual(migrations);
          expect(await store.db.selectFrom('store_leases').selectAll().execute()).toEqual([]);
        } finally {
          await store.close();
        }
      }
    },
    CHILD_PROCESS_TIMEOUT,
  );
});

/**
 * A store as shipby left it before migrations were atomic: Kysely's own SqliteDialect (no transaction), the
 * migrations up to `recordedUpTo` recorded, then the next one killed after `statements` of its statements.
 */
async function halfApplied(file: string, recordedUpTo: string, statements: number): Promise<void> {
  const sqlite = new SqliteDatabase(file);
  const db = new Kysely<any>({ dialect: new SqliteDialect({ database: sqlite }) });
  const migrations = buildMigrations('sqlite');
  await new Migrator({ db, provider: { getMigrations: async () => migrations } }).migrateTo(recordedUpTo);
  const names = Object.keys(migrations);
  const next = migrations[names[names.indexOf(recordedUpTo) + 1]!]!;
  const prepare = sqlite.prepare.bind(sqlite);
  let count = 0;
  sqlite.prepare = ((source: string) => {
    if (++count > statements) throw new Error('killed');
    return prepare(source);
  }) as typeof sqlite.prepare;
  await expect(next.up(db)).rejects.toThrow('killed');
  sqlite.prepare = prepare;
  await db.destroy();
}

describe('a store half-migrated by an older shipby', () => {
  it(
    'is repaired: the leftovers of the unrecorded migration are removed and it runs again whole',
    async () => {
      const migrations = Object.keys(buildMigrations('sqlite'));
      // 0001 creates tables and indexes; 0004 and 0009 also add columns to existing tables.
      for (const [recordedUpTo, statements] of [
        ['0001_orders', 0],
        ['0001_orders', 3],
        ['0003_stock', 4],
        ['0008_planning', 3],
        ['0008_planning', 6],
      ] as const) {
        const file = path.join(dir, `half-${recordedUpTo}-${statements}.db`);
        if (recordedUpTo === '0001_orders' && statements === 0) {
          // Killed inside the very first migration: nothing recorded, some tables there.
          const sqlite = new SqliteDatabase(file);
          sqlite.exec(
            'CREATE TABLE shops (id text primary key, name text not null, platform text not null, created_at integer not null)',
          );
          sqlite.close();
        } else {
          await halfApplied(file, recordedUpTo, statements);
        }
        const store = openStore(`sqlite:${file}`);
        try {
          await migrateToLatest(store);
          const applied = await store.db
            .selectFrom('kysely_migration' as never)
            .select('name' as never)
            .orderBy('name' as never)
            .execute();
          expect(applied.map((r) => (r as { name: string }).name)).toEqual(migrations);
        } finally {
          await store.close();
        }
      }
    },
    CHILD_PROCESS_TIMEOUT,
  );

  it(
    'is refused, in English and Chinese, when it holds something no migration makes',
    async () => {
      const file = path.join(dir, 'half-stray.db');
      await halfApplied(file, '0003_stock', 4);
      const sqlite = new SqliteDatabase(file);
      sqlite.exec('CREATE TABLE my_notes (note text)');
      sqlite.close();
      const store = openStore(`sqlite:${file}`);
      try {
        const error = await migrateToLatest(store).then(
          () => null,
          (e: unknown) => e,
        );
        expect(error).toBeInstanceOf(LocalizedError);
        const message = (error as LocalizedError).localizedMessage;
        expect(message.en).toContain('half-upgraded');
        expect(message.en).toContain('my_notes');
        expect(message['zh-CN']).toContain('半升级');
        // Nothing was changed: the leftovers of 0004 are still there.
        expect(
          store.sqlite!.prepare(`SELECT count(*) AS n FROM pragma_table_info('shops') WHERE name = 'policy_id'`).get(),
        ).toEqual({ n: 1 });
      } finally {
        await store.close();
      }
    },
    CHILD_PROCESS_TIMEOUT,
  );
});
