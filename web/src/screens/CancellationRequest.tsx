/**
 * The buyer's cancellation request on the order page, read from the order's situation: when it came, the answer time
 * and its state; while open, Accept (cancels the order) and Refuse (keeps it); with none open, a form to record one
 * the buyer made on the platform.
 */
import { useState, type FormEvent } from 'react';
import { api, ApiError } from '../api';
import { DateTime, ErrorText } from '../components';
import { localInputToIso } from '../format';
import { useI18n } from '../i18n';

/** `situation.cancellation_request` of GET /orders/:id/verdict. */
export interface CancellationRequestView {
  state: 'open' | 'lapsed' | 'accepted' | 'refused';
  requested_at: string;
  answer_by: string | null;
  answered_at: string | null;
}

export function CancellationRequest({
  orderId,
  request,
  actionable,
  platformZone,
  canWrite,
  onDone,
}: {
  orderId: number;
  request: CancellationRequestView | null;
  actionable: boolean;
  platformZone: string | undefined;
  canWrite: boolean;
  onDone: () => Promise<void>;
}) {
  const { t, userZone } = useI18n();
  const [at, setAt] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const run = async (path: string, body: object) => {
    setBusy(true);
    setError(undefined);
    try {
      await api(`/orders/${orderId}/${path}`, { method: 'POST', body });
      setAt('');
      await onDone();
    } catch (failure) {
      if (!(failure instanceof ApiError)) throw failure;
      setError(failure);
    } finally {
      setBusy(false);
    }
  };
  const record = (event: FormEvent) => {
    event.preventDefault();
    void run('cancellation-request', at ? { at: localInputToIso(at, userZone) ?? at } : {});
  };
  const open = request?.state === 'open';
  if (!request && !(canWrite && actionable)) return null;
  return (
    <section className="cancellation-request" data-testid="cancellation-request" data-state={request?.state ?? 'none'}>
      <h3>{t('request.title')}</h3>
      {request ? (
        <dl className="facts">
          <dt>{t('request.requestedAt', { zone: userZone })}</dt>
          <dd>
            <DateTime iso={request.requested_at} platformZone={platformZone} /> ·{' '}
            <span className={`badge request-${request.state}`}>{t(`request.state.${request.state}`)}</span>
          </dd>
          <dt>{t('request.answerBy')}</dt>
          <dd>
            <DateTime iso={request.answer_by} platformZone={platformZone} />
          </dd>
        </dl>
      ) : (
        <p className="muted">{t('request.none')}</p>
      )}
      {canWrite && open ? (
        <p className="actions">
          <button
            type="button"
            className="danger"
            disabled={busy}
            onClick={() => void run('cancellation-request/answer', { answer: 'accept' })}
          >
            {busy ? t('action.working') : t('request.accept')}
          </button>{' '}
          <button
            type="button"
            disabled={busy}
            onClick={() => void run('cancellation-request/answer', { answer: 'refuse' })}
          >
            {t('request.refuse')}
          </button>
        </p>
      ) : null}
      {canWrite && actionable && !open ? (
        <form onSubmit={record}>
          <label htmlFor="cancel-requested-at">{t('request.requestedAt', { zone: userZone })}</label>
          <input
            id="cancel-requested-at"
            name="at"
            type="datetime-local"
            value={at}
            onChange={(e) => setAt(e.target.value)}
          />
          <button type="submit" disabled={busy}>
            {busy ? t('action.working') : t('request.record')}
          </button>
        </form>
      ) : null}
      <ErrorText error={error} />
    </section>
  );
}
