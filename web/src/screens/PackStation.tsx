/**
 * The pack station: made for a barcode scanner (it types the code and Enter) and a keyboard, with no mouse, and
 * large enough for a tablet. One field takes everything in turn: the order's barcode, then each item, then the
 * weight; Enter then buys and prints the label and the slip, and Enter again starts the next order of the work
 * queue's plan (the first of this station's queue that nobody is packing). A wrong scan is loud: a red flash, a
 * low double beep (Web Audio) and the API's message. Esc twice stops packing the order. An order closed or
 * cancelled meanwhile (its situation) says why and offers no label. Its parts are in pack/.
 */
import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { useData } from '../data';
import { useStored } from '../hooks';
import { useI18n } from '../i18n';
import { type Notice, PackAlert, Refusal } from './pack/Alert';
import { OrderCard } from './pack/OrderCard';
import { QueueCard } from './pack/QueueCard';
import { ScanForm } from './pack/ScanForm';
import { StationHeader } from './pack/StationHeader';
import { useSettled } from './pack/useOrderChecks';
import { usePackSession } from './pack/usePackSession';
import { useSignals } from './pack/useSignals';
import { useStationKeys } from './pack/useStationKeys';

/** The screen's classes: a flash after a scan (green, or red for longer), and the alerting look while it is red. */
function stationClassName(flash: { tone: 'ok' | 'error' } | undefined, notice: Notice): string {
  return ['screen', 'pack-station', flash ? `flash-${flash.tone}` : '', notice?.tone === 'error' ? 'alerting' : '']
    .filter(Boolean)
    .join(' ');
}

export function PackStation() {
  const { t, pick } = useI18n();
  const { shopId, shops, zoneOfShop } = useData();
  const [stationNo, setStationNo] = useStored('shipby.pack.station', '1');
  const [stationCount, setStationCount] = useStored('shipby.pack.stations', '2');
  const stations = Math.max(1, Math.min(20, Number(stationCount) || 1));
  const station = Math.max(1, Math.min(stations, Number(stationNo) || 1));
  const stationId = `station-${station}`;

  const signals = useSignals();
  const { notice, setNotice, flash, sound, loud } = signals;
  const [code, setCode] = useState('');
  const input = useRef<HTMLInputElement>(null);
  const focus = useCallback(() => input.current?.focus(), []);
  const shopParam = shops.length > 1 && shopId ? `&shop=${encodeURIComponent(shopId)}` : '';
  const pack = usePackSession({ stations, stationId, shopParam }, signals, focus);
  const { session, printed, phase, busy, purchase, quotes, plan, next, overrideReason, setOverrideReason } = pack;
  const { startOrder, scanItem, weigh, printLabel, cancel } = pack;
  const { onKeyDown, disarm } = useStationKeys({ session, phase, printed, cancel, setNotice });

  // biome-ignore lint/correctness/useExhaustiveDependencies: the field takes the focus again at each phase
  useEffect(() => {
    focus();
  }, [phase, focus]);

  // A closed or cancelled order cannot be labelled: say why (pack/useOrderChecks.ts).
  const settled = useSettled(session?.order_id, phase);
  const settledText = settled ? `${t(settled.key, { why: pick(settled.why) })} ${t('pack.blockedHint')}` : undefined;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    // Only item scans queue up behind a request on its way; anything else waits (what was typed stays in the field).
    if (busy && phase !== 'items') return;
    const value = code.trim();
    setCode('');
    disarm();
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

  return (
    // biome-ignore lint/a11y/noStaticElementInteractions: the station's keys (Esc, F2, F4) bubble up from its controls, and a click anywhere else gives the scan field its focus back
    <div
      className={stationClassName(flash, notice)}
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
