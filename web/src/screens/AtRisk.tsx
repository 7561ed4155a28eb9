/**
 * At risk: the open orders by time left, with live countdowns coloured by the warning thresholds, the fine
 * if each is missed now, filters (shop, warehouse, carrier, state, country, window), bulk accept, print labels and mark shipped (atRisk/BulkShipping.tsx), and the
 * total penalty exposure at the top.
 */
import { useMemo, useState } from 'react';
import { api, ApiError, type AtRiskOrder, type CarrierService, type OrderPage, type StockRow } from '../api';
import {
  Countdown,
  DateTime,
  ErrorText,
  FilterSelect,
  LiveBadge,
  Money,
  ShopSelect,
  StateBadge,
  UrgencyLegend,
} from '../components';
import { useAuth } from '../auth';
import { useData } from '../data';
import { DEFAULT_WARNING_HOURS, sumByCurrency, urgencyOf, type Urgency } from '../format';
import { useNow, usePoll, useStored } from '../hooks';
import { useI18n } from '../i18n';
import { BulkOutcomeView, BulkShippingButtons, type BulkOutcome } from './atRisk/BulkShipping';
import { OrderFiles } from './atRisk/OrderFiles';

const OPEN_STATES = ['new', 'awaiting_shipment', 'awaiting_stock', 'partially_shipped'] as const;
const WINDOWS = ['6h', '24h', '48h', '7d', '30d', '365d'] as const;
const PAGE_LIMIT = 500;

interface AcceptResult {
  accepted: number;
  refused: Array<{ order: string; error: unknown }>;
}

export function AtRisk() {
  const { t, term, pick } = useI18n();
  const { zoneOfShop, warningHoursOfShop, shops } = useData();
  // Accepting needs orders:write in the order's shop (a viewer sees no bulk action).
  const { can } = useAuth();
  const writes = can('orders:write');
  const [shop, setShop] = useStored('shipby.atRisk.shop', '');
  const [state, setState] = useStored('shipby.atRisk.state', '');
  const [country, setCountry] = useState('');
  const [warehouse, setWarehouse] = useStored('shipby.atRisk.warehouse', '');
  const [carrier, setCarrier] = useStored('shipby.atRisk.carrier', '');
  const [window, setWindow] = useStored('shipby.atRisk.window', '30d');
  const [selected, setSelected] = useState<Set<number>>(new Set());
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<AcceptResult | undefined>(undefined);
  const [shipOutcome, setShipOutcome] = useState<BulkOutcome | undefined>(undefined);
  const now = useNow(1000);

  // The choices: the warehouses the stock lists (GET /stock) and the carriers of the services in use
  // (GET /carrier/services), each asked only by a role that may read it; rarely changed, so not live.
  const stock = usePoll(
    (signal) => (can('stock:read') ? api<{ items: StockRow[] }>('/stock', { signal }) : Promise.resolve({ items: [] })),
    [],
    300_000,
    { live: false },
  );
  const services = usePoll(
    (signal) =>
      can('settings:read')
        ? api<{ services: CarrierService[] }>('/carrier/services', { signal })
        : Promise.resolve({ services: [] }),
    [],
    300_000,
    { live: false },
  );
  const warehouses = useMemo(
    () => [...new Set((stock.data?.items ?? []).map((r) => r.warehouse_id))].sort(),
    [stock.data],
  );
  const carriers = useMemo(
    () => [...new Set((services.data?.services ?? []).map((s) => s.carrier))].sort(),
    [services.data],
  );

  const shopFilter = shops.some((s) => s.id === shop) ? shop : '';
  // A remembered choice that is no longer offered is not sent (another account's warehouse would be a 404).
  const warehouseFilter = warehouses.includes(warehouse) ? warehouse : '';
  const carrierFilter = carriers.includes(carrier) ? carrier : '';
  const polled = usePoll(
    (signal) => {
      const query = new URLSearchParams({
        due_within: window,
        status: state || OPEN_STATES.join(','),
        limit: String(PAGE_LIMIT),
      });
      if (shopFilter) query.set('shop', shopFilter);
      if (warehouseFilter) query.set('warehouse', warehouseFilter);
      if (carrierFilter) query.set('carrier', carrierFilter);
      return api<OrderPage<AtRiskOrder>>(`/orders?${query}`, { signal });
    },
    [window, state, shopFilter, warehouseFilter, carrierFilter],
  );

  // The export: the list as filtered here (every state of the filter, not only the deadline window).
  const exportQuery = new URLSearchParams({ status: state || OPEN_STATES.join(',') });
  if (shopFilter) exportQuery.set('shop', shopFilter);
  if (warehouseFilter) exportQuery.set('warehouse', warehouseFilter);
  if (carrierFilter) exportQuery.set('carrier', carrierFilter);

  const items = useMemo(() => {
    const all = polled.data?.items ?? [];
    const filtered = country ? all.filter((o) => o.buyer.country === country) : all;
    // Most urgent first: overdue, then the least time left; orders without a deadline last.
    return [...filtered].sort(
      (a, b) => (a.deadline.time_left_ms ?? Infinity) - (b.deadline.time_left_ms ?? Infinity) || a.id - b.id,
    );
  }, [polled.data, country]);
  const countries = useMemo(
    () => [...new Set((polled.data?.items ?? []).map((o) => o.buyer.country).filter(Boolean))].sort(),
    [polled.data],
  );

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

      <div className="summary">
        <div className="summary-item exposure" data-testid="exposure">
          <span className="summary-label">{t('atRisk.exposure')}</span>
          <span className="summary-value">
            {exposure.length ? (
              exposure.map((m) => <Money key={m.currency} value={m} />)
            ) : (
              <Money value={{ amount: 0, currency: 'USD' }} />
            )}
          </span>
          <span className="summary-hint">{t('atRisk.exposureHint', { count: items.length })}</span>
        </div>
        {(['overdue', 'h2', 'h6', 'h24', 'h48'] as const).map((band) => (
          <div key={band} className={`summary-item band band-${band}`}>
            <span className="summary-label">
              {band === 'overdue'
                ? t('urgency.overdue')
                : t('urgency.within', { hours: bandHours(band, warningHours) })}
            </span>
            <span className="summary-value">{bandCounts[band] ?? 0}</span>
          </div>
        ))}
      </div>

      <OrderFiles
        shop={shopFilter || (shops.length === 1 ? shops[0]!.id : '')}
        canWrite={writes}
        exportQuery={exportQuery}
        onImported={() => void polled.refresh()}
      />

      <div className="toolbar">
        <label>
          {t('filter.shop')}
          <ShopSelect value={shopFilter} onChange={setShop} allowAll />
        </label>
        <label>
          {t('filter.state')}
          <FilterSelect
            name="state"
            value={state}
            onChange={setState}
            allLabel={t('filter.allOpen')}
            choices={OPEN_STATES}
            label={(s) => term('state', s)}
          />
        </label>
        <label title={t('filter.warehouseHint')}>
          {t('filter.warehouse')}
          <FilterSelect
            name="warehouse"
            value={warehouseFilter}
            onChange={setWarehouse}
            allLabel={t('filter.allWarehouses')}
            choices={warehouses}
          />
        </label>
        <label title={t('filter.carrierHint')}>
          {t('filter.carrier')}
          <FilterSelect
            name="carrier"
            value={carrierFilter}
            onChange={setCarrier}
            allLabel={t('filter.allCarriers')}
            choices={carriers}
          />
        </label>
        <label>
          {t('filter.country')}
          <FilterSelect
            name="country"
            value={country}
            onChange={setCountry}
            allLabel={t('filter.allCountries')}
            choices={countries}
          />
        </label>
        <label>
          {t('filter.dueWithin')}
          <select value={window} onChange={(e) => setWindow(e.target.value)} name="window">
            {WINDOWS.map((w) => (
              <option key={w} value={w}>
                {t(`window.${w}`)}
              </option>
            ))}
          </select>
        </label>
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

      <div className="table-wrap">
        <table className="orders">
          <thead>
            <tr>
              <th className="check">
                <input
                  type="checkbox"
                  aria-label={t('bulk.selectAll')}
                  checked={selectable.length > 0 && selectedSelectable.length === selectable.length}
                  disabled={selectable.length === 0}
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
    </div>
  );
}

function bandHours(band: 'h2' | 'h6' | 'h24' | 'h48', warningHours: readonly number[]): number {
  const sorted = [...warningHours].sort((a, b) => a - b);
  const index = ['h2', 'h6', 'h24', 'h48'].indexOf(band);
  return sorted[index] ?? DEFAULT_WARNING_HOURS[3 - index]!;
}
