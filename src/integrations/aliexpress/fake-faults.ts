/**
 * The fake marketplace's fault injection: the faults set, and a seeded roll per request for each kind
 * (`serverError`, `timeout`, `rateLimit`, `dropAfterCommit`, `gatewayError`), each at most `count` times.
 */
import { seededRandom } from './fake-marketplace';

export interface FaultRule {
  /** 0..1 per matching request. */
  probability: number;
  /** Stop after this many injections. */
  count?: number;
  /** Only these API names (default: all). */
  methods?: string[];
}

export interface FaultConfig {
  /** Seeds the fault RNG (re-seeded whenever faults are set with a seed). */
  seed?: number;
  serverError?: FaultRule & { status?: number };
  timeout?: FaultRule & { holdMs?: number };
  rateLimit?: FaultRule & { retryAfterSeconds?: number; style?: 'http' | 'platform' };
  dropAfterCommit?: FaultRule;
  /**
   * Answers with one of these gateway error bodies (the vendor's documented shapes, e.g. the fixtures in
   * test/fixtures/aliexpress/), drawn with the fault RNG. `request_id` is filled in. `commit` says whether the
   * change is applied first (an `isp.*` failure behind the gateway can come after the backend acted): `before`
   * (never applied, the default), `after` (always applied) or `random` (half of the time); a body given as
   * `{ body, commit }` has its own.
   */
  gatewayError?: FaultRule & { bodies: Array<Record<string, unknown> | InjectedBody>; commit?: FaultCommit };
}

export type FaultCommit = 'before' | 'after' | 'random';
/** A body with its own commit behaviour (a call limit is never applied; an `isp.*` failure may have been). */
export interface InjectedBody {
  body: Record<string, unknown>;
  commit: FaultCommit;
}

type FaultKind = Exclude<keyof FaultConfig, 'seed'>;
const COUNTED: readonly FaultKind[] = ['serverError', 'timeout', 'rateLimit', 'dropAfterCommit', 'gatewayError'];

export class FaultInjector {
  #faults: FaultConfig = {};
  #random: () => number;
  readonly #remaining = new Map<FaultKind, number>();

  constructor(seed: number) {
    this.#random = seededRandom(seed);
  }

  get config(): FaultConfig {
    return this.#faults;
  }

  /** Replaces the faults; a seed re-seeds the rolls. */
  set(config: FaultConfig): void {
    this.#faults = structuredClone(config);
    this.#remaining.clear();
    for (const key of COUNTED) {
      const count = this.#faults[key]?.count;
      if (count !== undefined) this.#remaining.set(key, count);
    }
    if (config.seed !== undefined) this.#random = seededRandom(config.seed);
  }

  /** Rolls the dice for one fault kind; consumes a count only when it fires. */
  fires(kind: FaultKind, method: string): boolean {
    const rule = this.#faults[kind];
    if (!rule || !(rule.probability > 0)) return false;
    if (rule.methods && !rule.methods.includes(method)) return false;
    const left = this.#remaining.get(kind);
    if (left !== undefined && left <= 0) return false;
    if (this.#random() >= rule.probability) return false;
    if (left !== undefined) this.#remaining.set(kind, left - 1);
    return true;
  }

  /** A roll in [0, 1) from the same seeded sequence. */
  random(): number {
    return this.#random();
  }

  /** The documented body to answer with, once `gatewayError` fired. */
  pickInjectedError(): InjectedBody | undefined {
    const rule = this.#faults.gatewayError;
    if (!rule || rule.bodies.length === 0) return undefined;
    const picked = rule.bodies[Math.min(rule.bodies.length - 1, Math.floor(this.#random() * rule.bodies.length))]!;
    if (isInjectedBody(picked)) return picked;
    return { body: picked, commit: rule.commit ?? 'before' };
  }
}

function isInjectedBody(value: Record<string, unknown> | InjectedBody): value is InjectedBody {
  const commit = (value as { commit?: unknown }).commit;
  return (
    typeof (value as { body?: unknown }).body === 'object' &&
    (commit === 'before' || commit === 'after' || commit === 'random')
  );
}
