/**
 * Which processes use a store: each `serve` announces itself (`server:<id>`), and on SQLite one of them holds
 * `jobs` and runs the background jobs (sync, outbox worker, sweeps) — several would fight over one file's write
 * lock for nothing. Leases are heartbeated and taken over once expired, so a killed owner is replaced.
 */
import * as leases from '../store/leases';
import type { StoreLeaseRow } from '../store/schema-leases';
import type { AppContext } from './context';

/** This process's owner id (`host:pid:nonce`): a lease of a process gone from this host is taken over at once. */
export { processOwnerId } from '../store/leases';

const JOBS_LEASE = 'jobs';
const JOB_TURN_PREFIX = 'job:';
const SERVER_PREFIX = 'server:';

/** Takes or renews the jobs lease; true while this process holds it. */
export function holdJobsLease(ctx: AppContext, owner: string, ttlMs: number): Promise<boolean> {
  return leases.takeLease(ctx.store.db, JOBS_LEASE, owner, ctx.now(), ttlMs);
}

/** Announces (or renews) a running server on the store. */
export async function announceServer(ctx: AppContext, owner: string, ttlMs: number): Promise<void> {
  await leases.takeLease(ctx.store.db, `${SERVER_PREFIX}${owner}`, owner, ctx.now(), ttlMs);
}

/** A stopping process gives its leases back at once, so another takes the jobs over without waiting. */
export async function releaseProcessLeases(ctx: AppContext, owner: string): Promise<void> {
  await leases.releaseLease(ctx.store.db, JOBS_LEASE, owner);
  await leases.releaseLease(ctx.store.db, `${SERVER_PREFIX}${owner}`, owner);
}

/** The servers running on the store now (their leases not expired). */
export function runningServers(ctx: AppContext): Promise<StoreLeaseRow[]> {
  return leases.liveLeases(ctx.store.db, ctx.now(), SERVER_PREFIX);
}

/** Who holds the jobs lease now, if anyone. */
export async function jobsOwner(ctx: AppContext): Promise<string | null> {
  return (
    (await leases.liveLeases(ctx.store.db, ctx.now(), JOBS_LEASE)).find((l) => l.name === JOBS_LEASE)?.owner ?? null
  );
}

/**
 * Claims a periodic job's turn (`job:<name>`, or `job:<name>:<shop>` per shop) for this process across every process
 * on the store, for `ttlMs` of wall-clock time (leases are about processes, not about orders): true while held.
 */
export function claimJobTurn(ctx: AppContext, lease: string, ttlMs: number): Promise<boolean> {
  const name = lease.startsWith(JOB_TURN_PREFIX) ? lease : `${JOB_TURN_PREFIX}${lease}`;
  return leases.takeLease(ctx.store.db, name, leases.processOwnerId(), Date.now(), ttlMs);
}
