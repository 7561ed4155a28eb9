/**
 * A small in-process scheduler: each job runs, then waits its interval, then runs again — never two runs of one job
 * at once, and a failing run is reported and does not stop the schedule. `stop()` waits for running jobs to end.
 * A job that fails because the database is away is paused, not broken: `reportJobErrors` logs that once per
 * outage and once when the job runs again, and the job simply tries again next tick.
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
}

export interface Scheduler {
  stop(): Promise<void>;
}

export interface JobErrorReporter {
  onError(job: string, error: unknown): void;
  onSuccess?(job: string): void;
}

/**
 * Errors of scheduled jobs to a log: each error as a line, except that "the database is unavailable" is said once
 * per job and outage ("paused until it is back"), and its end once ("running again").
 */
export function reportJobErrors(log: { info(m: string): void; error(m: string): void }): JobErrorReporter {
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
  };
}

export function startScheduler(jobs: ScheduledJob[], reporter: JobErrorReporter | ((job: string, error: unknown) => void)): Scheduler {
  const { onError, onSuccess } = typeof reporter === 'function' ? { onError: reporter, onSuccess: undefined } : reporter;
  const stopping = new AbortController();
  const loops = jobs.map(async (job) => {
    if (job.runAtStart === false) await wait(job.intervalMs, stopping.signal);
    while (!stopping.signal.aborted) {
      try {
        await job.run(stopping.signal);
        onSuccess?.(job.name);
      } catch (error) {
        onError(job.name, error);
      }
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

/** `600000` (ms), `90s`, `10m`, `1h`. */
export function parseInterval(text: string | undefined, fallbackMs: number): number {
  if (text === undefined || text.trim() === '') return fallbackMs;
  const ms = intervalMs(text);
  if (ms === undefined) throw new Error(`"${text}" is not an interval: use milliseconds, or a number with s, m or h (e.g. 10m)`);
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
