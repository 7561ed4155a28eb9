/**
 * The pack station: made for a barcode scanner (it types the code and Enter) and a keyboard, with no mouse, and
 * large enough for a tablet. One field takes everything in turn: the order's barcode, then each item, then the
 * weight; Enter then buys and prints the label and the slip, and Enter again starts the next order of the work
 * queue's plan (the first of this station's queue that nobody is packing). A wrong scan is loud: a red flash, a
 * low double beep (Web Audio) and the API's message. Esc twice stops packing the order. An order closed or
 * cancelled meanwhile (its situation) says why and offers no label. Its parts are in pack/.
 */
import { useCallback, useEffect, useMemo, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import {
  api,
  apiBlob,
  ApiError,
  type Localized,
  type OrderQuotes,
  type PackAnswer,
  type PackSession,
  type PlanJob,
  type Verdict,
  type WorkPlan,
} from '../api';
import { Card, DateTime } from '../components';
import { useData } from '../data';
import { usePoll, useStored } from '../hooks';
import { useI18n } from '../i18n';
import { settledOf, type Settled } from '../settled';
import { noticeOf, PackAlert, Refusal, type Notice } from './pack/Alert';
import { LabelChoice, useLabelPurchase } from './pack/LabelChoice';
import { LabelPanel, type Printed } from './pack/LabelPanel';
import { phaseOf, PROMPT } from './pack/phase';
import { BatchPrint } from './pack/BatchPrint';
import { QueueCard } from './pack/QueueCard';
import { beep } from './pack/sound';

export function PackStation() {
  const { t, pick, term } = useI18n();
  const { shopId, shops, zoneOfShop } = useData();
  const [stationNo, setStationNo] = useStored('shipby.pack.station', '1');
  const [stationCount, setStationCount] = useStored('shipby.pack.stations', '2');
  const stations = Math.max(1, Math.min(20, Number(stationCount) || 1));
  const station = Math.max(1, Math.min(stations, Number(stationNo) || 1));
  const stationId = `station-${station}`;

  const [session, setSession] = useState<PackSession | undefined>();
  const [printed, setPrinted] = useState<Printed | undefined>();
  const [quotes, setQuotes] = useState<OrderQuotes | undefined>();
  const [notice, setNotice] = useState<Notice>();
  const [flash, setFlash] = useState<{ tone: 'ok' | 'error'; n: number } | undefined>();
  const [sound, setSound] = useState<{ kind: string; n: number }>({ kind: '', n: 0 });
  const [busy, setBusy] = useState(false);
  const [code, setCode] = useState('');
  const [overrideReason, setOverrideReason] = useState('');
  const [escArmed, setEscArmed] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  const phase = phaseOf(session, printed);
  const purchase = useLabelPurchase(session?.order_id);

  // The work queue: re-planned every 30 s and after each order (not on every order change: planning costs).
  const shopParam = shops.length > 1 && shopId ? `&shop=${encodeURIComponent(shopId)}` : '';
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
      if (done.current.has(job.order_id) || job.order_id === session?.order_id) continue;
      const packing = plan.data!.packing.find((p) => p.order_id === job.order_id);
      if (!packing) return { job, resume: false };
      if (packing.station === stationId) return { job, resume: true };
    }
    return undefined;
  }, [plan.data, stationId, session?.order_id]);

  const focus = useCallback(() => input.current?.focus(), []);
  useEffect(() => {
    focus();
  }, [phase, focus]);

  const loud = useCallback(
    (error: unknown) => {
      setNotice(noticeOf(error, pick, t));
      setFlash((f) => ({ tone: 'error', n: (f?.n ?? 0) + 1 }));
      setSound((s) => ({ kind: 'error', n: s.n + 1 }));
      beep('error');
    },
    [pick, t],
  );

  const good = useCallback((text: string) => {
    setNotice({ tone: 'ok', text });
    setFlash((f) => ({ tone: 'ok', n: (f?.n ?? 0) + 1 }));
    setSound((s) => ({ kind: 'ok', n: s.n + 1 }));
    beep('ok');
  }, []);

  useEffect(() => {
    if (!flash) return;
    const timer = setTimeout(() => setFlash(undefined), flash.tone === 'error' ? 1500 : 400);
    return () => clearTimeout(timer);
  }, [flash]);

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
      good(pick(answer.message));
    });

  const scanItem = (value: string) =>
    run(async () => {
      const answer = await api<PackAnswer & { parcel_packed: boolean }>(`/pack/sessions/${session!.id}/scans`, {
        method: 'POST',
        body: { code: value },
      });
      setSession(answer.session);
      good(pick(answer.message));
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
        good(pick(answer.message));
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
      done.current.add(orderId);
      good(t('pack.printedMessage', { numbers: answer.items.map((l) => l.tracking_number).join(', ') }));
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
      setNotice({ tone: 'info', text: t('pack.cancelled') });
      void plan.refresh();
    });

  // A closed or cancelled order (its situation, read again when the label is due) cannot be labelled: say why
  // instead of offering a label the API would refuse with 409 order.closed.
  const [settled, setSettled] = useState<(Settled & { why: Localized }) | undefined>();
  const sessionOrder = session?.order_id;
  useEffect(() => {
    setSettled(undefined);
    if (sessionOrder === undefined) return;
    let cancelled = false;
    api<Verdict>(`/orders/${sessionOrder}/verdict`)
      .then((verdict) => {
        const found = settledOf(verdict);
        if (!cancelled) setSettled(found ? { ...found, why: verdict.headline } : undefined);
      })
      .catch(() => undefined);
    return () => {
      cancelled = true;
    };
  }, [sessionOrder, phase === 'label']);
  const settledText = settled ? `${t(settled.key, { why: pick(settled.why) })} ${t('pack.blockedHint')}` : undefined;

  // The carrier choice is shown before the label is bought.
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
        setNotice({ tone: 'info', text: t('pack.escAgain') });
      }
    } else if ((event.key === 'F2' || event.key === 'F4') && printed) {
      event.preventDefault();
      window.open(event.key === 'F2' ? printed.labelUrl : printed.slipUrl, '_blank', 'noopener');
    }
  };

  const current = session?.current_parcel ?? null;
  const zone = session ? zoneOfShop(session.shop_id) : undefined;
  const className = [
    'screen',
    'pack-station',
    flash ? `flash-${flash.tone}` : '',
    notice?.tone === 'error' ? 'alerting' : '',
  ]
    .filter(Boolean)
    .join(' ');

  return (
    <div
      className={className}
      onKeyDown={onKeyDown}
      data-phase={phase}
      data-busy={busy}
      data-sound={sound.kind}
      data-sound-count={sound.n}
      onClick={(e) => ((e.target as HTMLElement).closest('a,button,select,input') ? undefined : focus())}
    >
      <div className="screen-title">
        <h1>{t('pack.title')}</h1>
        <label className="pack-setting">
          {t('pack.station')}
          <select value={String(station)} onChange={(e) => setStationNo(e.target.value)} data-testid="pack-station-no">
            {Array.from({ length: stations }, (_, i) => (
              <option key={i + 1} value={String(i + 1)}>
                {i + 1}
              </option>
            ))}
          </select>
        </label>
        <label className="pack-setting">
          {t('pack.stations')}
          <input
            type="number"
            min={1}
            max={20}
            value={stations}
            onChange={(e) => setStationCount(e.target.value)}
            className="narrow"
          />
        </label>
        <BatchPrint stations={stations} stationId={stationId} shopParam={shopParam} />
      </div>

      <form className="scan-form" onSubmit={submit} data-testid="scan-form">
        <label htmlFor="scan-input" className="scan-prompt" data-testid="scan-prompt">
          {t(PROMPT[phase])}
        </label>
        <div className="scan-row">
          <input
            id="scan-input"
            ref={input}
            className="scan-input"
            value={code}
            onChange={(e) => setCode(e.target.value)}
            autoComplete="off"
            autoCapitalize="off"
            spellCheck={false}
            inputMode={phase === 'weight' ? 'numeric' : 'text'}
            placeholder={
              phase === 'weight'
                ? t('pack.gramsPlaceholder')
                : phase === 'order' || phase === 'printed'
                  ? next
                    ? t('pack.enterForNext', { order: next.job.platform_order_id })
                    : t('pack.scanPlaceholder')
                  : phase === 'label'
                    ? t('pack.enterToPrint')
                    : t('pack.scanPlaceholder')
            }
            aria-invalid={notice?.tone === 'error'}
            aria-busy={busy}
            data-testid="scan-input"
          />
          <button
            type="submit"
            className="primary big"
            disabled={busy || (phase === 'label' && settled !== undefined)}
            aria-describedby={settled ? 'pack-blocked' : undefined}
          >
            {phase === 'label' ? t('pack.printLabel') : phase === 'weight' ? t('pack.weigh') : t('pack.enter')}
          </button>
        </div>
        {phase === 'weight' && session?.status === 'held' ? (
          <label className="override">
            {t('pack.overrideReason')}
            <input
              value={overrideReason}
              onChange={(e) => setOverrideReason(e.target.value)}
              data-testid="override-reason"
              placeholder={t('pack.overridePlaceholder')}
            />
          </label>
        ) : null}
        <p className="hint">{t('pack.keys')}</p>
      </form>

      <PackAlert notice={notice} />

      <div className="pack-grid">
        <Card
          title={session ? t('pack.orderTitle', { order: session.platform_order_id }) : t('pack.noOrder')}
          className="pack-order"
        >
          {session ? (
            <>
              <p className="pack-facts">
                <span className={`badge pack-status-${session.status}`} data-testid="pack-status">
                  {term('packStatus', session.status)}
                </span>{' '}
                {t('pack.shipBy')} <DateTime iso={session.ship_by_at} platformZone={zone} /> ·{' '}
                <a href={`#/orders/${session.order_id}`}>{t('pack.openOrder')}</a>
              </p>
              {settledText ? (
                <p
                  className="blocked"
                  role="alert"
                  id="pack-blocked"
                  data-testid="pack-blocked"
                  data-kind={settled!.kind}
                >
                  {settledText}
                </p>
              ) : null}
              {current ? (
                <>
                  <h3>{t('pack.parcelOf', { position: current.position, of: current.of, box: current.box })}</h3>
                  <table className="pack-items" data-testid="pack-items">
                    <thead>
                      <tr>
                        <th>{t('lines.sku')}</th>
                        <th>{t('pack.bin')}</th>
                        <th className="num">{t('pack.expected')}</th>
                        <th className="num">{t('pack.scanned')}</th>
                      </tr>
                    </thead>
                    <tbody>
                      {current.items.map((item) => (
                        <tr key={item.sku} className={item.remaining === 0 ? 'complete' : ''} data-sku={item.sku}>
                          <td>{item.sku}</td>
                          <td data-testid="pack-bin">{item.bin ?? '—'}</td>
                          <td className="num">{item.expected}</td>
                          <td className="num strong">{item.scanned}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                  {session.status !== 'scanning' ? (
                    <p className="pack-weight" data-testid="weight-range">
                      {t('pack.weightRange', {
                        expected: current.expected_gross_g,
                        min: current.weight_range.min_g,
                        max: current.weight_range.max_g,
                      })}
                    </p>
                  ) : null}
                </>
              ) : null}
              {session.parcels.length > 1 || !current ? (
                <ul className="pack-parcels">
                  {session.parcels.map((p) => (
                    <li key={p.parcel_id}>
                      {t('pack.parcelOf', { position: p.position, of: p.of, box: p.box })} ·{' '}
                      {term('parcelState', p.status)}
                      {p.measured_g ? ` · ${t('parcels.grams', { grams: p.measured_g })}` : ''}
                    </li>
                  ))}
                </ul>
              ) : null}
              <LabelPanel quotes={phase === 'label' && !settled ? quotes : undefined} printed={printed} />
              {phase === 'label' && !settled ? (
                <LabelChoice purchase={purchase} busy={busy} onConfirm={() => void printLabel(true)} />
              ) : null}
              {session.being_packed ? (
                <button type="button" className="danger" onClick={() => void cancel()} disabled={busy}>
                  {t('pack.cancel')}
                </button>
              ) : null}
            </>
          ) : (
            <p className="muted">{t('pack.scanToStart')}</p>
          )}
        </Card>

        <QueueCard station={station} stationId={stationId} plan={plan} next={next} />
      </div>
    </div>
  );
}
