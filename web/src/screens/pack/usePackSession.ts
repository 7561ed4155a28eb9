/**
 * The order at the pack station and the steps that move it on, each a request to the API: started from its barcode,
 * each item scanned, the parcel weighed (held when out of tolerance), the label bought and printed with the slip, or
 * stopped. The requests go one at a time in the order the packer made them; a refusal is loud (useSignals), and the
 * scan field takes the focus back.
 */
import { useEffect, useRef, useState } from 'react';
import { api, apiBlob, ApiError, type PackAnswer, type PackSession } from '../../api';
import { useData } from '../../data';
import { useI18n } from '../../i18n';
import { useLabelPurchase } from './LabelChoice';
import type { Printed } from './LabelPanel';
import { phaseOf } from './phase';
import { useLabelQuotes } from './useOrderChecks';
import type { useSignals } from './useSignals';
import { useWorkQueue } from './useWorkQueue';

type Signals = ReturnType<typeof useSignals>;

/** Scans are answered in the order they were made: a scan made while the previous one is on its way waits for it. */
function useInOrder(loud: Signals['loud'], focus: () => void) {
  const [busy, setBusy] = useState(false);
  const queue = useRef<Promise<void>>(Promise.resolve());
  const pendingCount = useRef(0);
  const run = (work: () => Promise<void>) => {
    pendingCount.current++;
    setBusy(true);
    queue.current = queue.current.then(async () => {
      try {
        await work();
      } catch (error) {
        loud(error);
      } finally {
        if (--pendingCount.current === 0) setBusy(false);
        focus();
      }
    });
    return queue.current;
  };
  return { busy, run };
}

/** The printed label and slip; their blob URLs are released when replaced or when the screen goes. */
function usePrinted() {
  const [printed, setPrinted] = useState<Printed | undefined>();
  useEffect(
    () => () => {
      if (printed) {
        URL.revokeObjectURL(printed.labelUrl);
        URL.revokeObjectURL(printed.slipUrl);
      }
    },
    [printed],
  );
  return [printed, setPrinted] as const;
}

export function usePackSession(
  queueOf: { stations: number; stationId: string; shopParam: string },
  { loud, good, setNotice }: Pick<Signals, 'loud' | 'good' | 'setNotice'>,
  focus: () => void,
) {
  const { t } = useI18n();
  const { shopId, shops } = useData();
  const { stations, stationId, shopParam } = queueOf;
  const [session, setSession] = useState<PackSession | undefined>();
  const [printed, setPrinted] = usePrinted();
  const { busy, run } = useInOrder(loud, focus);
  const [overrideReason, setOverrideReason] = useState('');
  const phase = phaseOf(session, printed);
  const purchase = useLabelPurchase(session?.order_id);
  const [quotes, setQuotes] = useLabelQuotes(phase, session);
  const { plan, next, done } = useWorkQueue(stations, stationId, shopParam, session?.order_id);

  const startOrder = (barcode: string) =>
    run(async () => {
      const answer = await api<PackAnswer & { resumed: boolean }>('/pack/sessions', {
        method: 'POST',
        body: {
          order_barcode: barcode,
          station: stationId,
          ...(shops.length > 1 && shopId ? { shop_id: shopId } : {}),
        },
      });
      setPrinted(undefined);
      setQuotes(undefined);
      setOverrideReason('');
      purchase.reset();
      setSession(answer.session);
      good((_, pick) => pick(answer.message));
    });

  const scanItem = (value: string) =>
    run(async () => {
      const answer = await api<PackAnswer & { parcel_packed: boolean }>(`/pack/sessions/${session!.id}/scans`, {
        method: 'POST',
        body: { code: value },
      });
      setSession(answer.session);
      good((_, pick) => pick(answer.message));
    });

  const weigh = (value: string) =>
    run(async () => {
      const grams = Math.round(Number(value.replace(',', '.')));
      if (!Number.isFinite(grams) || grams < 1) {
        loud(new ApiError(400, 'weight', { en: t('pack.weightNotNumber'), 'zh-CN': t('pack.weightNotNumber') }));
        return;
      }
      try {
        const answer = await api<PackAnswer>(`/pack/sessions/${session!.id}/weight`, {
          method: 'POST',
          body: { grams, ...(overrideReason.trim() ? { override_reason: overrideReason.trim() } : {}) },
        });
        setSession(answer.session);
        good((_, pick) => pick(answer.message));
      } catch (error) {
        // Out of tolerance: the parcel is held; show the session as it is now (held) with the message.
        if (error instanceof ApiError && error.status === 409) {
          const now = await api<PackSession>(`/pack/sessions/${session!.id}`).catch(() => undefined);
          if (now) setSession(now);
        }
        throw error;
      }
    });

  // Enter buys with the service chosen (automatically, or picked from the candidates); an expensive label only with
  // the confirmation button (pack/LabelChoice.tsx).
  const printLabel = (confirmed = false) =>
    run(async () => {
      const orderId = session!.order_id;
      const answer = { items: await purchase.buy(confirmed) };
      const [label, slip] = await Promise.all([
        apiBlob(`/labels.pdf?order=${orderId}`),
        apiBlob(`/orders/${orderId}/packing-slip.pdf?size=A6`),
      ]);
      setPrinted({ labels: answer.items, labelUrl: URL.createObjectURL(label), slipUrl: URL.createObjectURL(slip) });
      done.add(orderId);
      const numbers = answer.items.map((l) => l.tracking_number).join(', ');
      good((t) => t('pack.printedMessage', { numbers }));
      void plan.refresh();
    });

  const cancel = () =>
    run(async () => {
      if (!session) return;
      if (session.being_packed)
        await api(`/pack/sessions/${session.id}/cancel`, {
          method: 'POST',
          body: { reason: 'stopped at the pack station' },
        });
      setSession(undefined);
      setPrinted(undefined);
      setQuotes(undefined);
      setNotice({ tone: 'info', say: (t) => t('pack.cancelled') });
      void plan.refresh();
    });

  return {
    session,
    printed,
    phase,
    busy,
    purchase,
    quotes,
    plan,
    next,
    overrideReason,
    setOverrideReason,
    startOrder,
    scanItem,
    weigh,
    printLabel,
    cancel,
  };
}
