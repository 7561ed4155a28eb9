import { useCallback, useEffect, useRef, useState, type DependencyList } from 'react';
import { ApiError, NetworkError, openEventStream } from './api';

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

/** How often the screens ask the API again when the live stream is not there: live without reloading, light on a small server. */
export const POLL_MS = 5000;
/** With the live stream open, a screen still re-reads this often (what changes without an order event: tracking, stock). */
export const LIVE_SAFETY_MS = 30_000;

/**
 * The live-update stream, shared by every screen: one EventSource (GET /events) while anything listens. Each
 * `changed` message calls the listeners; `connected` says whether the stream is open (if not, screens poll).
 */
const live = {
  source: undefined as EventSource | undefined,
  connected: false,
  listeners: new Set<() => void>(),
  closing: undefined as ReturnType<typeof setTimeout> | undefined,
};

function openLive(): void {
  if (live.closing) clearTimeout(live.closing);
  live.closing = undefined;
  if (live.source) return;
  const source = openEventStream();
  if (!source) return;
  live.source = source;
  source.onopen = () => {
    live.connected = true;
  };
  // The browser reconnects by itself (the server asks for 3 s); meanwhile the screens poll. A refused stream
  // (401 after the session ended) is closed for good: it is dropped, so the next subscriber opens a new one.
  source.onerror = () => {
    live.connected = false;
    if (source.readyState === EventSource.CLOSED && live.source === source) live.source = undefined;
  };
  source.addEventListener('changed', () => {
    for (const listener of [...live.listeners]) listener();
  });
}

/** Calls `listener` when the server says orders changed; returns the unsubscribe. */
export function onLiveChange(listener: () => void): () => void {
  live.listeners.add(listener);
  openLive();
  return () => {
    live.listeners.delete(listener);
    // A screen that replaces another subscribes right after: keep the stream a moment rather than reconnect.
    if (live.listeners.size === 0 && live.source && !live.closing) {
      live.closing = setTimeout(() => {
        live.closing = undefined;
        if (live.listeners.size > 0 || !live.source) return;
        live.source.close();
        live.source = undefined;
        live.connected = false;
      }, 5000);
    }
  };
}

/** Ends the live stream now (signing out): nothing may reach the server with the old session afterwards. */
export function closeLiveStream(): void {
  if (live.closing) clearTimeout(live.closing);
  live.closing = undefined;
  live.source?.close();
  live.source = undefined;
  live.connected = false;
}

export function liveConnected(): boolean {
  return live.connected;
}

/**
 * Loads now, then again whenever the live stream says orders changed, and every `intervalMs` while the stream is
 * down (every LIVE_SAFETY_MS while it is up), only while the tab is visible (and at once when it becomes visible
 * again). A slow answer never overwrites a newer one; a failure keeps the last data and reports the error.
 */
export function usePoll<T>(
  load: (signal: AbortSignal) => Promise<T>,
  deps: DependencyList,
  intervalMs = POLL_MS,
  options: { live?: boolean } = {},
): Polled<T> {
  const followLive = options.live !== false;
  const [state, setState] = useState<{
    data: T | undefined;
    receivedAt: number;
    error: ApiError | NetworkError | undefined;
    loading: boolean;
  }>({ data: undefined, receivedAt: 0, error: undefined, loading: true });
  const sequence = useRef(0);
  const controller = useRef<AbortController | undefined>(undefined);
  // biome-ignore lint/correctness/useExhaustiveDependencies: the caller names what `load` depends on (`deps`)
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
      if (error instanceof ApiError || error instanceof NetworkError)
        setState((s) => ({ ...s, error, loading: false }));
      else throw error;
    }
  }, [run]);

  useEffect(() => {
    setState((s) => ({ ...s, data: undefined, loading: true, error: undefined }));
    let lastAt = Date.now();
    const load = () => {
      lastAt = Date.now();
      void refresh();
    };
    load();
    const timer = setInterval(() => {
      if (document.hidden) return;
      if (!followLive || !liveConnected() || Date.now() - lastAt >= Math.max(intervalMs, LIVE_SAFETY_MS)) load();
    }, intervalMs);
    // Changes close together (a bulk accept, a busy warehouse) make one re-read: at most one per `gap`, the last
    // change always read. Slow screens (metrics every 30 s) follow changes at a slower pace too.
    const gap = Math.min(Math.round(intervalMs / 3), 10_000);
    let pending: ReturnType<typeof setTimeout> | undefined;
    const stopLive = !followLive
      ? () => undefined
      : onLiveChange(() => {
          if (pending || document.hidden) return;
          pending = setTimeout(
            () => {
              pending = undefined;
              load();
            },
            Math.max(150, lastAt + gap - Date.now()),
          );
        });
    const onVisible = () => {
      if (!document.hidden) load();
    };
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      clearInterval(timer);
      if (pending) clearTimeout(pending);
      stopLive();
      document.removeEventListener('visibilitychange', onVisible);
      sequence.current++;
      controller.current?.abort();
    };
  }, [refresh, intervalMs, followLive]);

  return { ...state, refresh };
}

export type Route =
  | { screen: 'at-risk' }
  | { screen: 'order'; id: number }
  | { screen: 'performance' }
  | { screen: 'settings'; section?: string; subjects?: string[] }
  | { screen: 'stock' }
  | { screen: 'pack' }
  | { screen: 'parcels'; parcel?: number }
  | { screen: 'access' }
  | { screen: 'setup'; section?: string }
  | { screen: 'catalogue'; section?: string };

/** Hash routes (#/orders/12): the server serves one page at `/` and never sees the route. */
export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#/, '') || '/';
  const order = /^\/orders\/(\d+)$/.exec(path);
  if (order) return { screen: 'order', id: Number(order[1]) };
  const parcel = /^\/parcels\/(\d+)$/.exec(path);
  if (parcel) return { screen: 'parcels', parcel: Number(parcel[1]) };
  // A part of Settings an error's link points at (#/settings/sender): the screen, scrolled to that part.
  // `?for=A,B` names what to set there (the SKUs a plan lacked): the form opens on the first.
  const section = /^\/settings\/([a-z][a-z-]*)(?:\?for=([^&]*))?$/.exec(path);
  if (section)
    return {
      screen: 'settings',
      section: section[1]!,
      ...(section[2] ? { subjects: decodeURIComponent(section[2]).split(',').filter(Boolean) } : {}),
    };
  // The first run: the checklist (#/setup; #/shops is its shop step, whose Connect link leads to Settings → Shops) and the catalogue's parts.
  const catalogue = /^\/catalogue(?:\/([a-z][a-z-]*))?$/.exec(path);
  if (catalogue) return { screen: 'catalogue', ...(catalogue[1] ? { section: catalogue[1] } : {}) };
  if (path === '/shops') return { screen: 'setup', section: 'shop' };
  switch (path) {
    case '/setup':
      return { screen: 'setup' };
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
    case '/access':
      return { screen: 'access' };
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

/**
 * Scrolls the part of a screen a link names (its card has the id `<screen>-<section>`: `settings-sender`) into view,
 * highlighted, once it is shown; the cursor goes to the first empty field of its form (after a SKU the link filled
 * in, its size).
 */
export function useSectionInView(screen: string, section: string | undefined, ready: boolean) {
  useEffect(() => {
    if (!section || !ready) return;
    const card = document.getElementById(`${screen}-${section}`);
    if (!card) return;
    card.classList.add('fix-target');
    card.scrollIntoView({ block: 'start' });
    const fields = [
      ...card.querySelectorAll<HTMLInputElement>(
        'form input:not([type="checkbox"]):not([type="file"]):not([readonly])',
      ),
    ];
    (fields.find((f) => !f.value) ?? fields[0])?.focus({ preventScroll: true });
    return () => card.classList.remove('fix-target');
  }, [screen, section, ready]);
}
