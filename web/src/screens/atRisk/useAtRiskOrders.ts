/**
 * The at-risk list's data: its filters (shop, state, warehouse, carrier and window remembered; the country for the
 * visit), the choices they offer, the list itself (live, the most urgent first) and the query of its export.
 */
import { useMemo, useState } from 'react';
import { api, type AtRiskOrder, type CarrierService, type OrderPage, type StockRow } from '../../api';
import { useAuth } from '../../auth';
import { useData } from '../../data';
import { usePoll, useStored } from '../../hooks';

export const OPEN_STATES = ['new', 'awaiting_shipment', 'awaiting_stock', 'partially_shipped'] as const;
export const PAGE_LIMIT = 500;

export function useAtRiskOrders() {
  const { shops } = useData();
  const { can } = useAuth();
  const [shop, setShop] = useStored('shipby.atRisk.shop', '');
  const [state, setState] = useStored('shipby.atRisk.state', '');
  const [country, setCountry] = useState('');
  const [warehouse, setWarehouse] = useStored('shipby.atRisk.warehouse', '');
  const [carrier, setCarrier] = useStored('shipby.atRisk.carrier', '');
  const [window, setWindow] = useStored('shipby.atRisk.window', '30d');

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

  return {
    filters: {
      shop: shopFilter,
      setShop,
      state,
      setState,
      warehouse: warehouseFilter,
      setWarehouse,
      carrier: carrierFilter,
      setCarrier,
      country,
      setCountry,
      window,
      setWindow,
    },
    choices: { warehouses, carriers, countries },
    polled,
    items,
    exportQuery,
  };
}
