/**
 * The pack station's open order: its state and deadline, why it cannot be labelled (closed or cancelled meanwhile),
 * the current parcel's items (each with its bin, where the packer fetches a missing one, and how many are scanned)
 * and weight range, the order's parcels, then the label's choice and what was printed.
 */
import type { OrderQuotes, PackSession } from '../../api';
import { Card, DateTime } from '../../components';
import { useI18n } from '../../i18n';
import { LabelChoice, type LabelPurchase } from './LabelChoice';
import { LabelPanel, type Printed } from './LabelPanel';
import type { Phase } from './phase';

type Parcel = NonNullable<PackSession['current_parcel']>;

function ParcelItems({ parcel, scanning }: { parcel: Parcel; scanning: boolean }) {
  const { t } = useI18n();
  return (
    <>
      <h3>{t('pack.parcelOf', { position: parcel.position, of: parcel.of, box: parcel.box })}</h3>
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
          {parcel.items.map((item) => (
            <tr key={item.sku} className={item.remaining === 0 ? 'complete' : ''} data-sku={item.sku}>
              <td>{item.sku}</td>
              <td data-testid="pack-bin">{item.bin ?? '—'}</td>
              <td className="num">{item.expected}</td>
              <td className="num strong">{item.scanned}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {!scanning ? (
        <p className="pack-weight" data-testid="weight-range">
          {t('pack.weightRange', {
            expected: parcel.expected_gross_g,
            min: parcel.weight_range.min_g,
            max: parcel.weight_range.max_g,
          })}
        </p>
      ) : null}
    </>
  );
}

export function OrderCard({
  session,
  zone,
  phase,
  blocked,
  quotes,
  printed,
  purchase,
  busy,
  onConfirm,
  onCancel,
}: {
  session: PackSession | undefined;
  /** The time zone of the order's marketplace, for its deadline. */
  zone: string | undefined;
  phase: Phase;
  /** Why the order cannot be labelled (closed or cancelled meanwhile), with what to do, and its kind. */
  blocked: { text: string; kind: string } | undefined;
  quotes: OrderQuotes | undefined;
  printed: Printed | undefined;
  purchase: LabelPurchase;
  busy: boolean;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  const { t, term } = useI18n();
  const current = session?.current_parcel ?? null;
  return (
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
          {blocked ? (
            <p className="blocked" role="alert" id="pack-blocked" data-testid="pack-blocked" data-kind={blocked.kind}>
              {blocked.text}
            </p>
          ) : null}
          {current ? <ParcelItems parcel={current} scanning={session.status === 'scanning'} /> : null}
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
          <LabelPanel quotes={phase === 'label' && !blocked ? quotes : undefined} printed={printed} />
          {phase === 'label' && !blocked ? <LabelChoice purchase={purchase} busy={busy} onConfirm={onConfirm} /> : null}
          {session.being_packed ? (
            <button type="button" className="danger" onClick={onCancel} disabled={busy}>
              {t('pack.cancel')}
            </button>
          ) : null}
        </>
      ) : (
        <p className="muted">{t('pack.scanToStart')}</p>
      )}
    </Card>
  );
}
