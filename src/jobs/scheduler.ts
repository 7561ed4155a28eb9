/**
 * A small in-process scheduler: each job runs, then waits its interval, then runs again — never two runs of one job
 * at once, and a failing run is reported and does not stop the schedule. `stop()` waits for running jobs to end.
 * A job that fails because the database is away is paused, not broken: `reportJobErrors` logs that once per
 * outage and once when the job runs again, and the job simply tries again next tick.
 *
 * Once per cluster: given a `claim` (jobs/cluster.ts gives the store's leases), each run of a job first claims its
 * turn, the lease `job:<name>` for one interval; a process that finds it held skips the run, so N processes run each
 * job once per interval between them. The lease is renewed while a long run goes on. A job whose rows are claimed
 * one by one (the outbox worker: SKIP LOCKED) says `claimed: 'per-row'` and runs everywhere.
 */
import { isDatabaseUnavailable } from '../app/errors';
import { intervalMs } from '../core/config';

export interface ScheduledJob {
  name: string;
  intervalMs: number;
  /** The signal fires when the scheduler stops. */
  run: (signal: AbortSignal) => Promise<void>;
  /** Run once at start (default) or first wait an interval. */
  runAtStart?: boolean;
  /** `turn` (default): one process per interval across the cluster; `per-row`: the job claims its own rows. */
  claimed?: 'turn' | 'per-row';
}

/** Takes or renews the turn `lease` for this process for `ttlMs`; true while this process holds it. */
export type ClaimTurn = (lease: string, ttlMs: number) => Promise<boolean>;

export interface SchedulerOptions {
  claim?: ClaimTurn;
}

export interface JobLog {
  info(message: string): void;
  error(message: string): void;
  /** Each run and each turn held elsewhere (LOG_LEVEL=debug). */
  debug?(message: string): void;
}

export interface Scheduler {
  stop(): Promise<void>;
}

export interface JobErrorReporter {
  onError(job: string, error: unknown): void;
  onSuccess?(job: string): void;
  /** Every run that started here, with its outcome and duration (metrics). */
  onRun?(job: string, outcome: 'ok' | 'failed', ms: number): void;
  /** A turn another process had. */
  onSkipped?(job: string): void;
}

/**
 * Errors of scheduled jobs to a log: each error as a line, except that "the database is unavailable" is said once
 * per job and outage ("paused until it is back"), and its end once ("running again").
 */
export function reportJobErrors(log: JobLog): JobErrorReporter {
  const paused = new Set<string>();
  return {
    onError(job, error) {
      const message = error instanceof Error ? error.message : String(error);
      if (!isDatabaseUnavailable(error)) return log.error(`${job}: ${message}`);
      if (paused.has(job)) return;
      paused.add(job);
      log.error(`${job}: paused, ${message}; trying again every tick`);
    },
    onSuccess(job) {
      if (paused.delete(job)) log.info(`${job}: the database is back; running again`);
    },
    onRun(job, outcome, ms) {
      log.debug?.(`job ${job}: ran here (${outcome}, ${Math.round(ms)} ms)`);
    },
    onSkipped(job) {
      log.debug?.(`job ${job}: this turn is another process's`);
    },
  };
}

export function startScheduler(
  jobs: ScheduledJob[],
  reporter: JobErrorReporter | ((job: string, error: unknown) => void),
  options: SchedulerOptions = {},
): Scheduler {
  const report: JobErrorReporter = typeof reporter === 'function' ? { onError: reporter } : reporter;
  const stopping = new AbortController();
  const loops = jobs.map(async (job) => {
    if (job.runAtStart === false) await wait(job.intervalMs, stopping.signal);
    while (!stopping.signal.aborted) {
      await runOnce(job, report, stopping.signal, job.claimed === 'per-row' ? undefined : options.claim);
      await wait(job.intervalMs, stopping.signal);
    }
  });
  return {
    async stop() {
      stopping.abort();
      await Promise.allSettled(loops);
    },
  };
}

async function runOnce(
  job: ScheduledJob,
  report: JobErrorReporter,
  signal: AbortSignal,
  claim: ClaimTurn | undefined,
): Promise<void> {
  const lease = `job:${job.name}`;
  let renew: NodeJS.Timeout | undefined;
  try {
    if (claim) {
      if (!(await claim(lease, job.intervalMs))) return report.onSkipped?.(job.name);
      renew = setInterval(
        () => void claim(lease, job.intervalMs).catch(() => undefined),
        Math.max(1000, Math.floor(job.intervalMs / 3)),
      );
      renew.unref();
    }
    const started = performance.now();
    try {
      await job.run(signal);
    } catch (error) {
      report.onRun?.(job.name, 'failed', performance.now() - started);
      throw error;
    }
    report.onRun?.(job.name, 'ok', performance.now() - started);
    report.onSuccess?.(job.name);
  } catch (error) {
    report.onError(job.name, error);
  } finally {
    clearInterval(renew);
  }
}

/** `600000` (ms), `90s`, `10m`, `1h`. */
export function parseInterval(text: string | undefined, fallbackMs: number): number {
  if (text === undefined || text.trim() === '') return fallbackMs;
  const ms = intervalMs(text);
  if (ms === undefined)
    throw new Error(`"${text}" is not an interval: use milliseconds, or a number with s, m or h (e.g. 10m)`);
  if (ms < 1000) throw new Error(`an interval of "${text}" is too short (at least 1 s)`);
  return ms;
}

function wait(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
