/**
 * "Open" as SQL: the statuses whose deadline still matters, written as a literal (not bound parameters), so
 * that SQLite and PostgreSQL both use the partial index `orders_open_deadline_idx`, which carries the same
 * literal. If the open states change, a migration must recreate that index with the new list.
 */
import { sql, type RawBuilder, type SqlBool } from 'kysely';
import { OPEN_ORDER_STATES } from '../core/order';

export const OPEN_STATUS_LIST = OPEN_ORDER_STATES.map((s) => `'${s}'`).join(', ');

export function openStatusCondition(): RawBuilder<SqlBool> {
  return sql<SqlBool>`status IN (${sql.raw(OPEN_STATUS_LIST)})`;
}
