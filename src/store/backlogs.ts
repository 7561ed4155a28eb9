/**
 * How far behind the background work is, for /metrics: outbox rows waiting to be delivered (and the oldest's age),
 * and parcels whose poll is overdue (and by how long the most overdue one waits).
 */
import type { Kysely } from 'kysely';
import { openStatusCondition } from './open-orders';
import type { Database } from './schema';

const WAITING = ['pending', 'in_flight'];

export async function outboxBacklog(
  db: Kysely<Database>,
): Promise<Array<{ kind: string; pending: number; oldest: number | null }>> {
  const rows = await db
    .selectFrom('outbox')
    .select((eb) => ['kind', eb.fn.countAll<number>().as('pending'), eb.fn.min('created_at').as('oldest')])
    .where('status', 'in', WAITING)
    .groupBy('kind')
    .execute();
  return rows.map((r) => ({
    kind: r.kind,
    pending: Number(r.pending),
    oldest: r.oldest === null ? null : Number(r.oldest),
  }));
}

export async function pollBacklog(
  db: Kysely<Database>,
  now: number,
): Promise<{ overdue: number; oldestDue: number | null }> {
  const row = await db
    .selectFrom('parcel_tracking')
    .select((eb) => [eb.fn.countAll<number>().as('overdue'), eb.fn.min('next_poll_at').as('oldest')])
    .where('next_poll_at', 'is not', null)
    .where('next_poll_at', '<=', now)
    .where('provider', 'is not', null)
    .executeTakeFirstOrThrow();
  return { overdue: Number(row.overdue), oldestDue: row.oldest === null ? null : Number(row.oldest) };
}

/** The open orders, a page at a time by id (for counts by situation). */
export function openOrdersPage(db: Kysely<Database>, afterId: number, limit: number) {
  return db
    .selectFrom('orders')
    .selectAll()
    .where(openStatusCondition())
    .where('id', '>', afterId)
    .orderBy('id')
    .limit(limit)
    .execute();
}
