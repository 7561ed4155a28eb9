/**
 * The order list's own index (after issue 10's API benchmark showed every page of GET /orders sorting all of a
 * shop's orders): its key is exactly the list's ORDER BY, `coalesce(ship_by_at, ORDER_LIST_FAR_FUTURE), id`, per
 * shop, so a page of 50 reads 50 index entries at any depth. The literal must stay the same here and in
 * store/orders.ts (an expression index is matched by its expression).
 */
import { sql, type Kysely, type Migration } from 'kysely';

export const ORDER_LIST_FAR_FUTURE = 8_640_000_000_000_000;

export function orderListIndexMigration(): Migration {
  return {
    async up(db: Kysely<any>) {
      await sql`CREATE INDEX orders_shop_list_idx ON orders (shop_id, (coalesce(ship_by_at, ${sql.lit(ORDER_LIST_FAR_FUTURE)})), id)`.execute(
        db,
      );
    },
    async down(db: Kysely<any>) {
      await db.schema.dropIndex('orders_shop_list_idx').ifExists().execute();
    },
  };
}
