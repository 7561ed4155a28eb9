/**
 * The index of buyers' cancellation requests holds only the open ones (asked, not answered): the at-risk list's one
 * query that uses it (app/at-risk.ts `requestsDueBy`) asks for exactly those, in request order. The index of migration
 * 0015 held every order, nearly all with no request at all, so every order's update that moves it to another index
 * entry (a status change: in transit, delivered) wrote an entry for an empty request too — on PostgreSQL one of the
 * seven index writes of the tracking ingestion's order moves.
 */
import { type Kysely, type Migration, sql } from 'kysely';

export function openCancelRequestsIndexMigration(): Migration {
  return {
    async up(db: Kysely<any>) {
      await db.schema.dropIndex('orders_cancel_requested_idx').execute();
      await db.schema
        .createIndex('orders_cancel_requested_idx')
        .on('orders')
        .columns(['cancel_requested_at', 'id'])
        .where(sql.ref('cancel_requested_at'), 'is not', null)
        .where(sql.ref('cancel_answer'), 'is', null)
        .execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.dropIndex('orders_cancel_requested_idx').execute();
      await db.schema.createIndex('orders_cancel_requested_idx').on('orders').column('cancel_requested_at').execute();
    },
  };
}
