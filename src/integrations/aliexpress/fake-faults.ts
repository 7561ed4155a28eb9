/**
 * The fake marketplace's fault injection: the faults set, and a seeded roll per request for each kind
 * (`serverError`, `timeout`, `rateLimit`, `dropAfterCommit`, `gatewayError`), each at most `count` times.
 */
import { seededRandom } from './fake-marketplace';
import { withRequestId } from './fake-gateway';

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
  gatewayError?: FaultRule & {
    bodies: Array<Record<string, unknown> | InjectedBody | InjectedUnreadable>;
    commit?: FaultCommit;
  };
}

export type FaultCommit = 'before' | 'after' | 'random';
/** A body with its own commit behaviour (a call limit is never applied; an `isp.*` failure may have been). */
export interface InjectedBody {
  body: Record<string, unknown>;
  commit: FaultCommit;
  /** Drawn at most this many times (then only the others are): e.g. a token refusal once per run. */
  count?: number;
}
/**
 * An answer nobody can read: `not_json`, a proxy's HTML error page in front of the gateway; `cut_off`, the answer
 * cut off mid-way (the platform's own answer when the change was applied, else its call-limit answer). Both come
 * with HTTP 200, as when a proxy or a broken connection spoils an answer the gateway sent as 200.
 */
export interface InjectedUnreadable {
  unreadable: 'not_json' | 'cut_off';
  commit: FaultCommit;
  count?: number;
}
export type Injected = InjectedBody | InjectedUnreadable;

type FaultKind = Exclude<keyof FaultConfig, 'seed'>;
const COUNTED: readonly FaultKind[] = ['serverError', 'timeout', 'rateLimit', 'dropAfterCommit', 'gatewayError'];

export class FaultInjector {
  #faults: FaultConfig = {};
  #random: () => number;
  readonly #remaining = new Map<FaultKind, number>();
  /** Draws left per gateway-error body that has a `count`, by its index. */
  readonly #bodiesLeft = new Map<number, number>();

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
    this.#bodiesLeft.clear();
    this.#faults.gatewayError?.bodies.forEach((body, index) => {
      const count = (body as { count?: unknown }).count;
      if (typeof count === 'number' && isInjected(body)) this.#bodiesLeft.set(index, count);
    });
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

  /** The documented body (or unreadable answer) to answer with, once `gatewayError` fired; none when all are used up. */
  pickInjectedError(): Injected | undefined {
    const rule = this.#faults.gatewayError;
    if (!rule) return undefined;
    const open = rule.bodies.map((_, index) => index).filter((index) => (this.#bodiesLeft.get(index) ?? 1) > 0);
    if (open.length === 0) return undefined;
    const index = open[Math.min(open.length - 1, Math.floor(this.#random() * open.length))]!;
    const left = this.#bodiesLeft.get(index);
    if (left !== undefined) this.#bodiesLeft.set(index, left - 1);
    const picked = rule.bodies[index]!;
    if (isInjected(picked)) return picked;
    return { body: picked, commit: rule.commit ?? 'before' };
  }
}

function isInjected(value: Record<string, unknown> | Injected): value is Injected {
  const commit = (value as { commit?: unknown }).commit;
  if (commit !== 'before' && commit !== 'after' && commit !== 'random') return false;
  const unreadable = (value as { unreadable?: unknown }).unreadable;
  return (
    typeof (value as { body?: unknown }).body === 'object' || unreadable === 'not_json' || unreadable === 'cut_off'
  );
}

/**
 * What to send for an injected error: the body with this request's id, or the unreadable text. `answered` is the
 * JSON text the platform would have sent (the change applied), `unapplied` its answer when it did not act.
 */
export function injectedAnswer(
  injected: Injected,
  id: string,
  texts: { answered?: string; unapplied: () => string },
): { status: number; contentType: string; text: string } {
  if ('body' in injected)
    return { status: 200, contentType: JSON_TYPE, text: JSON.stringify(withRequestId(injected.body, id)) };
  if (injected.unreadable === 'not_json')
    return { status: 200, contentType: 'text/html', text: '<html><body><h1>502 Bad Gateway</h1></body></html>' };
  const whole = texts.answered ?? texts.unapplied();
  return { status: 200, contentType: JSON_TYPE, text: whole.slice(0, Math.max(1, Math.floor(whole.length / 2))) };
}

const JSON_TYPE = 'application/json; charset=utf-8';
