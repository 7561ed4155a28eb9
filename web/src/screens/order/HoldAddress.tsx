/**
 * The order page's hold and shipping address (issue 17): hold an order with a reason and release it; change the
 * address while no label carries it (the API refuses after the label, 409, and the form says so). Each change is
 * on the timeline.
 */
import { useState, type FormEvent } from 'react';
import { api, type OrderDetail } from '../../api';
import { Card, DateTime, ErrorText, FieldError, onlyFieldIssues } from '../../components';
import { useApiForm } from '../../forms';
import { useI18n } from '../../i18n';
import type { MessageKey } from '../../i18n/en';

const OPEN = ['new', 'awaiting_shipment', 'awaiting_stock', 'partially_shipped'];
const LABELLED = ['labelled', 'handed_over', 'tracking_uploaded', 'in_transit', 'delivered', 'returned'];

export function HoldCard({ order, onDone }: { order: OrderDetail; onDone: () => Promise<void> }) {
  const { t } = useI18n();
  const [reason, setReason] = useState('');
  const { error, setError, busy, run } = useApiForm();
  if (!order.hold && !OPEN.includes(order.status)) return null;
  const send = (path: 'hold' | 'release') =>
    run(async () => {
      setError(undefined);
      await api(`/orders/${order.id}/${path}`, {
        method: 'POST',
        ...(path === 'hold' ? { body: { reason: reason.trim() } } : {}),
      });
      setReason('');
      await onDone();
    });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void send('hold');
  };
  return (
    <Card title={t('hold.title')}>
      {order.hold ? (
        <>
          <p className="blocked" data-testid="order-held">
            {t('hold.held', { reason: order.hold.reason ?? '' })} · <DateTime iso={order.hold.held_at} />
          </p>
          <button
            type="button"
            className="primary"
            onClick={() => void send('release')}
            disabled={busy}
            data-testid="release-order"
          >
            {t('hold.release')}
          </button>
        </>
      ) : (
        <form onSubmit={submit} className="order-edit-form">
          <label>
            {t('hold.reason')}
            <input
              value={reason}
              onChange={(e) => setReason(e.target.value)}
              placeholder={t('hold.reasonPlaceholder')}
              maxLength={500}
              data-testid="hold-reason"
            />
          </label>
          <button type="submit" disabled={busy || !reason.trim()} data-testid="hold-order">
            {t('hold.hold')}
          </button>
          <p className="muted">{t('hold.hint')}</p>
        </form>
      )}
      <ErrorText error={error} />
    </Card>
  );
}

const FIELDS: Array<{
  name: 'buyer_name' | 'buyer_country' | 'address_line1' | 'city' | 'postcode' | 'phone';
  label: MessageKey;
  max: number;
}> = [
  { name: 'buyer_name', label: 'address.name', max: 200 },
  { name: 'address_line1', label: 'address.line1', max: 500 },
  { name: 'city', label: 'address.city', max: 200 },
  { name: 'postcode', label: 'address.postcode', max: 32 },
  { name: 'buyer_country', label: 'address.country', max: 2 },
  { name: 'phone', label: 'address.phone', max: 40 },
];

export function AddressCard({ order, onDone }: { order: OrderDetail; onDone: () => Promise<void> }) {
  const { t } = useI18n();
  const current = {
    buyer_name: order.buyer.name,
    buyer_country: order.buyer.country,
    address_line1: order.buyer.address_line1 ?? '',
    city: order.buyer.city ?? '',
    postcode: order.buyer.postcode ?? '',
    phone: order.buyer.phone ?? '',
  };
  const [values, setValues] = useState<typeof current | undefined>();
  const [saved, setSaved] = useState(false);
  const { error, setError, busy, run, invalid } = useApiForm();
  const locked = order.parcels.some((p) => LABELLED.includes(p.status)) || !OPEN.includes(order.status);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!values) return;
    void run(async () => {
      setError(undefined);
      await api(`/orders/${order.id}/address`, {
        method: 'PUT',
        body: { ...values, postcode: values.postcode || null, phone: values.phone || null },
      });
      setValues(undefined);
      setSaved(true);
      await onDone();
    });
  };
  return (
    <Card title={t('address.title')}>
      {locked ? <p className="muted">{t('address.locked')}</p> : null}
      {values ? (
        <form onSubmit={submit} className="order-edit-form" data-testid="address-form">
          {FIELDS.map((f) => (
            <label key={f.name}>
              {t(f.label)}
              <input
                name={f.name}
                value={values[f.name]}
                maxLength={f.max}
                onChange={(e) => setValues({ ...values, [f.name]: e.target.value })}
                aria-invalid={invalid(f.name)}
              />
              <FieldError error={error} field={f.name} />
            </label>
          ))}
          <span>
            <button type="submit" className="primary" disabled={busy} data-testid="save-address">
              {t('address.save')}
            </button>{' '}
            <button type="button" onClick={() => setValues(undefined)} disabled={busy}>
              {t('address.cancel')}
            </button>
          </span>
          {onlyFieldIssues(
            error,
            FIELDS.map((f) => f.name),
          ) ? null : (
            <ErrorText error={error} />
          )}
        </form>
      ) : !locked ? (
        <button
          type="button"
          onClick={() => {
            setSaved(false);
            setValues(current);
          }}
          data-testid="edit-address"
        >
          {t('address.edit')}
        </button>
      ) : null}
      {saved && !values ? (
        <p className="ok" role="status">
          {t('address.saved')}
        </p>
      ) : null}
    </Card>
  );
}
