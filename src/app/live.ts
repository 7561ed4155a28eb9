/**
 * Live updates for the dashboard: "orders changed" as it happens. Every change of an order writes an order event,
 * so the newest event id is the orders' version. One watcher per process reads it every `intervalMs` — only while
 * somebody listens — and tells each listener when it moved. However many dashboards are open, the database sees
 * one tiny indexed read per interval.
 * Per account (issue 19, finding 9): a listener names its shops and hears only of changes to their orders; the
 * shops a change touched are read once per change (a range of event ids), not per listener.
 */
import { latestOrderEventId, shopsWithEventsBetween } from '../store/orders';
import type { AppContext } from './context';

/** The orders' version: the newest order event's id (0 before the first). */
async function ordersVersion(ctx: AppContext): Promise<number> {
  return latestOrderEventId(ctx.store.db);
}

export type ChangeListener = (version: number) => void;

export interface OrderChangeWatcher {
  /**
   * Calls `listener` with the new version each time the orders change (with `shops`: only when orders of one of
   * them changed); returns the unsubscribe.
   */
  subscribe(listener: ChangeListener, shops?: readonly string[]): () => void;
  /** The version last read (undefined before the first read). */
  readonly version: number | undefined;
  readonly listeners: number;
  /** Stops reading; subscribers get nothing more. */
  close(): void;
}

export function orderChangeWatcher(
  ctx: AppContext,
  options: { intervalMs?: number; onError?: (error: unknown) => void } = {},
): OrderChangeWatcher {
  const intervalMs = options.intervalMs ?? 1000;
  const listeners = new Map<ChangeListener, readonly string[] | undefined>();
  let version: number | undefined;
  let timer: NodeJS.Timeout | undefined;
  let reading = false;
  let closed = false;

  const read = async () => {
    if (reading || closed) return;
    reading = true;
    try {
      const latest = await ordersVersion(ctx);
      const previous = version;
      const changed = previous !== undefined && latest !== previous;
      version = latest;
      if (!changed) return;
      const scoped = [...listeners.values()].some((shops) => shops !== undefined);
      const touched = scoped
        ? new Set(await shopsWithEventsBetween(ctx.store.db, Math.min(previous, latest), latest))
        : undefined;
      for (const [listener, shops] of [...listeners])
        if (!shops || shops.some((shop) => touched!.has(shop))) listener(latest);
    } catch (error) {
      options.onError?.(error);
    } finally {
      reading = false;
    }
  };

  const stop = () => {
    if (timer) clearInterval(timer);
    timer = undefined;
    // Forget the version: when listening starts again, changes made meanwhile are not announced as one.
    version = undefined;
  };

  return {
    subscribe(listener, shops) {
      if (closed) return () => undefined;
      listeners.set(listener, shops);
      if (!timer) {
        void read();
        timer = setInterval(() => void read(), intervalMs);
        timer.unref?.();
      }
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0) stop();
      };
    },
    get version() {
      return version;
    },
    get listeners() {
      return listeners.size;
    },
    close() {
      closed = true;
      listeners.clear();
      stop();
    },
  };
}
