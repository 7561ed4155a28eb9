/**
 * The order page's shipping card: buy the label for the packed parcels, or type in the tracking number of a parcel
 * sent outside shipby's label flow (`POST /orders/:id/shipments`). The number check's refusal shows at its field; a
 * number in no known format is refused at `confirm_unrecognised.reason`, and the form then asks for that reason.
 * An order that is closed or cancelled (its situation) shows why instead, with the label button disabled.
 */
import { useState, type FormEvent } from 'react';
import { api, apiBlob, type IssuedLabel, type OrderDetail, type Verdict } from '../../api';
import { Card, ErrorText, FieldError, onlyFieldIssues } from '../../components';
import { useApiForm } from '../../forms';
import { useI18n } from '../../i18n';
import { settledOf } from '../../settled';
import { LabelChoice, useLabelPurchase } from '../pack/LabelChoice';

const SHIPPABLE = ['awaiting_shipment', 'awaiting_stock', 'partially_shipped'];
const NUMBER_FIELDS = ['tracking_number', 'service', 'carrier', 'confirm_unrecognised.reason'];

export function ShippingCard({
  order,
  verdict,
  onDone,
}: {
  order: OrderDetail;
  verdict: Verdict | undefined;
  onDone: () => Promise<void>;
}) {
  const { t, pick } = useI18n();
  const settled = settledOf(verdict);
  const packed = order.parcels.filter((p) => p.status === 'packed');
  if (!settled && !SHIPPABLE.includes(order.status) && order.status !== 'new') return null;
  return (
    <Card title={t('ship.title')} className="shipping">
      {settled ? (
        <p className="blocked" role="note" id="ship-blocked" data-testid="ship-blocked" data-kind={settled.kind}>
          {t(settled.key, { why: verdict ? pick(verdict.headline) : '' })}
        </p>
      ) : order.status === 'new' ? (
        <p className="muted">{t('ship.notYet')}</p>
      ) : null}
      {order.status === 'new' && !settled ? null : (
        <LabelButton orderId={order.id} packed={packed.length} blocked={settled !== undefined} onDone={onDone} />
      )}
      {!settled && SHIPPABLE.includes(order.status) ? <TrackingNumberForm orderId={order.id} onDone={onDone} /> : null}
    </Card>
  );
}

function LabelButton({
  orderId,
  packed,
  blocked,
  onDone,
}: {
  orderId: number;
  packed: number;
  blocked: boolean;
  onDone: () => Promise<void>;
}) {
  const { t } = useI18n();
  const { error, setError, busy, run } = useApiForm();
  const [bought, setBought] = useState<{ labels: IssuedLabel[]; url: string } | undefined>();
  // No service chosen automatically: pick one of the candidates; an expensive label: only the confirmation buys it.
  const purchase = useLabelPurchase(orderId);
  const buy = (confirmed = false) =>
    run(async () => {
      setError(undefined);
      const labels = await purchase.buy(confirmed);
      const pdf = await apiBlob(`/labels.pdf?order=${orderId}`);
      setBought({ labels, url: URL.createObjectURL(pdf) });
      await onDone();
    });
  return (
    <div className="label-row">
      <button
        type="button"
        className="primary"
        disabled={blocked || packed === 0 || busy}
        onClick={() => void buy()}
        aria-describedby={blocked ? 'ship-blocked' : undefined}
        data-testid="buy-label"
      >
        {busy ? t('action.working') : t('ship.buyLabel')}
      </button>{' '}
      {blocked ? null : packed === 0 ? (
        <span className="muted">
          {t('ship.packFirst')} <a href="#/pack">{t('ship.openPack')}</a>
        </span>
      ) : (
        <span className="muted">{t('ship.labelHint')}</span>
      )}
      {bought ? (
        <p className="ok" data-testid="label-bought">
          {t('ship.labelled', { numbers: bought.labels.map((l) => l.tracking_number).join(', ') })}{' '}
          <a href={bought.url} target="_blank" rel="noopener">
            {t('ship.openLabels')}
          </a>
        </p>
      ) : null}
      <ErrorText error={error} />
      <LabelChoice purchase={purchase} busy={busy} onConfirm={() => void buy(true)} />
    </div>
  );
}

function TrackingNumberForm({ orderId, onDone }: { orderId: number; onDone: () => Promise<void> }) {
  const { t, term } = useI18n();
  const [service, setService] = useState('');
  const [carrier, setCarrier] = useState('');
  const [number, setNumber] = useState('');
  const [last, setLast] = useState(true);
  const [reason, setReason] = useState('');
  const [asked, setAsked] = useState(false);
  const [recorded, setRecorded] = useState<string | undefined>();
  const { error, setError, busy, run, invalid } = useApiForm();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    setRecorded(undefined);
    await run(
      async () => {
        const body: Record<string, unknown> = { tracking_number: number.trim(), service: service.trim(), last };
        if (carrier.trim()) body.carrier = carrier.trim();
        if (asked && reason.trim()) body.confirm_unrecognised = { reason: reason.trim() };
        const answer = await api<{ upload_status: string }>(`/orders/${orderId}/shipments`, { method: 'POST', body });
        setRecorded(
          t('ship.recorded', { number: number.trim().toUpperCase(), upload: term('upload', answer.upload_status) }),
        );
        setNumber('');
        setReason('');
        setAsked(false);
        await onDone();
      },
      (refusal) => {
        // The API asks for the seller's reason only for a number in no format it knows: then the form offers it.
        if (refusal.issuesAt('confirm_unrecognised.reason').length) setAsked(true);
        return refusal;
      },
    );
  };

  return (
    <form className="form-grid tracking-form" onSubmit={(e) => void submit(e)} noValidate data-testid="tracking-form">
      <h3 className="form-title">{t('ship.manualTitle')}</h3>
      <label htmlFor="ship-service">{t('ship.service')}</label>
      <div>
        <input
          id="ship-service"
          name="service"
          value={service}
          onChange={(e) => setService(e.target.value)}
          aria-invalid={invalid('service')}
        />
        <FieldError error={error} field="service" label={t('ship.field.service')} />
      </div>
      <label htmlFor="ship-carrier">{t('ship.carrier')}</label>
      <div>
        <input
          id="ship-carrier"
          name="carrier"
          value={carrier}
          onChange={(e) => setCarrier(e.target.value)}
          aria-invalid={invalid('carrier')}
        />
        <FieldError error={error} field="carrier" label={t('ship.field.carrier')} />
      </div>
      <label htmlFor="ship-number">{t('ship.number')}</label>
      <div>
        <input
          id="ship-number"
          name="tracking_number"
          value={number}
          onChange={(e) => setNumber(e.target.value)}
          autoComplete="off"
          spellCheck={false}
          aria-invalid={invalid('tracking_number')}
        />
        <FieldError error={error} field="tracking_number" label={t('ship.number')} />
      </div>
      {asked ? (
        <>
          <label htmlFor="ship-reason">{t('ship.reason')}</label>
          <div>
            <input
              id="ship-reason"
              name="confirm_unrecognised.reason"
              value={reason}
              maxLength={500}
              onChange={(e) => setReason(e.target.value)}
              aria-invalid={invalid('confirm_unrecognised.reason')}
            />
            <FieldError error={error} field="confirm_unrecognised.reason" label={t('ship.field.reason')} />
          </div>
        </>
      ) : null}
      <span />
      <label className="checkbox">
        <input type="checkbox" name="last" checked={last} onChange={(e) => setLast(e.target.checked)} />{' '}
        {t('ship.last')}
      </label>
      <div className="form-actions">
        <button type="submit" disabled={busy}>
          {busy ? t('action.working') : t('ship.record')}
        </button>
        {recorded ? (
          <span className="ok" data-testid="tracking-recorded">
            {recorded}
          </span>
        ) : null}
      </div>
      {error && !onlyFieldIssues(error, NUMBER_FIELDS) ? <ErrorText error={error} /> : null}
    </form>
  );
}
