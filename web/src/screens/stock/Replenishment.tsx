/**
 * What to reorder per SKU and warehouse (GET /stock/replenishment, the deadlines at risk first), with why, and a
 * button that drafts a purchase order from a suggestion (the form below is filled; the supplier is the user's).
 */
import type { ReplenishmentItem } from '../../api';
import { Card, DateTime } from '../../components';
import { useI18n } from '../../i18n';

export interface PoDraft {
  warehouse: string;
  lines: Array<{ sku: string; quantity: string }>;
  /** Changes on every new draft, so the form takes it even when it is the same as the last one. */
  nonce: number;
}

export function Replenishment({
  items,
  onDraft,
}: {
  items: ReplenishmentItem[] | undefined;
  onDraft?: (item: ReplenishmentItem) => void;
}) {
  const { t } = useI18n();
  return (
    <Card title={t('replenish.title')}>
      <p className="hint">{t('replenish.hint')}</p>
      {items && items.length === 0 ? <p className="muted">{t('replenish.none')}</p> : null}
      {items && items.length > 0 ? (
        <table className="compact" data-testid="replenishment">
          <thead>
            <tr>
              <th>{t('lines.sku')}</th>
              <th>{t('stock.warehouse')}</th>
              <th className="num">{t('replenish.quantity')}</th>
              <th>{t('replenish.why')}</th>
              <th>{t('replenish.atRisk')}</th>
              <th className="num">{t('replenish.cover')}</th>
              {onDraft ? <th /> : null}
            </tr>
          </thead>
          <tbody>
            {items.map((r) => (
              <tr key={`${r.warehouseId}/${r.sku}`} data-sku={r.sku} data-warehouse={r.warehouseId}>
                <td>{r.sku}</td>
                <td>{r.warehouseId}</td>
                <td className="num strong" data-testid="replenish-quantity">
                  {r.quantity}
                </td>
                <td data-testid="replenish-why">
                  {r.blockedOrders > 0 ? (
                    <span className="strong">
                      {t('replenish.whyBlocked', { orders: r.blockedOrders, units: r.backlog })}{' '}
                    </span>
                  ) : null}
                  <span className="muted">
                    {t('replenish.whyRate', {
                      rate: r.dailySales.toFixed(1),
                      need: r.demandUntilArrival,
                      days: r.leadDays + r.safetyDays,
                      position: r.position,
                    })}
                  </span>
                </td>
                <td>
                  <DateTime iso={r.earliestBlockedDeadline} />
                </td>
                <td className="num">
                  {r.coverDays === null ? '—' : t('replenish.days', { days: Math.floor(r.coverDays) })}
                </td>
                {onDraft ? (
                  <td>
                    <button type="button" onClick={() => onDraft(r)} data-testid="draft-po">
                      {t('replenish.draft')}
                    </button>
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </Card>
  );
}
