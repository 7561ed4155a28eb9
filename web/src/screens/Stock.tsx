/**
 * Stock: what is short and which orders it blocks (earliest deadline first), what to reorder (the deadlines at
 * risk first) with a button that drafts a purchase order from it, the purchase orders (place, receive, cancel),
 * and the levels per SKU and warehouse. Shown when the stock API is there; otherwise the screen says it is coming.
 * Stock belongs to the account, so the write buttons are for a caller with `stock:write` in any shop.
 */
import { useRef, useState } from 'react';
import { api, type PurchaseOrder, type ReplenishmentItem, type Shortage, type StockRow } from '../api';
import { useAuth } from '../auth';
import { Card, DateTime, ErrorText, LiveBadge } from '../components';
import { useNow, usePoll } from '../hooks';
import { useI18n } from '../i18n';
import { PurchaseOrderForm, PurchaseOrders } from './stock/PurchaseOrders';
import { Replenishment, type PoDraft } from './stock/Replenishment';

export function Stock() {
  const { t } = useI18n();
  const { can } = useAuth();
  const writable = can('stock:write');
  const now = useNow(1000);
  const polled = usePoll(
    async (signal) => {
      const [shortages, levels, replenishment, purchaseOrders] = await Promise.all([
        api<{ items: Shortage[] }>('/stock/shortages', { signal }),
        api<{ items: StockRow[] }>('/stock', { signal }),
        api<{ items: ReplenishmentItem[] }>('/stock/replenishment', { signal }),
        api<{ items: PurchaseOrder[] }>('/purchase-orders', { signal }),
      ]);
      return {
        shortages: shortages.items,
        levels: levels.items,
        replenishment: replenishment.items,
        purchaseOrders: purchaseOrders.items,
      };
    },
    [],
    15_000,
  );
  const [draft, setDraft] = useState<PoDraft | undefined>(undefined);
  // The orders' marketplace ids, remembered from the shortages: a served order has left them when its PO is received.
  const orderIds = useRef(new Map<number, string>());
  for (const s of polled.data?.shortages ?? [])
    for (const o of s.orders) orderIds.current.set(o.order_id, o.platform_order_id);
  const warehouses = [...new Set((polled.data?.levels ?? []).map((l) => l.warehouse_id))].sort();
  const data = polled.data;
  return (
    <div className="screen stock">
      <div className="screen-title">
        <h1>{t('stock.title')}</h1>
        <LiveBadge receivedAt={polled.receivedAt} error={polled.error} now={now} />
      </div>
      <ErrorText error={polled.error} />
      <Card title={t('stock.shortages')}>
        {data && data.shortages.length === 0 ? <p className="muted">{t('stock.noShortages')}</p> : null}
        {data && data.shortages.length > 0 ? (
          <table className="compact" data-testid="shortages">
            <thead>
              <tr>
                <th>{t('lines.sku')}</th>
                <th>{t('stock.warehouse')}</th>
                <th className="num">{t('stock.shortBy')}</th>
                <th className="num">{t('stock.needed')}</th>
                <th className="num">{t('stock.available')}</th>
                <th className="num">{t('stock.incoming')}</th>
                <th>{t('stock.earliestShipBy')}</th>
                <th>{t('stock.blocked')}</th>
              </tr>
            </thead>
            <tbody>
              {data.shortages.map((s) => (
                <tr key={`${s.warehouse_id}/${s.sku}`} data-sku={s.sku}>
                  <td>{s.sku}</td>
                  <td>{s.warehouse_id ?? t('stock.noWarehouse')}</td>
                  <td className="num strong">{s.short_by}</td>
                  <td className="num">{s.needed}</td>
                  <td className="num">{s.available}</td>
                  <td className="num">{s.incoming}</td>
                  <td>
                    <DateTime iso={s.earliest_ship_by_at} />
                  </td>
                  <td>
                    {s.orders.map((o, i) => (
                      <span key={o.order_id}>
                        {i ? ', ' : ''}
                        <a href={`#/orders/${o.order_id}`}>{o.platform_order_id}</a>
                      </span>
                    ))}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
      </Card>
      <Replenishment
        items={data?.replenishment}
        onDraft={
          writable
            ? (r) =>
                setDraft({
                  warehouse: r.warehouseId,
                  lines: [{ sku: r.sku, quantity: String(r.quantity) }],
                  nonce: Date.now(),
                })
            : undefined
        }
      />
      <PurchaseOrders
        items={data?.purchaseOrders}
        writable={writable}
        onChanged={polled.refresh}
        orderLabel={(id) => orderIds.current.get(id) ?? `#${id}`}
      />
      {writable ? <PurchaseOrderForm draft={draft} warehouses={warehouses} onCreated={polled.refresh} /> : null}
      <Card title={t('stock.levels')}>
        {data && data.levels.length === 0 ? <p className="muted">{t('stock.noLevels')}</p> : null}
        {data && data.levels.length > 0 ? (
          <table className="compact">
            <thead>
              <tr>
                <th>{t('lines.sku')}</th>
                <th>{t('stock.warehouse')}</th>
                <th className="num">{t('stock.onHand')}</th>
                <th className="num">{t('stock.reserved')}</th>
                <th className="num">{t('stock.available')}</th>
                <th className="num">{t('stock.incoming')}</th>
                <th className="num">{t('stock.waiting')}</th>
              </tr>
            </thead>
            <tbody>
              {data.levels.map((l) => (
                <tr
                  key={`${l.warehouse_id}/${l.sku}`}
                  className={l.low_stock_threshold !== null && l.available <= l.low_stock_threshold ? 'low' : ''}
                >
                  <td>
                    {l.sku} {l.name ? <span className="muted">{l.name}</span> : null}
                  </td>
                  <td>{l.warehouse_id}</td>
                  <td className="num">{l.on_hand}</td>
                  <td className="num">{l.reserved}</td>
                  <td className="num">{l.available}</td>
                  <td className="num">{l.incoming}</td>
                  <td className="num">{l.waiting}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
      </Card>
    </div>
  );
}
