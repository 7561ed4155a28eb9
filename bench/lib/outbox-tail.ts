/**
 * Where an outbox run's time went (bench/outbox.ts): the time to 50, 95, 99 and 100 % of the uploads delivered, how
 * many tries the uploads took, and for the last 5 %, the last 1 % and the last upload delivered, where their time went:
 *   queued     — from the run's first attempt to this upload's first call (the uploads ahead of it);
 *   backoff    — recorded as failed until its `next_attempt_at` (the retry policy);
 *   pick-up    — due until its next call reached the marketplace (a worker's idle sleep, the claim);
 *   in flight  — from a try's first call until its outcome was recorded (the calls, the batch's recording).
 * The calls come from the fake's `onCall` (one clock with the workers': the same machine), the rest from the
 * timeline's `upload_attempt` events (recorded at, next_attempt_at).
 */
import { sql, type Kysely } from 'kysely';
import { API } from '../../src/integrations/aliexpress/protocol';
import type { Database } from '../../src/store/schema';

/** The times the fake saw fulfil and order-detail calls, per platform order id. */
export interface CallLog {
  onCall(call: { method: string; params: ReadonlyMap<string, string>; at: number }): void;
  callsOf(platformOrderId: string): readonly number[];
}

export function newCallLog(): CallLog {
  const calls = new Map<string, number[]>();
  return {
    onCall({ method, params, at }) {
      const orderId =
        method === API.fulfill
          ? params.get('out_ref')
          : method === API.orderDetail
            ? /"order_id"\s*:\s*"?(\d+)/.exec(params.get('param1') ?? '')?.[1]
            : undefined;
      if (!orderId) return;
      const list = calls.get(orderId);
      if (list) list.push(at);
      else calls.set(orderId, [at]);
    },
    callsOf: (platformOrderId) => calls.get(platformOrderId) ?? [],
  };
}

/** Mean milliseconds per upload of a slice of the last uploads delivered, and its mean tries. */
interface Waits {
  uploads: number;
  queued: number;
  backoff: number;
  pickUp: number;
  inFlight: number;
  tries: number;
}

export interface TailBreakdown {
  /** Milliseconds from the run's first attempt to 50, 95, 99 and 100 % of the uploads delivered. */
  toPercent: { p50: number; p95: number; p99: number; p100: number };
  /** Delivered uploads by the tries they took. */
  tries: Record<number, number>;
  /** The last 5 %, the last 1 %, the last upload. */
  tail: { last5: Waits; last1: Waits; last: Waits };
}

export async function tailBreakdown(
  db: Kysely<Database>,
  shop: string,
  firstAt: number,
  calls: CallLog,
): Promise<TailBreakdown> {
  const delivered = await db
    .selectFrom('outbox')
    .innerJoin('orders', 'orders.id', 'outbox.order_id')
    .select(['outbox.order_id', 'outbox.attempts', 'outbox.done_at', 'orders.platform_order_id'])
    .where('outbox.shop_id', '=', shop)
    .where('outbox.kind', '=', 'upload_tracking')
    .where('outbox.status', '=', 'delivered')
    .orderBy('outbox.done_at')
    .execute();
  const at = (share: number) =>
    delivered.length ? Number(delivered[Math.max(0, Math.ceil(share * delivered.length) - 1)]!.done_at) - firstAt : 0;
  const tries: Record<number, number> = {};
  for (const row of delivered) tries[row.attempts] = (tries[row.attempts] ?? 0) + 1;

  const tail = delivered.slice(Math.floor(delivered.length * 0.95));
  const waited: Array<Omit<Waits, 'uploads'>> = [];
  if (tail.length) {
    const { rows: events } = await sql<{ order_id: number; at: string; data: string }>`
      select e.order_id, e.at, e.data from order_events e
      where e.kind = 'upload_attempt' and e.order_id in (${sql.join(tail.map((row) => row.order_id))})
      order by e.order_id, e.at, e.id`.execute(db);
    const byOrder = new Map<number, Array<{ at: number; next: number | undefined }>>();
    for (const event of events) {
      const data = JSON.parse(event.data) as { next_attempt_at?: number };
      const list = byOrder.get(event.order_id) ?? [];
      list.push({ at: Number(event.at), next: data.next_attempt_at });
      byOrder.set(event.order_id, list);
    }
    for (const row of tail) {
      const waits = { queued: 0, backoff: 0, pickUp: 0, inFlight: 0, tries: 0 };
      const seen = calls.callsOf(row.platform_order_id);
      // A try's first call: the first one after the previous try was recorded (and came due).
      let previous: { at: number; next: number | undefined } | undefined;
      for (const attempt of byOrder.get(row.order_id) ?? []) {
        const due = previous ? Math.max(previous.at, previous.next ?? previous.at) : firstAt;
        const first = seen.find((callAt) => callAt >= (previous?.at ?? firstAt)) ?? due;
        if (previous) {
          waits.backoff += due - previous.at;
          waits.pickUp += Math.max(0, first - due);
        } else waits.queued += first - firstAt;
        waits.inFlight += attempt.at - first;
        waits.tries++;
        previous = attempt;
      }
      waited.push(waits);
    }
  }
  const mean = (slice: typeof waited): Waits => {
    const n = Math.max(1, slice.length);
    const sum = (key: keyof Omit<Waits, 'uploads'>) => slice.reduce((total, w) => total + w[key], 0) / n;
    return {
      uploads: slice.length,
      queued: sum('queued'),
      backoff: sum('backoff'),
      pickUp: sum('pickUp'),
      inFlight: sum('inFlight'),
      tries: sum('tries'),
    };
  };
  return {
    toPercent: { p50: at(0.5), p95: at(0.95), p99: at(0.99), p100: at(1) },
    tries,
    tail: {
      last5: mean(waited),
      last1: mean(waited.slice(Math.floor(waited.length * 0.8))),
      last: mean(waited.slice(-1)),
    },
  };
}

export function tailLines(workers: number, b: TailBreakdown): string[] {
  const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  const tries = Object.entries(b.tries)
    .map(([n, count]) => `${count}×${n}`)
    .join(', ');
  const line = (what: string, t: Waits) =>
    `   ${workers} worker(s): ${what} (${t.uploads} uploads, ${t.tries.toFixed(1)} tries each) waited per upload ${s(t.queued)} queued before the first try, ${s(t.backoff)} in backoff, ${s(t.pickUp)} due before a worker took it, ${s(t.inFlight)} in flight and recording`;
  return [
    `   ${workers} worker(s): delivered 50 % in ${s(b.toPercent.p50)}, 95 % in ${s(b.toPercent.p95)}, 99 % in ${s(b.toPercent.p99)}, 100 % in ${s(b.toPercent.p100)}; uploads by tries: ${tries}`,
    line('the last 5 %', b.tail.last5),
    line('the last 1 %', b.tail.last1),
    line('the last upload', b.tail.last),
  ];
}
