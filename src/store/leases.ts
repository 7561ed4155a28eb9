/**
 * Leases on the store (`store_leases`): one holder at a time across every process on the store, SQLite or
 * PostgreSQL — `jobs` and `server:<id>` (app/store-leases.ts), `label:order:42` while that order's labels are bought.
 * One conditional upsert takes or renews a lease (free, ours, or expired), so two callers can never both hold it; a
 * release deletes only our own row. An owner id names its host and process (`host:pid:nonce[:n]`): a lease whose
 * process is gone from this host is taken over at once instead of after its expiry; an owner elsewhere is waited
 * out until `until`.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Kysely } from 'kysely';
import type { Database } from './schema';
import type { StoreLeaseRow } from './schema-leases';

const PROCESS_ID = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
let counter = 0;

/** This process: `host:pid:nonce` (a pid is reused after a restart; the nonce is not). */
export function processOwnerId(): string {
  return PROCESS_ID;
}

/** A new owner id for one holder (a request, a job) of this process. */
export function newLeaseOwner(): string {
  counter += 1;
  return `${PROCESS_ID}:${counter}`;
}

/** True when `owner` names a process of this host that no longer runs. */
export function ownerIsGone(owner: string): boolean {
  const [host, pid] = owner.split(':');
  if (host !== hostname() || !pid || !/^\d+$/.test(pid)) return false;
  if (Number(pid) === process.pid) return !owner.startsWith(PROCESS_ID);
  try {
    process.kill(Number(pid), 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/** Takes the lease `name` for `owner` until `now + ttlMs` if it is free, already ours, expired, or its holder's process is gone; true if held. */
export async function takeLease(
  db: Kysely<Database>,
  name: string,
  owner: string,
  now: number,
  ttlMs: number,
): Promise<boolean> {
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
  if (row?.owner === owner) return true;
  const holder = await db.selectFrom('store_leases').select(['owner']).where('name', '=', name).executeTakeFirst();
  if (!holder || !ownerIsGone(holder.owner)) return false;
  const taken = await db
    .updateTable('store_leases')
    .set({ owner, until: now + ttlMs, updated_at: now })
    .where('name', '=', name)
    .where('owner', '=', holder.owner)
    .executeTakeFirst();
  return Number(taken.numUpdatedRows) === 1;
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

export class LeaseBusy extends Error {
  constructor(readonly lease: string) {
    super(`the lease ${lease} is held by another request`);
    this.name = 'LeaseBusy';
  }
}

/**
 * Runs `work` holding `name` (wall-clock times: a lease is about processes, not about orders): waits, polling with
 * jitter, while another holder has it, at most `waitMs`, then throws LeaseBusy. The lease lasts `ttlMs` and is
 * renewed every ttl/3 while `work` runs; it is released after.
 */
export async function withLease<T>(
  db: Kysely<Database>,
  name: string,
  options: { ttlMs: number; waitMs: number },
  work: () => Promise<T>,
): Promise<T> {
  const owner = newLeaseOwner();
  const giveUpAt = Date.now() + options.waitMs;
  let pause = 20;
  while (!(await takeLease(db, name, owner, Date.now(), options.ttlMs))) {
    if (Date.now() >= giveUpAt) throw new LeaseBusy(name);
    await new Promise((resolve) => setTimeout(resolve, pause + Math.floor(Math.random() * pause)));
    pause = Math.min(250, pause * 2);
  }
  const renew = setInterval(
    () => {
      void takeLease(db, name, owner, Date.now(), options.ttlMs).catch(() => undefined);
    },
    Math.max(1_000, Math.floor(options.ttlMs / 3)),
  );
  renew.unref();
  try {
    return await work();
  } finally {
    clearInterval(renew);
    await releaseLease(db, name, owner).catch(() => undefined);
  }
}
