/**
 * Named leases: one holder at a time across every process on the store (SQLite or PostgreSQL), e.g.
 * `label:order:42` while that order's labels are bought. A lease is taken by one statement (an upsert that only
 * overwrites an expired row), so two callers never both hold it. Its owner names the host and process
 * (`host:pid:nonce:n`): a lease whose process is gone from this host is taken over at once, not after its expiry;
 * an owner on another host is waited out until `until`. Lease times are the wall clock, not the app's clock: they
 * are about processes, not about orders.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Executor } from './orders';

const PROCESS_ID = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
let counter = 0;

/** This process: `host:pid:nonce`. */
export function processOwnerId(): string {
  return PROCESS_ID;
}

/** A new owner id for one holder (a request, a job) of this process. */
export function newLeaseOwner(): string {
  counter += 1;
  return `${PROCESS_ID}:${counter}`;
}

/** True when `owner` is a process of this host that no longer runs. */
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

/** Takes `name` for `owner` until now + ttlMs when free, expired, already its own, or held by a process gone. */
export async function tryAcquireLease(db: Executor, name: string, owner: string, ttlMs: number): Promise<boolean> {
  const now = Date.now();
  const taken = await db
    .insertInto('leases')
    .values({ name, owner, until: now + ttlMs })
    .onConflict((oc) =>
      oc
        .column('name')
        .doUpdateSet({ owner, until: now + ttlMs })
        .where((eb) => eb.or([eb('leases.until', '<', now), eb('leases.owner', '=', owner)])),
    )
    .returning('name')
    .executeTakeFirst();
  if (taken) return true;
  const holder = await db.selectFrom('leases').select(['owner']).where('name', '=', name).executeTakeFirst();
  if (!holder || !ownerIsGone(holder.owner)) return false;
  const result = await db.updateTable('leases').set({ owner, until: now + ttlMs }).where('name', '=', name).where('owner', '=', holder.owner).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Gives the lease back (only its owner can). */
export async function releaseLease(db: Executor, name: string, owner: string): Promise<void> {
  await db.deleteFrom('leases').where('name', '=', name).where('owner', '=', owner).execute();
}

export class LeaseBusy extends Error {
  constructor(readonly lease: string) {
    super(`the lease ${lease} is held by another request`);
    this.name = 'LeaseBusy';
  }
}

/**
 * Runs `work` holding `name`: waits (polling, with jitter) while another holder has it, at most `waitMs`, then
 * throws LeaseBusy. The lease lasts `ttlMs` and is renewed every ttl/3 while `work` runs; it is released after.
 */
export async function withLease<T>(db: Executor, name: string, options: { ttlMs: number; waitMs: number }, work: () => Promise<T>): Promise<T> {
  const owner = newLeaseOwner();
  const giveUpAt = Date.now() + options.waitMs;
  let pause = 20;
  while (!(await tryAcquireLease(db, name, owner, options.ttlMs))) {
    if (Date.now() >= giveUpAt) throw new LeaseBusy(name);
    await new Promise((resolve) => setTimeout(resolve, pause + Math.floor(Math.random() * pause)));
    pause = Math.min(250, pause * 2);
  }
  const renew = setInterval(() => {
    void tryAcquireLease(db, name, owner, options.ttlMs).catch(() => undefined);
  }, Math.max(1_000, Math.floor(options.ttlMs / 3)));
  renew.unref();
  try {
    return await work();
  } finally {
    clearInterval(renew);
    await releaseLease(db, name, owner).catch(() => undefined);
  }
}
