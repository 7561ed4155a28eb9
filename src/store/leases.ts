/**
 * Leases on the store: one conditional upsert takes or renews a lease (free, ours, or expired), so two processes
 * can never both hold it; a release deletes only our own row.
 */
import type { Kysely } from 'kysely';
import type { Database } from './schema';
import type { StoreLeaseRow } from './schema-leases';

/** Takes the lease `name` for `owner` until `now + ttlMs` if it is free, already ours, or expired; true if held. */
export async function takeLease(db: Kysely<Database>, name: string, owner: string, now: number, ttlMs: number): Promise<boolean> {
  const row = await db
    .insertInto('store_leases')
    .values({ name, owner, until: now + ttlMs, updated_at: now })
    .onConflict((oc) =>
      oc
        .column('name')
        .doUpdateSet({ owner, until: now + ttlMs, updated_at: now })
        .where((eb) => eb.or([eb('store_leases.owner', '=', owner), eb('store_leases.until', '<', now)])),
    )
    .returning('owner')
    .executeTakeFirst();
  return row?.owner === owner;
}

export async function releaseLease(db: Kysely<Database>, name: string, owner: string): Promise<void> {
  await db.deleteFrom('store_leases').where('name', '=', name).where('owner', '=', owner).execute();
}

/** The leases still valid at `now`, optionally those whose name starts with `prefix`. */
export async function liveLeases(db: Kysely<Database>, now: number, prefix?: string): Promise<StoreLeaseRow[]> {
  let query = db.selectFrom('store_leases').selectAll().where('until', '>=', now);
  if (prefix) query = query.where('name', 'like', `${prefix}%`);
  return query.orderBy('name').execute();
}
