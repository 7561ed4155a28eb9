/**
 * At risk: the open orders by time left, with live countdowns coloured by the warning thresholds, the fine if each is
 * missed now, filters (shop, warehouse, carrier, state, country, window), bulk accept, print labels and mark shipped
 * (atRisk/BulkShipping.tsx), and the total penalty exposure at the top. Its other parts are in atRisk/ too: the data
 * (useAtRiskOrders.ts), the summary, the filters and the table.
 */
import { useState } from 'react';
import { api, ApiError, type AtRiskOrder } from '../api';
import { ErrorText, LiveBadge, UrgencyLegend } from '../components';
import { useAuth } from '../auth';
import { useData } from '../data';
import { DEFAULT_WARNING_HOURS, sumByCurrency, urgencyOf, type Urgency } from '../format';
import { useNow } from '../hooks';
import { useI18n } from '../i18n';
import { BulkOutcomeView, BulkShippingButtons, type BulkOutcome } from './atRisk/BulkShipping';
import { AtRiskFilters } from './atRisk/Filters';
import { OrderFiles } from './atRisk/OrderFiles';
import { RiskTable } from './atRisk/RiskTable';
import { RiskSummary } from './atRisk/Summary';
import { useAtRiskOrders } from './atRisk/useAtRiskOrders';

interface AcceptResult {
  accepted: number;
  refused: Array<{ order: string; error: unknown }>;
}

export function AtRisk() {
  const { t } = useI18n();
  const { warningHoursOfShop, shops } = useData();
  // Accepting needs orders:write in the order's shop (a viewer sees no bulk action).
  const { can } = useAuth();
  const writes = can('orders:write');
  const { filters, choices, polled, items, exportQuery } = useAtRiskOrders();
  const shopFilter = filters.shop;
  const [selected, setSelected] = useState<Set<number>>(new Set());
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<AcceptResult | undefined>(undefined);
  const [shipOutcome, setShipOutcome] = useState<BulkOutcome | undefined>(undefined);
  const now = useNow(1000);

  const elapsed = Math.max(0, now - polled.receivedAt);
  const urgencyOfItem = (o: AtRiskOrder): Urgency =>
    urgencyOf(
      o.deadline.time_left_ms === null ? null : o.deadline.time_left_ms - elapsed,
      warningHoursOfShop(o.shop_id),
    );
  const bandCounts: Partial<Record<Urgency, number>> = {};
  for (const o of items) {
    const band = urgencyOfItem(o);
    bandCounts[band] = (bandCounts[band] ?? 0) + 1;
  }
  const exposure = sumByCurrency(items.map((o) => o.deadline.fine_if_missed));
  const acceptable = items.filter((o) => o.status === 'new' && can('orders:write', o.shop_id));
  const selectedVisible = acceptable.filter((o) => selected.has(o.id));
  // Print labels and mark shipped: the orders of the shops where the caller packs.
  const shippable = items.filter((o) => can('pack', o.shop_id));
  const selectedShippable = shippable.filter((o) => selected.has(o.id));
  const selectableIds = new Set([...acceptable, ...shippable].map((o) => o.id));
  const selectable = items.filter((o) => selectableIds.has(o.id));
  const selectedSelectable = selectable.filter((o) => selected.has(o.id));

  const toggle = (id: number) =>
    setSelected((s) => {
      const next = new Set(s);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  const toggleAll = () =>
    setSelected(selectedSelectable.length === selectable.length ? new Set() : new Set(selectable.map((o) => o.id)));

  const acceptSelected = async () => {
    setBusy(true);
    const outcome: AcceptResult = { accepted: 0, refused: [] };
    for (const order of selectedVisible) {
      try {
        await api(`/orders/${order.id}/actions/accept`, { method: 'POST', body: {} });
        outcome.accepted++;
      } catch (error) {
        if (!(error instanceof ApiError)) throw error;
        outcome.refused.push({ order: order.platform_order_id, error });
      }
    }
    setShipOutcome(undefined);
    setResult(outcome);
    setSelected(new Set());
    setBusy(false);
    await polled.refresh();
  };

  const warningHours = shopFilter ? warningHoursOfShop(shopFilter) : DEFAULT_WARNING_HOURS;

  return (
    <div className="screen at-risk">
      <div className="screen-title">
        <h1>{t('atRisk.title')}</h1>
        <LiveBadge receivedAt={polled.receivedAt} error={polled.error} now={now} />
      </div>

      <RiskSummary exposure={exposure} count={items.length} bandCounts={bandCounts} warningHours={warningHours} />

      <OrderFiles
        shop={shopFilter || (shops.length === 1 ? shops[0]!.id : '')}
        canWrite={writes}
        exportQuery={exportQuery}
        onImported={() => void polled.refresh()}
      />

      <div className="toolbar">
        <AtRiskFilters filters={filters} choices={choices} />
        <span className="spacer" />
        {writes ? (
          <button
            type="button"
            className="primary"
            disabled={busy || selectedVisible.length === 0}
            onClick={() => void acceptSelected()}
            data-testid="bulk-accept"
          >
            {busy ? t('action.working') : t('atRisk.acceptSelected', { count: selectedVisible.length })}
          </button>
        ) : null}
        {can('pack') ? (
          <BulkShippingButtons
            orders={selectedShippable}
            onResult={(outcome) => {
              setResult(undefined);
              setShipOutcome(outcome);
            }}
            onDone={async () => {
              setSelected(new Set());
              await polled.refresh();
            }}
          />
        ) : null}
      </div>

      {shipOutcome ? <BulkOutcomeView outcome={shipOutcome} onClose={() => setShipOutcome(undefined)} /> : null}
      {result ? (
        <div className={result.refused.length ? 'notice notice-warn' : 'notice notice-ok'} role="status">
          {t('atRisk.acceptedCount', { count: result.accepted })}
          {result.refused.map((r) => (
            <div key={r.order}>
              {t('atRisk.refusedOrder', { order: r.order })} <ErrorText error={r.error} />
            </div>
          ))}
        </div>
      ) : null}
      {polled.error ? <ErrorText error={polled.error} /> : null}

      <UrgencyLegend warningHours={warningHours} />

      <RiskTable
        items={items}
        polled={polled}
        now={now}
        urgencyOfItem={urgencyOfItem}
        selection={{
          selectableIds,
          selected,
          allSelected: selectable.length > 0 && selectedSelectable.length === selectable.length,
          toggle,
          toggleAll,
        }}
      />
    </div>
  );
}
