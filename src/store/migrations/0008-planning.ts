/** The planner (issue 8): warehouse staffing, the seller's work estimates, and the stored plan per warehouse. */
import type { Kysely, Migration } from 'kysely';
import type { Dialect } from '../database';

export function planningMigration(dialect: Dialect): Migration {
  const instant = dialect === 'postgres' ? 'bigint' : 'integer';
  const money = dialect === 'postgres' ? 'bigint' : 'integer';
  return {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('warehouse_staffing')
        .addColumn('warehouse_id', 'text', (c) => c.primaryKey().references('warehouses.id'))
        .addColumn('stations', 'integer', (c) => c.notNull())
        .addColumn('shifts', 'text', (c) => c.notNull())
        .addColumn('pickups', 'text', (c) => c.notNull())
        .addColumn('time_zone', 'text')
        .addColumn('hourly_cost', money, (c) => c.notNull().defaultTo(0))
        .addColumn('weekdays', 'text')
        .addColumn('updated_at', instant, (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('work_estimates')
        .addColumn('scope', 'text', (c) => c.notNull())
        .addColumn('scope_id', 'text', (c) => c.notNull())
        .addColumn('seconds_per_order', 'integer', (c) => c.notNull())
        .addColumn('seconds_per_line', 'integer', (c) => c.notNull())
        .addColumn('seconds_per_unit', 'integer', (c) => c.notNull())
        .addColumn('updated_at', instant, (c) => c.notNull())
        .addPrimaryKeyConstraint('work_estimates_pk', ['scope', 'scope_id'])
        .execute();

      await db.schema
        .createTable('stored_plans')
        .addColumn('warehouse_id', 'text', (c) => c.primaryKey())
        .addColumn('fingerprint', 'text', (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('method', 'text', (c) => c.notNull())
        .addColumn('computed_at', instant, (c) => c.notNull())
        .addColumn('compute_ms', 'integer', (c) => c.notNull())
        .addColumn('job_count', 'integer', (c) => c.notNull())
        .addColumn('total_penalty', money, (c) => c.notNull())
        .addColumn('queues', 'text', (c) => c.notNull())
        .addColumn('body', 'text', (c) => c.notNull())
        .execute();
      // Measured packing times: finished sessions of a shop, newest first.
      await db.schema
        .createIndex('pack_sessions_shop_finished_idx')
        .on('pack_sessions')
        .columns(['shop_id', 'status', 'finished_at'])
        .execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.dropIndex('pack_sessions_shop_finished_idx').ifExists().execute();
      for (const table of ['stored_plans', 'work_estimates', 'warehouse_staffing'])
        await db.schema.dropTable(table).ifExists().execute();
    },
  };
}
