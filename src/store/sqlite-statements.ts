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

const byText = preparedStatements(() => new Map<string, BetterSqlite3.Statement>());

/**
 * One statement prepared once per connection for its text: for writes whose text depends on the columns they set
 * (a few shapes, each written thousands of times), where a fixed set of statements cannot be declared up front.
 */
export function preparedStatement(db: BetterSqlite3.Database, text: string): BetterSqlite3.Statement {
  const statements = byText(db);
  let statement = statements.get(text);
  if (!statement) {
    statement = db.prepare(text);
    statements.set(text, statement);
  }
  return statement;
}
