/**
 * The pack station: made for a barcode scanner (it types the code and Enter) and a keyboard, with no mouse, and
 * large enough for a tablet. One field takes everything in turn: the order's barcode, then each item, then the
 * weight; Enter then buys and prints the label and the slip, and Enter again starts the next order of the work
 * queue's plan (the first of this station's queue that nobody is packing). A wrong scan is loud: a red flash, a
 * low double beep (Web Audio) and the API's message. Esc twice stops packing the order.
 */
import { useCallback, useEffect, useMemo, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { api, apiBlob, ApiError, NetworkError, type IssuedLabel, type OrderQuotes, type PackAnswer, type PackSession, type PlanJob, type WorkPlan } from '../api';
import { Card, DateTime, ErrorText, Money } from '../components';
import { useData } from '../data';
import { usePoll, useStored } from '../hooks';
import { useI18n } from '../i18n';
import type { MessageKey } from '../i18n/en';

type Phase = 'order' | 'items' | 'weight' | 'label' | 'printed';
type Tone = 'ok' | 'error' | 'info';
type Notice = { tone: Tone; text: string; rule?: string | undefined } | undefined;

interface Printed {
  labels: IssuedLabel[];
  labelUrl: string;
  slipUrl: string;
}

function phaseOf(session: PackSession | undefined, printed: Printed | undefined): Phase {
  if (!session) return 'order';
  if (printed) return 'printed';
  if (session.status === 'scanning') return 'items';
  if (session.status === 'weighing' || session.status === 'held') return 'weight';
  return 'label';
}

const PROMPT: Record<Phase, MessageKey> = {
  order: 'pack.prompt.order',
  items: 'pack.prompt.items',
  weight: 'pack.prompt.weight',
  label: 'pack.prompt.label',
  printed: 'pack.prompt.next',
};

// ---- Sound: loud on a wrong scan, a short tick on a good one ----

let audio: AudioContext | undefined;
function beep(kind: 'ok' | 'error'): void {
  try {
    audio ??= new AudioContext();
    const ctx = audio;
    if (ctx.state === 'suspended') void ctx.resume();
    const tones = kind === 'ok' ? [{ f: 1320, at: 0, d: 0.07 }] : [{ f: 220, at: 0, d: 0.22 }, { f: 160, at: 0.27, d: 0.32 }];
    for (const tone of tones) {
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      osc.type = kind === 'ok' ? 'sine' : 'square';
      osc.frequency.value = tone.f;
      gain.gain.value = kind === 'ok' ? 0.15 : 0.35;
      osc.connect(gain).connect(ctx.destination);
      osc.start(ctx.currentTime + tone.at);
      osc.stop(ctx.currentTime + tone.at + tone.d);
    }
  } catch {
    /* no audio device: the flash and the message still say it */
  }
}

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

  // The work queue: re-planned every 30 s and after each order (not on every order change: planning costs).
  const shopParam = shops.length > 1 && shopId ? `&shop=${encodeURIComponent(shopId)}` : '';
  const plan = usePoll(
    async (signal) => {
      const [work, packing] = await Promise.all([
        api<WorkPlan>(`/plan?stations=${stations}&budget_ms=200${shopParam}`, { signal }),
        api<{ items: Array<{ order_id: number; session_id: number; station: string | null }> }>('/pack/being-packed', { signal }),
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

  const loud = useCallback((error: unknown) => {
    const text =
      error instanceof ApiError
        ? pick(error.messages) + (error.issues.length ? ` ${error.issues.map((i) => (i.messages ? pick(i.messages) : i.message)).join(' ')}` : '')
        : t(error instanceof NetworkError ? 'error.network' : 'error.unexpected');
    setNotice({ tone: 'error', text, rule: error instanceof ApiError ? error.rule : undefined });
    setFlash((f) => ({ tone: 'error', n: (f?.n ?? 0) + 1 }));
    setSound((s) => ({ kind: 'error', n: s.n + 1 }));
    beep('error');
  }, [pick, t]);

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
  useEffect(() => () => {
    if (printed) {
      URL.revokeObjectURL(printed.labelUrl);
      URL.revokeObjectURL(printed.slipUrl);
    }
  }, [printed]);

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
      const answer = await api<PackAnswer & { resumed: boolean }>('/pack/sessions', { method: 'POST', body: { order_barcode: barcode, station: stationId, ...(shops.length > 1 && shopId ? { shop_id: shopId } : {}) } });
      setPrinted(undefined);
      setQuotes(undefined);
      setOverrideReason('');
      setSession(answer.session);
      good(pick(answer.message));
    });

  const scanItem = (value: string) =>
    run(async () => {
      const answer = await api<PackAnswer & { parcel_packed: boolean }>(`/pack/sessions/${session!.id}/scans`, { method: 'POST', body: { code: value } });
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
        const answer = await api<PackAnswer>(`/pack/sessions/${session!.id}/weight`, { method: 'POST', body: { grams, ...(overrideReason.trim() ? { override_reason: overrideReason.trim() } : {}) } });
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

  const printLabel = () =>
    run(async () => {
      const orderId = session!.order_id;
      const answer = await api<{ items: IssuedLabel[] }>(`/orders/${orderId}/labels`, { method: 'POST', body: {} });
      const [label, slip] = await Promise.all([apiBlob(`/labels.pdf?order=${orderId}`), apiBlob(`/orders/${orderId}/packing-slip.pdf?size=A6`)]);
      setPrinted({ labels: answer.items, labelUrl: URL.createObjectURL(label), slipUrl: URL.createObjectURL(slip) });
      done.current.add(orderId);
      good(t('pack.printedMessage', { numbers: answer.items.map((l) => l.tracking_number).join(', ') }));
      void plan.refresh();
    });

  const cancel = () =>
    run(async () => {
      if (!session) return;
      if (session.being_packed) await api(`/pack/sessions/${session.id}/cancel`, { method: 'POST', body: { reason: 'stopped at the pack station' } });
      setSession(undefined);
      setPrinted(undefined);
      setQuotes(undefined);
      setNotice({ tone: 'info', text: t('pack.cancelled') });
      void plan.refresh();
    });

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
        void printLabel();
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
  const className = ['screen', 'pack-station', flash ? `flash-${flash.tone}` : '', notice?.tone === 'error' ? 'alerting' : ''].filter(Boolean).join(' ');

  return (
    <div className={className} onKeyDown={onKeyDown} data-phase={phase} data-busy={busy} data-sound={sound.kind} data-sound-count={sound.n} onClick={(e) => (e.target as HTMLElement).closest('a,button,select,input') ? undefined : focus()}>
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
          <input type="number" min={1} max={20} value={stations} onChange={(e) => setStationCount(e.target.value)} className="narrow" />
        </label>
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
            placeholder={phase === 'weight' ? t('pack.gramsPlaceholder') : phase === 'order' || phase === 'printed' ? (next ? t('pack.enterForNext', { order: next.job.platform_order_id }) : t('pack.scanPlaceholder')) : phase === 'label' ? t('pack.enterToPrint') : t('pack.scanPlaceholder')}
            aria-invalid={notice?.tone === 'error'}
            aria-busy={busy}
            data-testid="scan-input"
          />
          <button type="submit" className="primary big" disabled={busy}>
            {phase === 'label' ? t('pack.printLabel') : phase === 'weight' ? t('pack.weigh') : t('pack.enter')}
          </button>
        </div>
        {phase === 'weight' && session?.status === 'held' ? (
          <label className="override">
            {t('pack.overrideReason')}
            <input value={overrideReason} onChange={(e) => setOverrideReason(e.target.value)} data-testid="override-reason" placeholder={t('pack.overridePlaceholder')} />
          </label>
        ) : null}
        <p className="hint">{t('pack.keys')}</p>
      </form>

      {notice ? (
        <div className={`pack-alert pack-alert-${notice.tone}`} role={notice.tone === 'error' ? 'alert' : 'status'} data-testid="pack-alert" data-tone={notice.tone}>
          {notice.tone === 'error' ? <strong>{t('pack.wrong')} </strong> : null}
          {notice.text}
          {notice.rule ? <span className="rule"> [{notice.rule}]</span> : null}
        </div>
      ) : null}

      <div className="pack-grid">
        <Card title={session ? t('pack.orderTitle', { order: session.platform_order_id }) : t('pack.noOrder')} className="pack-order">
          {session ? (
            <>
              <p className="pack-facts">
                <span className={`badge pack-status-${session.status}`} data-testid="pack-status">
                  {term('packStatus', session.status)}
                </span>{' '}
                {t('pack.shipBy')} <DateTime iso={session.ship_by_at} platformZone={zone} /> · <a href={`#/orders/${session.order_id}`}>{t('pack.openOrder')}</a>
              </p>
              {current ? (
                <>
                  <h3>{t('pack.parcelOf', { position: current.position, of: current.of, box: current.box })}</h3>
                  <table className="pack-items" data-testid="pack-items">
                    <thead>
                      <tr>
                        <th>{t('lines.sku')}</th>
                        <th className="num">{t('pack.expected')}</th>
                        <th className="num">{t('pack.scanned')}</th>
                      </tr>
                    </thead>
                    <tbody>
                      {current.items.map((item) => (
                        <tr key={item.sku} className={item.remaining === 0 ? 'complete' : ''} data-sku={item.sku}>
                          <td>{item.sku}</td>
                          <td className="num">{item.expected}</td>
                          <td className="num strong">{item.scanned}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                  {session.status !== 'scanning' ? (
                    <p className="pack-weight" data-testid="weight-range">
                      {t('pack.weightRange', { expected: current.expected_gross_g, min: current.weight_range.min_g, max: current.weight_range.max_g })}
                    </p>
                  ) : null}
                </>
              ) : null}
              {session.parcels.length > 1 || !current ? (
                <ul className="pack-parcels">
                  {session.parcels.map((p) => (
                    <li key={p.parcel_id}>
                      {t('pack.parcelOf', { position: p.position, of: p.of, box: p.box })} · {term('parcelState', p.status)}
                      {p.measured_g ? ` · ${t('parcels.grams', { grams: p.measured_g })}` : ''}
                    </li>
                  ))}
                </ul>
              ) : null}
              {phase === 'label' && quotes ? (
                <div className="pack-quotes" data-testid="pack-quotes">
                  {quotes.parcels.map((q) => (
                    <p key={q.parcel_id}>
                      <strong>{q.chosen ?? t('pack.noService')}</strong> {q.cost ? <Money value={q.cost} /> : null} <span className="muted">{pick(q.explanation)}</span>
                    </p>
                  ))}
                </div>
              ) : null}
              {printed ? (
                <div className="pack-printed" data-testid="pack-printed">
                  {printed.labels.map((l) => (
                    <p key={l.parcel_id}>
                      {t('pack.labelFor', { number: l.tracking_number, service: l.service })} {l.cost ? <Money value={l.cost} /> : null} · {term('upload', l.upload)}
                    </p>
                  ))}
                  <p>
                    <a href={printed.labelUrl} target="_blank" rel="noopener" data-testid="label-pdf">
                      {t('pack.openLabel')}
                    </a>{' '}
                    ·{' '}
                    <a href={printed.slipUrl} target="_blank" rel="noopener" data-testid="slip-pdf">
                      {t('pack.openSlip')}
                    </a>
                  </p>
                </div>
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

        <Card title={t('pack.queueTitle', { station })} className="pack-queue">
          <ErrorText error={plan.error} />
          {next ? (
            <p className="pack-next" data-testid="pack-next" data-order={next.job.platform_order_id}>
              {next.resume ? t('pack.resumeNext', { order: next.job.platform_order_id }) : t('pack.nextOrder', { order: next.job.platform_order_id })}
              <br />
              <span className="muted">
                {t('pack.shipBy')} <DateTime iso={next.job.ship_by_at} />
              </span>
            </p>
          ) : plan.data ? (
            <p className="muted" data-testid="pack-next-none">
              {t('pack.queueEmpty')}
            </p>
          ) : (
            <p className="muted">{t('live.loading')}</p>
          )}
          {plan.data ? (
            <ol className="pack-queue-list">
              {(plan.data.work.stations.find((s) => s.station === stationId)?.queue ?? []).slice(0, 8).map((job) => (
                <li key={job.order_id} className={job.lateness_minutes > 0 ? 'late' : ''}>
                  {job.platform_order_id}
                  {plan.data!.packing.some((p) => p.order_id === job.order_id) ? ` · ${t('pack.beingPacked')}` : ''}
                  {job.lateness_minutes > 0 ? ` · ${t('pack.lateBy', { minutes: job.lateness_minutes })}` : ''}
                </li>
              ))}
            </ol>
          ) : null}
          <p className="hint">{t('pack.queueHint')}</p>
        </Card>
      </div>
    </div>
  );
}
