/**
 * The migration check on open (store/database.ts): a current store is recognised with one read and left alone,
 * an unmigrated one is migrated, and a store whose newest recorded migration is not this code's newest goes to the
 * full migrator. On both backends.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { inject, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { migrateToLatest, openStore, pendingMigrations, schemaIsCurrent } from '../../src/store/database';
import { buildMigrations } from '../../src/store/migrations/index';
import { createScratchDatabase } from '../../src/store/pg-admin';
import { backends } from '../support/backends';

describe.each(backends)('the migration check on open ($name)', (backend) => {
  it('knows a current store with one read and changes nothing; an older newest row sends it to the migrator', async () => {
    const { store, dispose } = await backend.open();
    try {
      expect(await schemaIsCurrent(store)).toBe(true);
      expect(await migrateToLatest(store)).toEqual({ results: [] });
      expect(await pendingMigrations(store)).toEqual([]);

      const newest = Object.keys(buildMigrations(store.dialect)).sort().at(-1)!;
      await sql`DELETE FROM kysely_migration WHERE name = ${newest}`.execute(store.db);
      expect(await schemaIsCurrent(store)).toBe(false);
      expect(await pendingMigrations(store)).toEqual([newest]);
    } finally {
      await dispose();
    }
  }, 240_000);
});

describe('an unmigrated store', () => {
  it('is not current, and is migrated in full on open (SQLite)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shipby-migration-check-'));
    const store = openStore(`sqlite:${path.join(dir, 'fresh.db')}`);
    try {
      expect(await schemaIsCurrent(store)).toBe(false);
      const result = await migrateToLatest(store);
      expect(result.results?.map((r) => r.migrationName)).toEqual(Object.keys(buildMigrations('sqlite')).sort());
      expect(await schemaIsCurrent(store)).toBe(true);
    } finally {
      await store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 240_000);

  it('is not current, and is migrated in full on open (PostgreSQL)', async () => {
    const scratch = await createScratchDatabase(inject('pgDatabasePrefix'), inject('pgAdminUrl'));
    const store = openStore(scratch.url, { poolSize: 2 });
    try {
      expect(await schemaIsCurrent(store)).toBe(false);
      await migrateToLatest(store);
      expect(await schemaIsCurrent(store)).toBe(true);
    } finally {
      await store.close();
      await scratch.drop();
    }
  }, 240_000);

  it('a current SQLite store opens while another process holds the write lock (the check only reads)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shipby-migration-check-'));
    const file = path.join(dir, 'busy.db');
    const first = openStore(`sqlite:${file}`);
    await migrateToLatest(first);
    await first.close();
    const other = new SqliteDatabase(file);
    other.exec('BEGIN IMMEDIATE');
    const store = openStore(`sqlite:${file}`);
    try {
      expect(await migrateToLatest(store)).toEqual({ results: [] });
    } finally {
      other.exec('ROLLBACK');
      other.close();
      await store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 240_000);
});
