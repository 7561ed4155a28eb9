/**
 * The order's verdict ("can I still ship?") with its situation and the assumptions it rests on, and — for a self-send
 * order waiting for its warehouse receipt — the form that records the receipt when the platform confirms it; the
 * buyer's cancellation request with its answer buttons (CancellationRequest.tsx).
 */
import { useState, type FormEvent } from 'react';
import { api, ApiError, type Verdict } from '../api';
import { Card, Countdown, DateTime, ErrorText, Money } from '../components';
import { localInputToIso } from '../format';
import { useI18n } from '../i18n';
import { keyedByContent } from '../keys';
import { CancellationRequest, type CancellationRequestView } from './CancellationRequest';

export function VerdictCard({
  verdict,
  receivedAt,
  now,
  platformZone,
  canRecord,
  onRecorded,
}: {
  verdict: Verdict | undefined;
  receivedAt: number;
  now: number;
  platformZone: string | undefined;
  canRecord: boolean;
  onRecorded: () => Promise<void>;
}) {
  const { t, pick, term } = useI18n();
  if (!verdict) {
    return (
      <Card title={t('verdict.title')}>
        <p className="muted">{t('verdict.unavailable')}</p>
      </Card>
    );
  }
  return (
    <Card title={t('verdict.title')} className={`verdict verdict-card-${verdict.status}`}>
      <p className="headline" data-testid="verdict-headline">
        <span className={`badge verdict-${verdict.status}`}>{term('verdict', verdict.status)}</span>{' '}
        {pick(verdict.headline)}
      </p>
      {verdict.situation ? (
        <p className="situation" data-testid="situation" data-situation={verdict.situation.kind}>
          <span className={`badge situation-${verdict.situation.kind}`}>
            {term('situation', verdict.situation.kind)}
          </span>
          {keyedByContent(verdict.situation.reasons.filter((r) => r.en !== verdict.headline.en)).map(([key, r]) => (
            <span key={key}> {pick(r)}</span>
          ))}
        </p>
      ) : null}
      {verdict.situation?.assumptions.length ? (
        <ul className="assumptions" data-testid="assumptions">
          {keyedByContent(verdict.situation.assumptions).map(([key, a]) => (
            <li key={key} className="muted">
              {pick(a)}
            </li>
          ))}
        </ul>
      ) : null}
      {canRecord && verdict.status === 'awaiting_count' && verdict.counted_event === 'warehouse_received' ? (
        <WarehouseReceipt orderId={verdict.order_id} onDone={onRecorded} />
      ) : null}
      {verdict.situation ? (
        <CancellationRequest
          orderId={verdict.order_id}
          request={
            (verdict.situation as { cancellation_request?: CancellationRequestView | null }).cancellation_request ??
            null
          }
          actionable={verdict.situation.actionable}
          platformZone={platformZone}
          canWrite={canRecord}
          onDone={onRecorded}
        />
      ) : null}
      <dl className="facts facts-wide">
        <dt>{t('col.timeLeft')}</dt>
        <dd>
          <Countdown timeLeftMs={verdict.time_left_ms} receivedAt={receivedAt} now={now} />
        </dd>
        <dt>{t('col.shipBy')}</dt>
        <dd>
          <DateTime iso={verdict.ship_by_at} platformZone={platformZone} />
        </dd>
        <dt>{t('verdict.latestHandOver')}</dt>
        <dd>
          <DateTime iso={verdict.latest_hand_over_at} platformZone={platformZone} />
        </dd>
        <dt>{t('verdict.closesAt')}</dt>
        <dd>
          <DateTime iso={verdict.closes_at} platformZone={platformZone} />
        </dd>
        <dt>{t('verdict.fineNow')}</dt>
        <dd>
          <Money value={verdict.fine_now} />{' '}
          {verdict.points_now ? t('verdict.points', { points: verdict.points_now }) : ''}
        </dd>
        <dt>{t('verdict.policy')}</dt>
        <dd>{verdict.policy}</dd>
      </dl>
      {verdict.sentences.length ? (
        <>
          <h3>{t('verdict.why')}</h3>
          <ul className="sentences">
            {keyedByContent(verdict.sentences).map(([key, s]) => (
              <li key={key}>{pick(s)}</li>
            ))}
          </ul>
        </>
      ) : null}
      {verdict.options.length ? (
        <>
          <h3>{t('verdict.options')}</h3>
          <table className="compact options">
            <thead>
              <tr>
                <th>{t('verdict.course')}</th>
                <th className="num">{t('verdict.cost')}</th>
                <th>{t('verdict.explanation')}</th>
              </tr>
            </thead>
            <tbody>
              {verdict.options.map((o) => (
                <tr key={o.course} className={o.available ? '' : 'unavailable'}>
                  <td>
                    {term('course', o.course)}{' '}
                    {verdict.recommended === o.course ? (
                      <span className="badge recommended">{t('verdict.recommended')}</span>
                    ) : null}
                    {!o.available ? <span className="badge">{t('verdict.notAvailable')}</span> : null}
                  </td>
                  <td className="num">
                    <Money value={o.cost} />
                    {o.points ? <div className="muted">{t('verdict.points', { points: o.points })}</div> : null}
                  </td>
                  <td>{pick(o.explanation)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      ) : null}
      {verdict.steps_ahead.length ? (
        <>
          <h3>{t('verdict.stepsAhead')}</h3>
          <table className="compact">
            <thead>
              <tr>
                <th>{t('verdict.stepStarts')}</th>
                <th className="num">{t('verdict.fine')}</th>
              </tr>
            </thead>
            <tbody>
              {keyedByContent(verdict.steps_ahead).map(([key, s]) => (
                <tr key={key}>
                  <td>
                    <DateTime iso={s.starts_at} platformZone={platformZone} />
                  </td>
                  <td className="num">
                    <Money value={s.fine} /> {s.points ? t('verdict.points', { points: s.points }) : ''}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      ) : null}
      {verdict.reasons.length ? (
        <details className="reasons">
          <summary>{t('verdict.reasons')}</summary>
          <ul>
            {keyedByContent(verdict.reasons).map(([key, r]) => (
              <li key={key}>{pick(r)}</li>
            ))}
          </ul>
        </details>
      ) : null}
    </Card>
  );
}

function WarehouseReceipt({ orderId, onDone }: { orderId: number; onDone: () => Promise<void> }) {
  const { t, userZone } = useI18n();
  const [at, setAt] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await api(`/orders/${orderId}/warehouse-receipt`, {
        method: 'POST',
        body: at ? { at: localInputToIso(at, userZone) ?? at } : {},
      });
      setAt('');
      await onDone();
    } catch (failure) {
      if (!(failure instanceof ApiError)) throw failure;
      setError(failure);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="warehouse-receipt" onSubmit={(e) => void submit(e)} data-testid="warehouse-receipt">
      <label htmlFor="warehouse-received-at">{t('verdict.warehouseReceivedAt', { zone: userZone })}</label>
      <input
        id="warehouse-received-at"
        name="at"
        type="datetime-local"
        value={at}
        onChange={(e) => setAt(e.target.value)}
      />
      <button type="submit" className="primary" disabled={busy}>
        {busy ? t('action.working') : t('verdict.recordWarehouseReceipt')}
      </button>
      <ErrorText error={error} />
    </form>
  );
}
