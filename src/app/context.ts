import type { Store } from '../store/database';

/** What every use case needs: the store and an injected clock (tests and the simulator run a day in a second). */
export interface AppContext {
  store: Store;
  now: () => number;
}

export function createContext(store: Store, now: () => number = Date.now): AppContext {
  return { store, now };
}
