/**
 * Runs the background jobs of `serve` in one process per SQLite store: every `serve` heartbeats its server lease
 * and tries the `jobs` lease (app/store-leases.ts); the holder starts the jobs, the others wait and take over when
 * the holder stops or its lease expires (SHIPBY_JOB_LEASE_MS, default 30 s; renewed every third of it). A holder
 * that cannot renew in time stops its jobs. `shipby worker` takes part the same way. On PostgreSQL every process with
 * jobs runs them, and each job's turn (per shop for the sync) and each row is claimed on the store (jobs/cluster.ts).
 */
import { announceServer, holdJobsLease, jobsOwner, releaseProcessLeases } from '../app/store-leases';
import type { AppContext } from '../app/context';

export interface RunningJobs {
  stop(): Promise<void>;
}

export interface JobOwnership {
  /** Whether this process runs the jobs now. */
  running(): boolean;
  stop(): Promise<void>;
}

export function runJobsWhileOwner(
  ctx: AppContext,
  owner: string,
  start: () => RunningJobs[],
  log: { info(m: string): void; error(m: string): void },
  options: { ttlMs?: number; exclusive?: boolean } = {},
): JobOwnership {
  const ttlMs = options.ttlMs ?? (Number(process.env.SHIPBY_JOB_LEASE_MS) || 30_000);
  const exclusive = options.exclusive ?? ctx.store.dialect === 'sqlite';
  let jobs: RunningJobs[] | null = null;
  let heldUntil = 0;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let tick: Promise<void> = Promise.resolve();

  const stopJobs = async () => {
    const running = jobs;
    jobs = null;
    if (running) await Promise.all(running.map((j) => j.stop()));
  };

  const beat = async () => {
    try {
      await announceServer(ctx, owner, ttlMs);
      const held = exclusive ? await holdJobsLease(ctx, owner, ttlMs) : true;
      if (held) heldUntil = Date.now() + ttlMs;
      if (held && !jobs && !stopped) {
        log.info(exclusive ? `background jobs: run by this process (${owner})` : 'background jobs: running');
        jobs = start();
      } else if (!held && jobs) {
        log.error(`background jobs: ${await jobsOwner(ctx)} took them over; stopping them here`);
        await stopJobs();
      } else if (!held && heldUntil === 0) {
        heldUntil = -1;
        log.info(`background jobs: run by ${await jobsOwner(ctx)}; this process takes them over if it stops`);
      }
    } catch (error) {
      log.error(`background jobs lease: ${error instanceof Error ? error.message : String(error)}`);
      // Not renewed in time: another process may take the lease now, so these jobs must not run on.
      if (jobs && Date.now() >= heldUntil) await stopJobs();
    }
  };

  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(
      () => {
        tick = beat().finally(schedule);
      },
      Math.max(1000, Math.floor(ttlMs / 3)),
    );
  };
  tick = beat().finally(schedule);

  return {
    running: () => jobs !== null,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await tick;
      await stopJobs();
      await releaseProcessLeases(ctx, owner).catch(() => {});
    },
  };
}
