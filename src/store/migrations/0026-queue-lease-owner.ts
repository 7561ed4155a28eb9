/**
 * The alert-webhook deliveries become a leased queue like the others (store/leased-queue.ts, issue 21): a claim
 * records its owner, so a settle is fenced by it (a worker whose lease ran out cannot overwrite the row another one
 * took over), and a lease of a process gone from this host is taken over at once. Null: not leased.
 */
import type { Kysely, Migration } from 'kysely';

export function queueLeaseOwnerMigration(): Migration {
  return {
    async up(db: Kysely<any>) {
      await db.schema.alterTable('webhook_deliveries').addColumn('lease_owner', 'text').execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.alterTable('webhook_deliveries').dropColumn('lease_owner').execute();
    },
  };
}
