/**
 * The demo's clock: simulated time that runs `speed` times faster than the real one (60 = a simulated minute per
 * real second). Every part of the demo reads it — the use cases (through `createContext(store, clock.now)`), the
 * fake marketplace, the signed client's request timestamps — so the whole system lives in the same simulated day.
 * The driver holds it at the next minute it will simulate (`holdAt`): on a busy machine simulated time waits for the
 * driver instead of running past minutes it never stepped, then catches up as fast as the driver goes.
 */
export interface SimClock {
  /** Simulated epoch ms. */
  now(): number;
  readonly speed: number;
  readonly startAt: number;
  /** Real milliseconds until the simulated instant `at` (0 when it has passed or the clock is frozen). */
  realMsUntil(at: number): number;
  /** Sleeps (real time) until simulated `at`, or until the signal fires. */
  sleepUntil(at: number, signal?: AbortSignal): Promise<void>;
  /** Simulated time goes no further than `at` until the next `holdAt`. */
  holdAt(at: number): void;
  /** Stops the clock where it is, or at `at` if that is earlier (the demo's day is over; the dashboard stays still). */
  freeze(at?: number): void;
  readonly frozen: boolean;
}

export function createSimClock(options: { startAt: number; speed: number; realNow?: () => number }): SimClock {
  if (!(options.speed > 0) || !Number.isFinite(options.speed))
    throw new Error(`the speed must be a positive number, got ${options.speed}`);
  const realNow = options.realNow ?? (() => performance.now());
  const realStart = realNow();
  const { startAt, speed } = options;
  let frozenAt: number | undefined;
  let ceiling: number | undefined;
  const wall = () => Math.floor(startAt + (realNow() - realStart) * speed);
  const now = () => frozenAt ?? (ceiling === undefined ? wall() : Math.min(wall(), ceiling));
  return {
    now,
    speed,
    startAt,
    realMsUntil: (at) => (frozenAt !== undefined ? 0 : Math.max(0, (at - now()) / speed)),
    sleepUntil(at, signal) {
      return new Promise((resolve) => {
        if (signal?.aborted || frozenAt !== undefined) return resolve();
        const ms = Math.max(0, (at - now()) / speed);
        const timer = setTimeout(done, Math.ceil(ms));
        function done() {
          clearTimeout(timer);
          signal?.removeEventListener('abort', done);
          resolve();
        }
        signal?.addEventListener('abort', done, { once: true });
      });
    },
    holdAt(at) {
      ceiling = at;
    },
    freeze(at) {
      frozenAt ??= at === undefined ? now() : Math.min(now(), at);
    },
    get frozen() {
      return frozenAt !== undefined;
    },
  };
}
