/**
 * A small in-process scheduler: each job runs, then waits its interval, then runs again — never two runs of one job
 * at once, and a failing run is reported and does not stop the schedule. `stop()` waits for running jobs to end.
 */
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

export function startScheduler(jobs: ScheduledJob[], onError: (job: string, error: unknown) => void): Scheduler {
  const stopping = new AbortController();
  const loops = jobs.map(async (job) => {
    if (job.runAtStart === false) await wait(job.intervalMs, stopping.signal);
    while (!stopping.signal.aborted) {
      try {
        await job.run(stopping.signal);
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
  const match = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h)?$/i.exec(text.trim());
  if (!match) throw new Error(`"${text}" is not an interval: use milliseconds, or a number with s, m or h (e.g. 10m)`);
  const value = Number(match[1]);
  const unit = (match[2] ?? 'ms').toLowerCase();
  const ms = value * (unit === 'h' ? 3_600_000 : unit === 'm' ? 60_000 : unit === 's' ? 1000 : 1);
  if (ms < 1000) throw new Error(`an interval of "${text}" is too short (at least 1 s)`);
  return Math.round(ms);
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
