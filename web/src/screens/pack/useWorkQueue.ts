/**
 * The pack station's work queue: the plan of `stations` stations (and the orders being packed), re-planned every
 * 30 s and on `refresh` after each order (not on every order change: planning costs); `next` is the first order of
 * this station's queue that nobody is packing, or the one this station was packing, skipping the orders done here
 * (`done`) and the one open now.
 */
import { useMemo, useRef } from 'react';
import { api, type PlanJob, type WorkPlan } from '../../api';
import { usePoll } from '../../hooks';

export function useWorkQueue(stations: number, stationId: string, shopParam: string, openOrder: number | undefined) {
  const plan = usePoll(
    async (signal) => {
      const [work, packing] = await Promise.all([
        api<WorkPlan>(`/plan?stations=${stations}&budget_ms=200${shopParam}`, { signal }),
        api<{ items: Array<{ order_id: number; session_id: number; station: string | null }> }>('/pack/being-packed', {
          signal,
        }),
      ]);
      return { work, packing: packing.items };
    },
    [stations, shopParam],
    30_000,
    { live: false },
  );
  const done = useRef(new Set<number>());
  const next: { job: PlanJob; resume: boolean } | undefined = useMemo(() => {
    const queue = plan.data?.work.stations.find((s) => s.station === stationId)?.queue ?? [];
    for (const job of queue) {
      if (done.current.has(job.order_id) || job.order_id === openOrder) continue;
      const packing = plan.data!.packing.find((p) => p.order_id === job.order_id);
      if (!packing) return { job, resume: false };
      if (packing.station === stationId) return { job, resume: true };
    }
    return undefined;
  }, [plan.data, stationId, openOrder]);
  return { plan, next, done: done.current };
}
