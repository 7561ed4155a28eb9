/**
 * The tracking registrations become a leased queue like the others (store/leased-queue.ts, issue 21): each row gets
 * an `id` (the queue's key; provider and number stay unique), and a claim leases it to one owner (`lease_owner`,
 * `lease_until`) instead of moving `next_attempt_at` on, so a settle is fenced by its owner and a failing
 * registration backs off and is dead-lettered like the outbox and the webhook deliveries.
 *
 * PostgreSQL adds the columns in place (`bigserial` numbers the rows already there) and moves the primary key.
 * SQLite cannot add a primary key to a table, so the table is built again under a new name, filled, and renamed
 * (one transaction: migrations run whole, store/sqlite-dialect.ts).
 */
import { type CreateTableBuilder, type Kysely, type Migration, sql } from 'kysely';
import type { Dialect } from '../database';

const COLUMNS = [
  'provider',
  'tracking_number',
  'carrier',
  'status',
  'attempts',
  'next_attempt_at',
  'last_error',
  'created_at',
  'updated_at',
] as const;

/** The table as migration 0024 made it, or with the queue's columns (`queue`), built under `name`. */
async function createTable(db: Kysely<unknown>, name: string, queue: boolean) {
  let table: CreateTableBuilder<string, string> = db.schema.createTable(name);
  if (queue) table = table.addColumn('id', 'integer', (c) => c.notNull());
  table = table
    .addColumn('provider', 'text', (c) => c.notNull())
    .addColumn('tracking_number', 'text', (c) => c.notNull())
    .addColumn('carrier', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'integer')
    .addColumn('last_error', 'text');
  if (queue) table = table.addColumn('lease_owner', 'text').addColumn('lease_until', 'integer');
  await table
    .addColumn('created_at', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'integer', (c) => c.notNull())
    // An INTEGER primary key of one column is SQLite's rowid: numbered on insert.
    .addPrimaryKeyConstraint('tracking_registrations_pk', queue ? ['id'] : ['provider', 'tracking_number'])
    .execute();
}

/** Copies the rows of `from` into `to` (the columns both have), oldest first, and puts `to` in its place. */
async function replaceTable(db: Kysely<unknown>, from: string, to: string) {
  const columns = sql.join(COLUMNS.map((c) => sql.id(c)));
  await sql`INSERT INTO ${sql.table(to)} (${columns}) SELECT ${columns} FROM ${sql.table(from)} ORDER BY created_at, provider, tracking_number`.execute(
    db,
  );
  await db.schema.dropTable(from).execute();
  await db.schema.alterTable(to).renameTo(from).execute();
}

async function createQueueIndexes(db: Kysely<unknown>) {
  await db.schema
    .createIndex('tracking_registrations_number')
    .unique()
    .on('tracking_registrations')
    .columns(['provider', 'tracking_number'])
    .execute();
  // The claim walks the pending rows in the queue's order (due first, then the id), keeping one provider's; the
  // holders of leases read the pending rows alone. Settled rows, the many, are never walked.
  await db.schema
    .createIndex('tracking_registrations_due')
    .on('tracking_registrations')
    .columns(['status', 'next_attempt_at', 'id'])
    .execute();
}

export function registrationQueueMigration(dialect: Dialect): Migration {
  return {
    async up(db: Kysely<unknown>) {
      if (dialect === 'postgres') {
        await sql`ALTER TABLE tracking_registrations ADD COLUMN id bigserial NOT NULL,
          ADD COLUMN lease_owner text, ADD COLUMN lease_until bigint,
          DROP CONSTRAINT tracking_registrations_pk`.execute(db);
        await sql`ALTER TABLE tracking_registrations ADD CONSTRAINT tracking_registrations_pk PRIMARY KEY (id)`.execute(
          db,
        );
        await db.schema.dropIndex('tracking_registrations_due').execute();
      } else {
        await createTable(db, 'tracking_registrations_0028', true);
        await replaceTable(db, 'tracking_registrations', 'tracking_registrations_0028');
      }
      await createQueueIndexes(db);
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropIndex('tracking_registrations_due').execute();
      await db.schema.dropIndex('tracking_registrations_number').execute();
      if (dialect === 'postgres') {
        await sql`ALTER TABLE tracking_registrations DROP CONSTRAINT tracking_registrations_pk,
          DROP COLUMN id, DROP COLUMN lease_owner, DROP COLUMN lease_until`.execute(db);
        await sql`ALTER TABLE tracking_registrations ADD CONSTRAINT tracking_registrations_pk PRIMARY KEY (provider, tracking_number)`.execute(
          db,
        );
      } else {
        await createTable(db, 'tracking_registrations_0024', false);
        await replaceTable(db, 'tracking_registrations', 'tracking_registrations_0024');
      }
      await db.schema
        .createIndex('tracking_registrations_due')
        .on('tracking_registrations')
        .columns(['next_attempt_at'])
        .execute();
    },
  };
}
