import type BetterSqlite3 from 'better-sqlite3';

/**
 * A set of prepared statements for SQLite connections: `build` runs once per connection, and its statements are
 * kept while that connection lives. Preparing a statement per batch cost the bulk writers more than their writes.
 */
export function preparedStatements<T>(build: (db: BetterSqlite3.Database) => T): (db: BetterSqlite3.Database) => T {
  const cache = new WeakMap<BetterSqlite3.Database, T>();
  return (db) => {
    let statements = cache.get(db);
    if (!statements) {
      statements = build(db);
      cache.set(db, statements);
    }
    return statements;
  };
}
