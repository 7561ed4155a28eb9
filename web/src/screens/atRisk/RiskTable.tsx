/**
 * The at-risk orders, the most urgent first: a live countdown coloured by the shop's warning thresholds, the
 * deadline, the fine if missed now and why; a box to select each order a bulk action may take.
 */
import type { AtRiskOrder, OrderPage } from '../../api';
import { Countdown, DateTime, Money, StateBadge } from '../../components';
import { useData } from '../../data';
import type { Urgency } from '../../format';
import type { Polled } from '../../hooks';
import { useI18n } from '../../i18n';
import { PAGE_LIMIT } from './useAtRiskOrders';

export function RiskTable({
  items,
  polled,
  now,
  urgencyOfItem,
  selection: { selectableIds, selected, allSelected, toggle, toggleAll },
}: {
  items: AtRiskOrder[];
  polled: Polled<OrderPage<AtRiskOrder>>;
  now: number;
  urgencyOfItem: (order: AtRiskOrder) => Urgency;
  selection: {
    /** The orders a bulk action may take. */
    selectableIds: Set<number>;
    selected: Set<number>;
    /** Every selectable order is selected (false when none is selectable). */
    allSelected: boolean;
    toggle: (id: number) => void;
    toggleAll: () => void;
  };
}) {
  const { t, term, pick } = useI18n();
  const { zoneOfShop, warningHoursOfShop } = useData();
  return (
    <div className="table-wrap">
      <table className="orders">
        <thead>
          <tr>
            <th className="check">
              <input
                type="checkbox"
                aria-label={t('bulk.selectAll')}
                checked={allSelected}
                disabled={selectableIds.size === 0}
                onChange={toggleAll}
              />
            </th>
            <th>{t('col.timeLeft')}</th>
            <th>{t('col.shipBy')}</th>
            <th>{t('col.order')}</th>
            <th>{t('col.shop')}</th>
            <th>{t('col.state')}</th>
            <th>{t('col.country')}</th>
            <th className="num">{t('col.total')}</th>
            <th className="num">{t('col.fineIfMissed')}</th>
            <th>{t('col.why')}</th>
          </tr>
        </thead>
        <tbody>
          {items.map((o) => (
            <tr key={o.id} className={`row-${urgencyOfItem(o)}`} data-order={o.platform_order_id}>
              <td className="check">
                {selectableIds.has(o.id) ? (
                  <input
                    type="checkbox"
                    aria-label={t('atRisk.select', { order: o.platform_order_id })}
                    checked={selected.has(o.id)}
                    onChange={() => toggle(o.id)}
                  />
                ) : null}
              </td>
              <td>
                <Countdown
                  timeLeftMs={o.deadline.time_left_ms}
                  receivedAt={polled.receivedAt}
                  now={now}
                  warningHours={warningHoursOfShop(o.shop_id)}
                />
              </td>
              <td>
                <DateTime iso={o.ship_by_at} platformZone={zoneOfShop(o.shop_id)} />
              </td>
              <td>
                <a href={`#/orders/${o.id}`}>{o.platform_order_id}</a>
              </td>
              <td>{o.shop_id}</td>
              <td>
                <StateBadge state={o.status} />
              </td>
              <td>{o.buyer.country}</td>
              <td className="num">
                <Money value={o.total} />
              </td>
              <td className="num">
                <Money value={o.deadline.fine_if_missed} />
              </td>
              <td className="why" title={pick(o.deadline.why)}>
                <span className="why-text">
                  {o.deadline.situation && o.deadline.situation !== 'no_deadline' ? (
                    <span className={`badge situation-${o.deadline.situation}`} data-situation={o.deadline.situation}>
                      {term('situation', o.deadline.situation)}
                    </span>
                  ) : (
                    <span className={`badge verdict-${o.deadline.status}`}>{term('verdict', o.deadline.status)}</span>
                  )}{' '}
                  {pick(o.deadline.why)}
                </span>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {!polled.loading && items.length === 0 ? <p className="empty">{t('atRisk.empty')}</p> : null}
      {polled.loading && !polled.data ? <p className="empty">{t('live.loading')}</p> : null}
      {polled.data?.next_cursor ? <p className="muted">{t('atRisk.more', { count: PAGE_LIMIT })}</p> : null}
    </div>
  );
}
