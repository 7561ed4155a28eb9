import { useCallback, useEffect, useRef, useState, type DependencyList } from 'react';
import { ApiError, NetworkError } from './api';

/** The current time, re-read every `intervalMs` (drives the live countdowns). */
export function useNow(intervalMs = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}

export interface Polled<T> {
  data: T | undefined;
  /** When `data` arrived (client clock): a countdown subtracts the time since then. */
  receivedAt: number;
  error: ApiError | NetworkError | undefined;
  loading: boolean;
  refresh: () => Promise<void>;
}

/** How often the screens ask the API again: live without reloading, light on a small server. */
export const POLL_MS = 5000;

/**
 * Loads now, then again every `intervalMs` while the tab is visible (and at once when it becomes visible
 * again). A slow answer never overwrites a newer one; a failure keeps the last data and reports the error.
 */
export function usePoll<T>(load: (signal: AbortSignal) => Promise<T>, deps: DependencyList, intervalMs = POLL_MS): Polled<T> {
  const [state, setState] = useState<{ data: T | undefined; receivedAt: number; error: ApiError | NetworkError | undefined; loading: boolean }>({ data: undefined, receivedAt: 0, error: undefined, loading: true });
  const sequence = useRef(0);
  const controller = useRef<AbortController | undefined>(undefined);
  const run = useCallback(load, deps);

  const refresh = useCallback(async () => {
    const mine = ++sequence.current;
    controller.current?.abort();
    const abort = new AbortController();
    controller.current = abort;
    try {
      const data = await run(abort.signal);
      if (mine === sequence.current) setState({ data, receivedAt: Date.now(), error: undefined, loading: false });
    } catch (error) {
      if ((error as Error).name === 'AbortError' || mine !== sequence.current) return;
      if (error instanceof ApiError || error instanceof NetworkError) setState((s) => ({ ...s, error, loading: false }));
      else throw error;
    }
  }, [run]);

  useEffect(() => {
    setState((s) => ({ ...s, data: undefined, loading: true, error: undefined }));
    void refresh();
    const timer = setInterval(() => {
      if (!document.hidden) void refresh();
    }, intervalMs);
    const onVisible = () => {
      if (!document.hidden) void refresh();
    };
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      clearInterval(timer);
      document.removeEventListener('visibilitychange', onVisible);
      sequence.current++;
      controller.current?.abort();
    };
  }, [refresh, intervalMs]);

  return { ...state, refresh };
}

export type Route =
  | { screen: 'at-risk' }
  | { screen: 'order'; id: number }
  | { screen: 'performance' }
  | { screen: 'settings' }
  | { screen: 'stock' }
  | { screen: 'pack' }
  | { screen: 'parcels' };

/** Hash routes (#/orders/12): the server serves one page at `/` and never sees the route. */
export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#/, '') || '/';
  const order = /^\/orders\/(\d+)$/.exec(path);
  if (order) return { screen: 'order', id: Number(order[1]) };
  switch (path) {
    case '/performance':
      return { screen: 'performance' };
    case '/settings':
      return { screen: 'settings' };
    case '/stock':
      return { screen: 'stock' };
    case '/pack':
      return { screen: 'pack' };
    case '/parcels':
      return { screen: 'parcels' };
    default:
      return { screen: 'at-risk' };
  }
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(window.location.hash));
  useEffect(() => {
    const onChange = () => setRoute(parseRoute(window.location.hash));
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return route;
}

/** A value kept in localStorage (the language, the chosen shop), so a reload keeps it. */
export function useStored(key: string, initial: string): [string, (value: string) => void] {
  const [value, setValue] = useState(() => {
    try {
      return window.localStorage.getItem(key) ?? initial;
    } catch {
      return initial;
    }
  });
  const set = useCallback(
    (next: string) => {
      setValue(next);
      try {
        window.localStorage.setItem(key, next);
      } catch {
        /* private mode: keep it for this visit only */
      }
    },
    [key],
  );
  return [value, set];
}
