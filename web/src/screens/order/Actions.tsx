/** The order's write actions: accept, cancel with a reason, and a buyer-agreed extension of the deadline. */
import { useState, type FormEvent } from 'react';
import { api, ApiError, type OrderDetail } from '../../api';
import { Card, ErrorText, FieldError, onlyFieldIssues } from '../../components';
import { localInputToIso } from '../../format';
import { useApiForm } from '../../forms';
import { useI18n } from '../../i18n';

export function ActionsCard({ order, onDone }: { order: OrderDetail; onDone: () => Promise<void> }) {
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
      await api(`/orders/${order.id}/actions/${action}`, {
        method: 'POST',
        body: action === 'cancel' ? { reason: reason.trim() || undefined } : {},
      });
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
        <button
          type="button"
          className="primary"
          disabled={!canAccept || busy !== undefined}
          onClick={() => void act('accept')}
          data-testid="accept"
        >
          {busy === 'accept' ? t('action.working') : t('actions.accept')}
        </button>
        <span className="muted">
          {canAccept ? t('actions.acceptHint') : t('actions.acceptNotNow', { state: term('state', order.status) })}
        </span>
      </div>
      <ErrorText error={acceptError} />
      <form className="cancel-form" onSubmit={submitCancel}>
        <label htmlFor="cancel-reason">{t('actions.cancelReason')}</label>
        <textarea
          id="cancel-reason"
          name="reason"
          rows={2}
          maxLength={500}
          value={reason}
          onChange={(e) => setReason(e.target.value)}
          disabled={!canCancel}
          aria-describedby="cancel-error"
          placeholder={t('actions.cancelPlaceholder')}
        />
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

export function ExtensionCard({ order, onDone }: { order: OrderDetail; onDone: () => Promise<void> }) {
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
          <input
            id="ext-hours"
            name="hours"
            type="number"
            min={1}
            step={1}
            value={hours}
            onChange={(e) => setHours(e.target.value)}
          />
          <FieldError error={error} field="hours" />
        </div>
        <label htmlFor="ext-until">{t('extension.until', { zone: userZone })}</label>
        <div>
          <input
            id="ext-until"
            name="new_deadline_at"
            type="datetime-local"
            value={until}
            onChange={(e) => setUntil(e.target.value)}
          />
          <FieldError error={error} field="new_deadline_at" />
        </div>
        <label htmlFor="ext-agreed-by">{t('extension.agreedBy')}</label>
        <div>
          <input
            id="ext-agreed-by"
            name="agreed_by"
            value={agreedBy}
            onChange={(e) => setAgreedBy(e.target.value)}
            placeholder={t('extension.agreedByPlaceholder')}
          />
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
