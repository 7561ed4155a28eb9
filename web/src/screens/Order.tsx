/**
 * One order: its warnings (a deadline past the calendar data), its facts, lines and parcels, the verdict ("can I
 * still ship?") with its reasons and options, the label and a tracking number typed in (order/Shipping.tsx), the
 * timeline of every event with actor and reason, the actions (accept, cancel with a reason) and the
 * buyer-extension form (order/Actions.tsx). Refreshed every few seconds; a refusal is shown where it applies.
 */
import { api, ApiError, type OrderDetail, type Verdict } from '../api';
import { Card, DateTime, ErrorText, LiveBadge, Money, StateBadge } from '../components';
import { useAuth } from '../auth';
import { useData } from '../data';
import { useNow, usePoll } from '../hooks';
import { useI18n } from '../i18n';
import { keyedByContent } from '../keys';
import { ActionsCard, ExtensionCard } from './order/Actions';
import { AddressCard, HoldCard } from './order/HoldAddress';
import { HandOverCard } from './order/HandOver';
import { ShippingCard } from './order/Shipping';
import { FactRow, Timeline } from './order/Timeline';
import { VerdictCard } from './OrderVerdict';

interface OrderView {
  order: OrderDetail;
  verdict: Verdict | undefined;
}

export function Order({ id }: { id: number }) {
  const { t, term, pick } = useI18n();
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
        {t('order.subtitle', {
          shop: order.shop_id,
          platform: order.platform,
          platformStatus: order.platform_status ?? '—',
        })}
        {platformZone ? ` · ${t('order.platformZone', { zone: platformZone })}` : ''}
      </p>

      {order.warnings.length ? (
        <div className="order-warnings" role="note" data-testid="order-warnings">
          <strong>{t('order.warnings')}</strong>
          <ul>
            {keyedByContent(order.warnings).map(([key, w]) => (
              <li key={key}>{pick(w)}</li>
            ))}
          </ul>
        </div>
      ) : null}

      <div className="order-grid">
        <div className="order-main">
          <VerdictCard
            verdict={verdict}
            receivedAt={polled.receivedAt}
            now={now}
            platformZone={platformZone}
            canRecord={can('orders:write', order.shop_id)}
            onRecorded={polled.refresh}
          />
          {can('pack', order.shop_id) ? <ShippingCard order={order} verdict={verdict} onDone={polled.refresh} /> : null}
          {can('pack', order.shop_id) ? <HandOverCard order={order} onDone={polled.refresh} /> : null}
          <Card title={t('timeline.title')}>
            <Timeline events={order.timeline} platformZone={platformZone} />
          </Card>
        </div>
        <div className="order-side">
          {/* Order actions need orders:write in the order's shop: a viewer's page has no write buttons. */}
          {can('orders:write', order.shop_id) ? <ActionsCard order={order} onDone={polled.refresh} /> : null}
          {can('orders:write', order.shop_id) ? <ExtensionCard order={order} onDone={polled.refresh} /> : null}
          {can('orders:write', order.shop_id) ? <HoldCard order={order} onDone={polled.refresh} /> : null}
          {can('orders:write', order.shop_id) ? <AddressCard order={order} onDone={polled.refresh} /> : null}
          <Card title={t('order.details')}>
            <dl className="facts">
              <dt>{t('order.buyer')}</dt>
              <dd>
                {order.buyer.name} · {order.buyer.country}
                <br />
                <span className="muted">
                  {[order.buyer.address_line1, order.buyer.postcode, order.buyer.city].filter(Boolean).join(', ')}
                </span>
              </dd>
              <dt>{t('col.total')}</dt>
              <dd>
                <Money value={order.total} />
              </dd>
              <dt>{t('col.shipBy')}</dt>
              <dd>
                <DateTime iso={order.ship_by_at} platformZone={platformZone} />{' '}
                <span className="muted">{order.ship_by_source ? term('source', order.ship_by_source) : ''}</span>
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
              <div className="table-scroll">
                <table className="compact order-parcels" data-testid="order-parcels">
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
              </div>
            )}
          </Card>
        </div>
      </div>
    </div>
  );
}
