/** The marketplace_outages table: open one (at most one per platform), count failures into it, end it, list them. */
import type { Executor } from './orders';

export interface OutageRow {
  id: number;
  platform: string;
  started_at: number;
  ended_at: number | null;
  failures: number;
  last_error: string | null;
}

/** Opens an outage unless one is open already; returns it only when this call opened it. */
export async function openOutage(
  db: Executor,
  platform: string,
  now: number,
  failures: number,
  lastError: string | null,
): Promise<OutageRow | undefined> {
  return (
    db
      .insertInto('marketplace_outages')
      .values({ platform, started_at: now, ended_at: null, failures, last_error: lastError, updated_at: now })
      // The partial unique index (one open outage per platform) refuses a second one: nothing happens.
      .onConflict((oc) => oc.doNothing())
      .returning(['id', 'platform', 'started_at', 'ended_at', 'failures', 'last_error'])
      .executeTakeFirst()
  );
}

export async function addOutageFailures(
  db: Executor,
  platform: string,
  now: number,
  failures: number,
  lastError: string | null,
): Promise<void> {
  await db
    .updateTable('marketplace_outages')
    .set((eb) => ({ failures: eb('failures', '+', failures), last_error: lastError, updated_at: now }))
    .where('platform', '=', platform)
    .where('ended_at', 'is', null)
    .execute();
}

/** Ends the open outage; returns it only when this call ended it. */
export async function endOutage(db: Executor, platform: string, now: number): Promise<OutageRow | undefined> {
  return db
    .updateTable('marketplace_outages')
    .set({ ended_at: now, updated_at: now })
    .where('platform', '=', platform)
    .where('ended_at', 'is', null)
    .returning(['id', 'platform', 'started_at', 'ended_at', 'failures', 'last_error'])
    .executeTakeFirst();
}

export async function openOutages(db: Executor): Promise<OutageRow[]> {
  return db
    .selectFrom('marketplace_outages')
    .select(['id', 'platform', 'started_at', 'ended_at', 'failures', 'last_error'])
    .where('ended_at', 'is', null)
    .orderBy('started_at')
    .execute();
}
