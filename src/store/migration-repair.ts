/**
 * A SQLite store left half-migrated by a version of shipby that ran migrations statement by statement (before
 * store/sqlite-dialect.ts made them one transaction): a process killed mid-migration left some of a migration's
 * tables, indexes or columns behind without its `kysely_migration` row, and every later start failed with
 * `table "shops" already exists`.
 *
 * The schema the recorded migrations should have made is rebuilt in memory (the same migrations on an empty
 * database) and compared with the file's. What is there beyond it and belongs to a pending migration is removed in
 * one transaction, so the pending migrations run again whole. Anything else (an object no migration makes, a column
 * that cannot be dropped) is refused with a message saying what to do.
 */
import SqliteDatabase from 'better-sqlite3';
import { Kysely } from 'kysely';
import { LocalizedError, localized } from '../core/i18n';
import { buildMigrations } from './migrations/index';
import { busyWaitMs, retryWhileBusy, ShipbySqliteDialect } from './sqlite-dialect';

interface SchemaObject {
  type: 'table' | 'index';
  name: string;
  table: string;
  columns: string[];
}

type Schema = Map<string, SchemaObject>;

function readSchema(sqlite: SqliteDatabase.Database): Schema {
  const rows = sqlite
    .prepare(
      `SELECT type, name, tbl_name AS "table" FROM sqlite_master WHERE type IN ('table', 'index') AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'kysely_%' ORDER BY rowid`,
    )
    .all() as Array<{ type: 'table' | 'index'; name: string; table: string }>;
  const schema: Schema = new Map();
  for (const row of rows) {
    const columns =
      row.type === 'table'
        ? (sqlite.pragma(`table_info("${row.name.replace(/"/g, '""')}")`) as Array<{ name: string }>).map((c) => c.name)
        : [];
    schema.set(row.name, { ...row, columns });
  }
  return schema;
}

function recordedMigrations(sqlite: SqliteDatabase.Database): string[] {
  const table = sqlite.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'kysely_migration'`).get();
  if (!table) return [];
  return (sqlite.prepare('SELECT name FROM kysely_migration ORDER BY name').all() as Array<{ name: string }>).map(
    (r) => r.name,
  );
}

/** The schema after each prefix of the migrations, built on an in-memory database. */
async function expectedSchemas(names: string[]): Promise<Schema[]> {
  const migrations = buildMigrations('sqlite');
  const memory = new SqliteDatabase(':memory:');
  const db = new Kysely<any>({ dialect: new ShipbySqliteDialect(memory) });
  try {
    const schemas = [readSchema(memory)];
    for (const name of names) {
      await migrations[name]!.up(db);
      schemas.push(readSchema(memory));
    }
    return schemas;
  } finally {
    await db.destroy();
  }
}

/** Repairs a half-applied SQLite store, or refuses it; does nothing to a store whose migrations are whole. */
export async function repairHalfAppliedMigration(sqlite: SqliteDatabase.Database, file: string): Promise<string[]> {
  const all = Object.keys(buildMigrations('sqlite'));
  // A first look outside any transaction: nothing pending, or a fresh file, is the usual start.
  const recorded = recordedMigrations(sqlite);
  if (recorded.length >= all.length || (recorded.length === 0 && readSchema(sqlite).size === 0)) return [];
  const expected = await expectedSchemas(all);
  // Decided and done under the write lock, on what is there then: another process may be migrating this file now
  // (its migrations commit whole, so it is seen either before or after them, never half-way).
  return retryWhileBusy(
    () => sqlite.transaction(() => repairUnderLock(sqlite, file, all, expected)).immediate(),
    busyWaitMs(),
  );
}

function repairUnderLock(sqlite: SqliteDatabase.Database, file: string, all: string[], expected: Schema[]): string[] {
  const recorded = recordedMigrations(sqlite);
  if (recorded.length >= all.length) return [];
  const actual = readSchema(sqlite);
  if (recorded.length === 0 && actual.size === 0) return [];
  const now = expected[recorded.length]!;
  const latest = expected[all.length]!;
  const drops: string[] = [];
  const strays: string[] = [];
  for (const [name, object] of actual) {
    const known = now.get(name);
    if (!known) {
      if (latest.has(name))
        drops.push(object.type === 'index' ? `DROP INDEX IF EXISTS "${name}"` : `DROP TABLE IF EXISTS "${name}"`);
      else strays.push(name);
      continue;
    }
    for (const column of object.columns.filter((c) => !known.columns.includes(c))) {
      if (latest.get(name)?.columns.includes(column)) drops.push(`ALTER TABLE "${name}" DROP COLUMN "${column}"`);
      else strays.push(`${name}.${column}`);
    }
  }
  // A migration that dropped or rebuilt something before it was killed cannot be run again: refused below.
  const missing: string[] = [];
  for (const [name, object] of now) {
    const found = actual.get(name);
    if (!found) missing.push(name);
    else missing.push(...object.columns.filter((c) => !found.columns.includes(c)).map((c) => `${name}.${c}`));
  }
  if (drops.length === 0 && strays.length === 0 && missing.length === 0) return [];
  const refuse = (why: string, whyZh: string) =>
    new LocalizedError(
      localized(
        `The database ${file} was left half-upgraded by an interrupted migration (after ${recorded.at(-1) ?? 'none'}): ${why}. Nothing was changed; restore it from a backup (shipby restore FILE), or move it aside and start afresh.`,
        `数据库 ${file} 因迁移中断而处于半升级状态（最后完成的迁移：${recorded.at(-1) ?? '无'}）：${whyZh}。未做任何更改；请从备份恢复（shipby restore 文件），或将其移开后重新开始。`,
      ),
    );
  if (missing.length) throw refuse(`it lacks ${missing.join(', ')}`, `其中缺少 ${missing.join('、')}`);
  if (strays.length)
    throw refuse(
      `it holds ${strays.join(', ')}, which no shipby migration makes`,
      `其中有 ${strays.join('、')}，不是 shipby 的迁移所建`,
    );
  // Indexes first, then columns and tables, newest first, so nothing dropped is still referenced.
  const ordered = [
    ...drops.filter((d) => d.startsWith('DROP INDEX')),
    ...drops.filter((d) => !d.startsWith('DROP INDEX')).reverse(),
  ];
  try {
    for (const statement of ordered) sqlite.exec(statement);
  } catch (error) {
    // Thrown out of the transaction: SQLite rolls back what was dropped.
    throw refuse(
      `its leftovers could not be removed (${error instanceof Error ? error.message : String(error)})`,
      `无法清除其残留（${error instanceof Error ? error.message : String(error)}）`,
    );
  }
  return ordered;
}
