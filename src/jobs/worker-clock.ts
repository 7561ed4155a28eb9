/**
 * When an outbox worker (outbox-worker.ts) wakes: the retries it recorded coming due, the database away and back,
 * and a sleep its stop signal cuts short.
 */
import { isDatabaseUnavailable } from '../app/errors';

/**
 * When the retries this worker recorded come due (wall clock, rounded up to 50 ms so rows retried together are one
 * entry): an idle worker sleeps until the first of them rather than a whole idle poll, so a retry goes when its
 * backoff says and not up to a poll later. Rows others retried or queued are found at the idle poll, as before.
 */
export function retryWakeups() {
  const due = new Set<number>();
  /** The first retry still to come; the ones already due are forgotten. */
  const next = (now: number) => {
    let soonest = Number.POSITIVE_INFINITY;
    for (const at of due) {
      if (at <= now) due.delete(at);
      else if (at < soonest) soonest = at;
    }
    return soonest;
  };
  return {
    add(recordedAt: number, inMs: readonly number[]) {
      for (const ms of inMs) due.add(Math.ceil((recordedAt + ms) / 50) * 50);
      // A worker that is never idle forgets them here.
      if (due.size > 256) next(recordedAt);
    },
    idleSleepMs: (now: number, idlePollMs: number) => Math.min(idlePollMs, next(now) - now),
  };
}

/**
 * While the database is away nothing is claimed or recorded: outcomes wait in memory (their rows stay leased to us)
 * and the database is tried again every `idlePollMs`; said once when it goes, once when it is back.
 */
export function databaseWatch(idlePollMs: number, log: (line: string) => void) {
  let awayUntil = 0;
  let away = false;
  return {
    awayUntil: () => awayUntil,
    /** True when `error` says the database is away (noted); false for any other error. */
    failed(what: string, error: unknown): boolean {
      if (!isDatabaseUnavailable(error)) return false;
      awayUntil = Date.now() + idlePollMs;
      if (!away)
        log(
          `${what}: ${error instanceof Error ? error.message : String(error)}; paused, trying again every ${idlePollMs} ms`,
        );
      away = true;
      return true;
    },
    answered(): void {
      if (away) log('the database is back; claiming and recording again');
      away = false;
    },
  };
}

/** Resolves after `ms`, or at once when `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
