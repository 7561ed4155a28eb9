/**
 * One order: its facts, lines and parcels, the verdict ("can I still ship?") with its reasons and options,
 * the timeline of every event with actor and reason, the actions (accept, cancel with a reason) and the
 * buyer-extension form. Refreshed every few seconds; a refusal is shown where it applies.
 */
import { useState, type FormEvent } from 'react';
import { api, ApiError, type OrderDetail, type TimelineEvent, type Verdict } from '../api';
import { Card, Countdown, DateTime, ErrorText, FieldError, LiveBadge, Money, onlyFieldIssues, StateBadge } from '../components';
import { useAuth } from '../auth';
import { useData } from '../data';
import { localInputToIso } from '../format';
import { useApiForm } from '../forms';
import { useNow, usePoll } from '../hooks';
import { useI18n } from '../i18n';
import { VerdictCard } from './OrderVerdict';

interface OrderView {
  order: OrderDetail;
  verdict: Verdict | undefined;
}

export function Order({ id }: { id: number }) {
  const { t, term } = useI18n();
  const { latestPolicy, zoneOfShop } = useData();
  const { can } = useAuth();
  const now = useNow(1000);
  const polled = usePoll(
    async (signal) => {
      const [order, verdict] = await Promise.all([
        api<OrderDetail>(`/orders/${id}`, { signal }),
        // An order without the facts for a verdict still shows; the verdict card then says why not.
        api<Verdict>(`/orders/${id}/verdict`, { signal }).catch((error: unknown) => {
          if (error instanceof ApiError && error.status !== 404) return undefined;
          throw error;
        }),
      ]);
      return { order, verdict } satisfies OrderView;
    },
    [id],
  );

  const view = polled.data;
  if (!view) {
    return (
      <div className="screen order">
        <a href="#/" className="back">
          {t('order.back')}
        </a>
        {polled.error ? <ErrorText error={polled.error} /> : <p className="empty">{t('live.loading')}</p>}
      </div>
    );
  }
  const { order, verdict } = view;
  const policyId = verdict?.policy.split('@')[0];
  const platformZone = (policyId && latestPolicy.get(policyId)?.zone) || zoneOfShop(order.shop_id);

  return (
    <div className="screen order">
      <a href="#/" className="back">
        {t('order.back')}
      </a>
      <div className="screen-title">
        <h1>
          {t('order.title', { order: order.platform_order_id })} <StateBadge state={order.status} />
        </h1>
        <LiveBadge receivedAt={polled.receivedAt} error={polled.error} now={now} />
      </div>
      <p className="subtitle">
        {t('order.subtitle', { shop: order.shop_id, platform: order.platform, platformStatus: order.platform_status ?? '—' })}
        {platformZone ? ` · ${t('order.platformZone', { zone: platformZone })}` : ''}
      </p>

      <div className="order-grid">
        <div className="order-main">
          <VerdictCard verdict={verdict} receivedAt={polled.receivedAt} now={now} platformZone={platformZone} canRecord={can('orders:write', order.shop_id)} onRecorded={polled.refresh} />
          <Card title={t('timeline.title')}>
            <Timeline events={order.timeline} platformZone={platformZone} />
          </Card>
        </div>
        <div className="order-side">
          {/* Order actions need orders:write in the order's shop: a viewer's page has no write buttons. */}
          {can('orders:write', order.shop_id) ? <ActionsCard order={order} onDone={polled.refresh} /> : null}
          {can('orders:write', order.shop_id) ? <ExtensionCard order={order} onDone={polled.refresh} /> : null}
          <Card title={t('order.details')}>
            <dl className="facts">
              <dt>{t('order.buyer')}</dt>
              <dd>
                {order.buyer.name} · {order.buyer.country}
                <br />
                <span className="muted">{[order.buyer.address_line1, order.buyer.postcode, order.buyer.city].filter(Boolean).join(', ')}</span>
              </dd>
              <dt>{t('col.total')}</dt>
              <dd>
                <Money value={order.total} />
              </dd>
              <dt>{t('col.shipBy')}</dt>
              <dd>
                <DateTime iso={order.ship_by_at} platformZone={platformZone} /> <span className="muted">{order.ship_by_source ? term('source', order.ship_by_source) : ''}</span>
              </dd>
              <dt>{t('order.handling')}</dt>
              <dd>{order.handling_days === null ? '—' : t('order.handlingDays', { days: order.handling_days })}</dd>
              <dt>{t('order.logistics')}</dt>
              <dd>{order.logistics_service ?? '—'}</dd>
              {Object.entries(order.milestones)
                .filter(([, at]) => at)
                .map(([name, at]) => (
                  <FactRow key={name} label={name} at={at} />
                ))}
            </dl>
          </Card>
          <Card title={t('lines.title')}>
            <table className="compact">
              <thead>
                <tr>
                  <th>#</th>
                  <th>{t('lines.sku')}</th>
                  <th className="num">{t('lines.quantity')}</th>
                  <th className="num">{t('lines.unitPrice')}</th>
                  <th className="num">{t('lines.amount')}</th>
                </tr>
              </thead>
              <tbody>
                {order.lines.map((l) => (
                  <tr key={l.line_no}>
                    <td>{l.line_no}</td>
                    <td>{l.sku}</td>
                    <td className="num">{l.quantity}</td>
                    <td className="num">
                      <Money value={l.unit_price} />
                    </td>
                    <td className="num">
                      <Money value={{ amount: l.unit_price.amount * l.quantity, currency: l.unit_price.currency }} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </Card>
          <Card title={t('parcels.title')}>
            {order.parcels.length === 0 ? (
              <p className="muted">{t('parcels.none')}</p>
            ) : (
              <table className="compact">
                <thead>
                  <tr>
                    <th>{t('parcels.state')}</th>
                    <th>{t('parcels.carrier')}</th>
                    <th>{t('parcels.tracking')}</th>
                    <th className="num">{t('parcels.weight')}</th>
                    <th>{t('parcels.handedOver')}</th>
                    <th>{t('parcels.firstScan')}</th>
                  </tr>
                </thead>
                <tbody>
                  {order.parcels.map((p) => (
                    <tr key={p.id}>
                      <td>{term('parcelState', p.status)}</td>
                      <td>{[p.carrier, p.service].filter(Boolean).join(' · ') || '—'}</td>
                      <td>{p.tracking_number ?? '—'}</td>
                      <td className="num">{p.weight_g === null ? '—' : t('parcels.grams', { grams: p.weight_g })}</td>
                      <td>
                        <DateTime iso={p.handed_over_at} />
                      </td>
                      <td>
                        <DateTime iso={p.first_scan_at} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </Card>
        </div>
      </div>
    </div>
  );
}

function FactRow({ label, at }: { label: string; at: string | null }) {
  const { term } = useI18n();
  return (
    <>
      <dt>{term('milestone', label)}</dt>
      <dd>
        <DateTime iso={at} />
      </dd>
    </>
  );
}

function describeEvent(e: TimelineEvent, term: (group: string, value: string | null | undefined) => string, t: ReturnType<typeof useI18n>['t']): string {
  if (e.kind === 'transition') return t('event.transition', { action: term('action', e.action), from: term('state', e.from), to: term('state', e.to) });
  if (e.kind === 'created') return t('event.createdAs', { state: term('state', e.to) });
  // An audit line: who called which route, with what outcome, from where (the actor is shown beside it).
  if (e.kind === 'audit') return t('event.audit', { action: e.action ?? '', outcome: e.reason ?? '', ip: String((e.data as { ip?: string } | null)?.ip ?? '?') });
  return term('event', e.kind);
}

function Timeline({ events, platformZone }: { events: TimelineEvent[]; platformZone: string | undefined }) {
  const { t, term } = useI18n();
  if (!events.length) return <p className="muted">{t('timeline.empty')}</p>;
  return (
    <ol className="timeline" data-testid="timeline">
      {events.map((e) => {
        const change = e.kind === 'deadline_changed' ? (e.data as { from?: number | null; to?: number | null } | null) : null;
        return (
          <li key={e.id} data-kind={e.kind} data-action={e.action ?? ''}>
            <div className="timeline-when">
              <DateTime iso={e.at} />
            </div>
            <div className="timeline-what">
              <strong>{describeEvent(e, term, t)}</strong>
              {change?.to ? (
                <span className="muted">
                  {' '}
                  → <DateTime iso={new Date(change.to).toISOString()} platformZone={platformZone} />
                </span>
              ) : null}
              <div className="timeline-meta">
                <span className="actor">{t('timeline.by', { actor: term('actor', e.actor) })}</span>
                {e.reason ? <span className="reason">{t('timeline.reason', { reason: e.reason })}</span> : null}
              </div>
            </div>
          </li>
        );
      })}
    </ol>
  );
}

function ActionsCard({ order, onDone }: { order: OrderDetail; onDone: () => Promise<void> }) {
  const { t, term } = useI18n();
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState<'accept' | 'cancel' | undefined>(undefined);
  const [acceptError, setAcceptError] = useState<unknown>(undefined);
  const [cancelError, setCancelError] = useState<unknown>(undefined);
  const canAccept = order.status === 'new';
  const canCancel = ['new', 'awaiting_shipment', 'awaiting_stock'].includes(order.status);

  const act = async (action: 'accept' | 'cancel') => {
    setBusy(action);
    const setError = action === 'accept' ? setAcceptError : setCancelError;
    setError(undefined);
    try {
      await api(`/orders/${order.id}/actions/${action}`, { method: 'POST', body: action === 'cancel' ? { reason: reason.trim() || undefined } : {} });
      if (action === 'cancel') setReason('');
      await onDone();
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      setError(error);
    } finally {
      setBusy(undefined);
    }
  };

  const submitCancel = (event: FormEvent) => {
    event.preventDefault();
    void act('cancel');
  };

  return (
    <Card title={t('actions.title')}>
      <div className="action-row">
        <button type="button" className="primary" disabled={!canAccept || busy !== undefined} onClick={() => void act('accept')} data-testid="accept">
          {busy === 'accept' ? t('action.working') : t('actions.accept')}
        </button>
        <span className="muted">{canAccept ? t('actions.acceptHint') : t('actions.acceptNotNow', { state: term('state', order.status) })}</span>
      </div>
      <ErrorText error={acceptError} />
      <form className="cancel-form" onSubmit={submitCancel}>
        <label htmlFor="cancel-reason">{t('actions.cancelReason')}</label>
        <textarea id="cancel-reason" name="reason" rows={2} maxLength={500} value={reason} onChange={(e) => setReason(e.target.value)} disabled={!canCancel} aria-describedby="cancel-error" placeholder={t('actions.cancelPlaceholder')} />
        <div id="cancel-error">
          <ErrorText error={cancelError} />
        </div>
        <button type="submit" className="danger" disabled={!canCancel || busy !== undefined} data-testid="cancel">
          {busy === 'cancel' ? t('action.working') : t('actions.cancel')}
        </button>
      </form>
    </Card>
  );
}

const EXTENSION_FIELDS = ['hours', 'new_deadline_at', 'agreed_by', 'note'];

function ExtensionCard({ order, onDone }: { order: OrderDetail; onDone: () => Promise<void> }) {
  const { t, userZone } = useI18n();
  const [hours, setHours] = useState('');
  const [until, setUntil] = useState('');
  const [agreedBy, setAgreedBy] = useState('');
  const [note, setNote] = useState('');
  const { error, setError, busy, run } = useApiForm();
  const [saved, setSaved] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    setSaved(false);
    await run(async () => {
      const body: Record<string, unknown> = { agreed_by: agreedBy.trim() };
      if (hours.trim()) body.hours = Number(hours);
      if (until) body.new_deadline_at = localInputToIso(until, userZone) ?? until;
      if (note.trim()) body.note = note.trim();
      await api(`/orders/${order.id}/extensions`, { method: 'POST', body });
      setHours('');
      setUntil('');
      setNote('');
      setSaved(true);
      await onDone();
    });
  };

  return (
    <Card title={t('extension.title')}>
      <form className="form-grid" onSubmit={(e) => void submit(e)} noValidate>
        <label htmlFor="ext-hours">{t('extension.hours')}</label>
        <div>
          <input id="ext-hours" name="hours" type="number" min={1} step={1} value={hours} onChange={(e) => setHours(e.target.value)} />
          <FieldError error={error} field="hours" />
        </div>
        <label htmlFor="ext-until">{t('extension.until', { zone: userZone })}</label>
        <div>
          <input id="ext-until" name="new_deadline_at" type="datetime-local" value={until} onChange={(e) => setUntil(e.target.value)} />
          <FieldError error={error} field="new_deadline_at" />
        </div>
        <label htmlFor="ext-agreed-by">{t('extension.agreedBy')}</label>
        <div>
          <input id="ext-agreed-by" name="agreed_by" value={agreedBy} onChange={(e) => setAgreedBy(e.target.value)} placeholder={t('extension.agreedByPlaceholder')} />
          <FieldError error={error} field="agreed_by" />
        </div>
        <label htmlFor="ext-note">{t('extension.note')}</label>
        <div>
          <input id="ext-note" name="note" value={note} maxLength={500} onChange={(e) => setNote(e.target.value)} />
          <FieldError error={error} field="note" />
        </div>
        <div className="form-actions">
          <button type="submit" disabled={busy}>
            {busy ? t('action.working') : t('extension.save')}
          </button>
          {saved ? <span className="ok">{t('extension.saved')}</span> : null}
        </div>
      </form>
      {error && !onlyFieldIssues(error, EXTENSION_FIELDS) ? <ErrorText error={error} /> : null}
    </Card>
  );
}
