/**
 * What the pack station reads about the open order besides its session: whether it was closed or cancelled
 * meanwhile (its situation, read when the order opens and again when the label is due), so the station says why
 * instead of offering a label the API would refuse with 409 order.closed; and the carrier choice, shown before the
 * label is bought.
 */
import { useEffect, useState } from 'react';
import { api, type Localized, type OrderQuotes, type PackSession, type Verdict } from '../../api';
import { settledOf, type Settled } from '../../settled';
import type { Phase } from './phase';

export function useSettled(orderId: number | undefined, phase: Phase) {
  const [settled, setSettled] = useState<(Settled & { why: Localized }) | undefined>();
  const labelDue = phase === 'label';
  // biome-ignore lint/correctness/useExhaustiveDependencies: read again when the label falls due (labelDue)
  useEffect(() => {
    setSettled(undefined);
    if (orderId === undefined) return;
    let cancelled = false;
    api<Verdict>(`/orders/${orderId}/verdict`)
      .then((verdict) => {
        const found = settledOf(verdict);
        if (!cancelled) setSettled(found ? { ...found, why: verdict.headline } : undefined);
      })
      .catch(() => undefined);
    return () => {
      cancelled = true;
    };
  }, [orderId, labelDue]);
  return settled;
}

/** The order's quotes once its label is due (cleared by `setQuotes(undefined)` when another order opens). */
export function useLabelQuotes(phase: Phase, session: PackSession | undefined) {
  const [quotes, setQuotes] = useState<OrderQuotes | undefined>();
  useEffect(() => {
    if (phase !== 'label' || !session) return;
    let cancelled = false;
    api<OrderQuotes>(`/orders/${session.order_id}/quotes`)
      .then((q) => {
        if (!cancelled) setQuotes(q);
      })
      .catch(() => undefined);
    return () => {
      cancelled = true;
    };
  }, [phase, session]);
  return [quotes, setQuotes] as const;
}
