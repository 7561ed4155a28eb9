/**
 * The pack station: made for a barcode scanner (it types the code and Enter) and a keyboard, with no mouse, and
 * large enough for a tablet. One field takes everything in turn: the order's barcode, then each item, then the
 * weight; Enter then buys and prints the label and the slip, and Enter again starts the next order of the work
 * queue's plan (the first of this station's queue that nobody is packing). A wrong scan is loud: a red flash, a
 * low double beep (Web Audio) and the API's message. Esc twice stops packing the order. An order closed or
 * cancelled meanwhile (its situation) says why and offers no label. Its parts are in pack/.
 */
import { useCallback, useEffect, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { api, apiBlob, ApiError, type PackAnswer, type PackSession } from '../api';
import { useData } from '../data';
import { useStored } from '../hooks';
import { useI18n } from '../i18n';
import { PackAlert, Refusal } from './pack/Alert';
import { useLabelPurchase } from './pack/LabelChoice';
import type { Printed } from './pack/LabelPanel';
import { OrderCard } from './pack/OrderCard';
import { phaseOf } from './pack/phase';
import { QueueCard } from './pack/QueueCard';
import { ScanForm } from './pack/ScanForm';
import { StationHeader } from './pack/StationHeader';
import { useLabelQuotes, useSettled } from './pack/useOrderChecks';
import { useSignals } from './pack/useSignals';
import { useWorkQueue } from './pack/useWorkQueue';

export function PackStation() {
  const { t, pick } = useI18n();
  const { shopId, shops, zoneOfShop } = useData();
  const [stationNo, setStationNo] = useStored('shipby.pack.station', '1');
  const [stationCount, setStationCount] = useStored('shipby.pack.stations', '2');
  const stations = Math.max(1, Math.min(20, Number(stationCount) || 1));
  const station = Math.max(1, Math.min(stations, Number(stationNo) || 1));
  const stationId = `station-${station}`;

  const [session, setSession] = useState<PackSession | undefined>();
  const [printed, setPrinted] = useState<Printed | undefined>();
  const { notice, setNotice, flash, sound, loud, good } = useSignals();
  const [busy, setBusy] = useState(false);
  const [code, setCode] = useState('');
  const [overrideReason, setOverrideReason] = useState('');
  const [escArmed, setEscArmed] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  const phase = phaseOf(session, printed);
  const purchase = useLabelPurchase(session?.order_id);
  const [quotes, setQuotes] = useLabelQuotes(phase, session);

  const shopParam = shops.length > 1 && shopId ? `&shop=${encodeURIComponent(shopId)}` : '';
  const { plan, next, done } = useWorkQueue(stations, stationId, shopParam, session?.order_id);

  const focus = useCallback(() => input.current?.focus(), []);
  // biome-ignore lint/correctness/useExhaustiveDependencies: the field takes the focus again at each phase
  useEffect(() => {
    focus();
  }, [phase, focus]);

  // Blob URLs of printed documents are released when replaced or when the screen goes.
  useEffect(
    () => () => {
      if (printed) {
        URL.revokeObjectURL(printed.labelUrl);
        URL.revokeObjectURL(printed.slipUrl);
      }
    },
    [printed],
  );

  // Scans are answered in the order they were made: a scan made while the previous one is on its way waits for it.
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

  // A closed or cancelled order cannot be labelled: say why (pack/useOrderChecks.ts).
  const settled = useSettled(session?.order_id, phase);
  const settledText = settled ? `${t(settled.key, { why: pick(settled.why) })} ${t('pack.blockedHint')}` : undefined;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    // Only item scans queue up behind a request on its way; anything else waits (what was typed stays in the field).
    if (busy && phase !== 'items') return;
    const value = code.trim();
    setCode('');
    setEscArmed(false);
    switch (phase) {
      case 'order':
        if (value) void startOrder(value);
        else if (next) void startOrder(next.job.platform_order_id);
        return;
      case 'items':
        if (value) void scanItem(value);
        return;
      case 'weight':
        if (value) void weigh(value);
        return;
      case 'label':
        if (settledText) loud(new Refusal(settledText));
        else if (purchase.costToConfirm) loud(new Refusal(t('labelCost.useButton')));
        else void printLabel();
        return;
      case 'printed':
        if (value) void startOrder(value);
        else if (next) void startOrder(next.job.platform_order_id);
        return;
    }
  };

  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Escape' && session && phase !== 'printed') {
      event.preventDefault();
      if (escArmed) {
        setEscArmed(false);
        void cancel();
      } else {
        setEscArmed(true);
        setNotice({ tone: 'info', say: (t) => t('pack.escAgain') });
      }
    } else if ((event.key === 'F2' || event.key === 'F4') && printed) {
      event.preventDefault();
      window.open(event.key === 'F2' ? printed.labelUrl : printed.slipUrl, '_blank', 'noopener');
    }
  };

  const className = [
    'screen',
    'pack-station',
    flash ? `flash-${flash.tone}` : '',
    notice?.tone === 'error' ? 'alerting' : '',
  ]
    .filter(Boolean)
    .join(' ');

  return (
    // biome-ignore lint/a11y/noStaticElementInteractions: the station's keys (Esc, F2, F4) bubble up from its controls, and a click anywhere else gives the scan field its focus back
    <div
      className={className}
      onKeyDown={onKeyDown}
      data-phase={phase}
      data-busy={busy}
      data-sound={sound.kind}
      data-sound-count={sound.n}
      onClick={(e) => ((e.target as HTMLElement).closest('a,button,select,input') ? undefined : focus())}
    >
      <StationHeader
        station={station}
        stations={stations}
        stationId={stationId}
        shopParam={shopParam}
        onStation={setStationNo}
        onStations={setStationCount}
      />
      <ScanForm
        phase={phase}
        inputRef={input}
        code={code}
        onCode={setCode}
        onSubmit={submit}
        next={next}
        alerting={notice?.tone === 'error'}
        busy={busy}
        blocked={settled !== undefined}
        held={session?.status === 'held'}
        overrideReason={overrideReason}
        onOverrideReason={setOverrideReason}
      />
      <PackAlert notice={notice} />
      <div className="pack-grid">
        <OrderCard
          session={session}
          zone={session ? zoneOfShop(session.shop_id) : undefined}
          phase={phase}
          blocked={settled && settledText ? { text: settledText, kind: settled.kind } : undefined}
          quotes={quotes}
          printed={printed}
          purchase={purchase}
          busy={busy}
          onConfirm={() => void printLabel(true)}
          onCancel={() => void cancel()}
        />
        <QueueCard station={station} stationId={stationId} plan={plan} next={next} />
      </div>
    </div>
  );
}
