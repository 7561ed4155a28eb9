import type { PlanRunner } from './plan-compute';
import type { Store } from '../store/database';

/** What every use case needs: the store and an injected clock (tests and the simulator run a day in a second). */
export interface AppContext {
  store: Store;
  now: () => number;
  /**
   * The key that opens stored secrets (carrier accounts), when the process holds one of its own (the demo's is
   * per run); otherwise the use cases read SHIPBY_MASTER_KEY when they need it.
   */
  masterKey?: Buffer;
  /** Where plans are searched: the server's planner threads (app/plan-pool.ts); in-process when absent (the CLI). */
  planner?: PlanRunner;
}

export function createContext(
  store: Store,
  now: () => number = Date.now,
  options: { masterKey?: Buffer } = {},
): AppContext {
  return { store, now, ...(options.masterKey ? { masterKey: options.masterKey } : {}) };
}
