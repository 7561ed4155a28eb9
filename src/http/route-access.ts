/**
 * The route table of access (see access.ts): for every route of the API, the permission it needs and where its shop
 * (or warehouse, or object) comes from. A route that is not here makes buildServer throw.
 */
import type { OwnedObject } from '../app/access-scope';
import type { Permission } from '../core/access';

export interface Where {
  in: 'params' | 'query' | 'body';
  field: string;
}

export type RouteAccess =
  /** No caller needed: health, sign-in, provider webhooks (signed by the provider), the dashboard's files, docs. */
  | { scope: 'public' }
  /** Its own credential, checked by the route (GET /metrics: SHIPBY_METRICS_TOKEN): no session or API key is read. */
  | { scope: 'own-token' }
  /** Any signed-in caller, about itself (session, logout, own password). */
  | { scope: 'signed-in' }
  /** The shop named at `shop` (comma-separated or an array: each one), else every shop where the permission is held. */
  | { scope: 'shops'; permission: Permission; shop?: Where; required?: boolean; warehouse?: Where }
  /** An object addressed by `:id`: its shop must be one of the caller's. */
  | { scope: OwnedObject; permission: Permission }
  /** The caller's account: its warehouses and stock; `warehouse` (when given) must be one of them. */
  | { scope: 'account'; permission: Permission; warehouse?: Where }
  | { scope: 'purchase-order'; permission: Permission }
  /**
   * Catalogues shared by the whole installation (policies, SKU sizes, carrier contracts and rules, tracking
   * providers): read with the permission in any shop; changed only by an owner of the default account.
   */
  | { scope: 'installation'; permission: Permission };

const PUBLIC: RouteAccess = { scope: 'public' };
const SIGNED_IN: RouteAccess = { scope: 'signed-in' };
const q = (field: string): Where => ({ in: 'query', field });
const b = (field: string): Where => ({ in: 'body', field });
const p = (field: string): Where => ({ in: 'params', field });
const shops = (permission: Permission, shop?: Where, required = false, warehouse?: Where): RouteAccess => ({
  scope: 'shops',
  permission,
  ...(shop ? { shop } : {}),
  required,
  ...(warehouse ? { warehouse } : {}),
});
const account = (permission: Permission, warehouse?: Where): RouteAccess => ({
  scope: 'account',
  permission,
  ...(warehouse ? { warehouse } : {}),
});
const order = (permission: Permission): RouteAccess => ({ scope: 'order', permission });

/** Every route of the API and the permission it needs. Keys are `METHOD /path` as Fastify declares them. */
export const ROUTE_ACCESS: Record<string, RouteAccess> = {
  // system
  'GET /health': PUBLIC,
  'GET /metrics': { scope: 'own-token' },
  'GET /': PUBLIC,
  'GET /*': PUBLIC,
  'GET /shops': shops('orders:read'),
  'GET /events': shops('orders:read'),
  // Installation-wide notices (a marketplace outage): no shop's data.
  'GET /notices': shops('orders:read'),
  'GET /policies': { scope: 'installation', permission: 'settings:read' },
  // marketplace authorisation (issue 15): the owner starts it; the platform sends the browser back (public, state-checked)
  'GET /shops/:shop/marketplace/authorise': shops('owner', p('shop'), true),
  'GET /marketplace/aliexpress/callback': PUBLIC,
  'GET /marketplace/authorisations': shops('settings:read'),
  // accounts and access
  'POST /auth/login': PUBLIC,
  'GET /auth/link': PUBLIC,
  'POST /auth/logout': SIGNED_IN,
  'GET /auth/session': SIGNED_IN,
  'PUT /auth/password': SIGNED_IN,
  'GET /users': shops('owner'),
  'GET /keys': shops('owner'),
  'POST /keys': shops('owner', b('shops'), true),
  'DELETE /keys/:id': shops('owner'),
  'GET /audit': shops('owner', q('shop')),
  'GET /shops/:shop/buyers/export': shops('owner', p('shop'), true),
  'POST /shops/:shop/buyers/erase': shops('owner', p('shop'), true),
  // orders and deadlines
  'POST /orders': shops('orders:write', b('shop_id'), true),
  'GET /orders': shops('orders:read', q('shop'), false, q('warehouse')),
  'POST /orders/import': shops('orders:write', q('shop'), true),
  'GET /orders/export.xlsx': shops('orders:read', q('shop'), false, q('warehouse')),
  'GET /orders/:id': order('orders:read'),
  'POST /orders/:id/hold': order('orders:write'),
  'POST /orders/:id/release': order('orders:write'),
  'PUT /orders/:id/address': order('orders:write'),
  'POST /orders/:id/actions/:action': order('orders:write'),
  'GET /orders/:id/verdict': order('orders:read'),
  'POST /orders/:id/extensions': order('orders:write'),
  'PUT /shops/:shop/policy': shops('owner', p('shop'), true),
  'GET /metrics/seller': shops('orders:read', q('shop'), true),
  'GET /webhooks': shops('settings:read'),
  'POST /webhooks': shops('owner', b('shop_id'), true),
  'GET /plan': shops('orders:read', q('shop'), false, q('warehouse')),
  'GET /plan/estimates': shops('orders:read', q('shop'), false, q('warehouse')),
  'POST /plan/refresh': account('orders:write', b('warehouse')),
  'GET /plan/picking-list.pdf': shops('pack', q('shop'), false, q('warehouse')),
  'GET /plan/batch.pdf': shops('pack', q('shop'), false, q('warehouse')),
  'GET /warehouses/:id/staffing': account('orders:read', p('id')),
  'PUT /warehouses/:id/staffing': account('settings:write', p('id')),
  'PUT /warehouses/:id/work-estimate': account('settings:write', p('id')),
  'PUT /shops/:shop/work-estimate': shops('settings:write', p('shop'), true),
  // first run and the catalogue (issue 17)
  'GET /setup': shops('settings:read', q('shop'), false),
  'POST /shops': { scope: 'account', permission: 'owner' },
  'GET /warehouses': account('stock:read'),
  'PUT /warehouses/:id': account('stock:write'),
  'GET /catalogue/skus': { scope: 'installation', permission: 'settings:read' },
  'PUT /catalogue/skus/:sku': { scope: 'installation', permission: 'settings:write' },
  'POST /catalogue/skus/imports': { scope: 'installation', permission: 'settings:write' },
  'GET /catalogue/templates/:kind': account('stock:read'),
  'POST /stock/imports': account('stock:write', q('warehouse')),
  'GET /shops/:shop/sku-mappings': shops('settings:read', p('shop'), true),
  'PUT /shops/:shop/sku-mappings/:platform_sku': shops('settings:write', p('shop'), true),
  // stock
  'GET /stock': { scope: 'account', permission: 'stock:read', warehouse: q('warehouse') },
  'GET /stock/shortages': { scope: 'account', permission: 'stock:read' },
  'GET /stock/replenishment': { scope: 'account', permission: 'stock:read' },
  'GET /stock/ledger': { scope: 'account', permission: 'stock:read', warehouse: q('warehouse') },
  'POST /stock/adjustments': { scope: 'account', permission: 'stock:write', warehouse: b('warehouse') },
  'GET /purchase-orders': { scope: 'account', permission: 'stock:read', warehouse: q('warehouse') },
  'POST /purchase-orders': { scope: 'account', permission: 'stock:write', warehouse: b('warehouse') },
  'POST /purchase-orders/:id/actions/:action': { scope: 'purchase-order', permission: 'stock:write' },
  // tracking, receipt, after-sales
  'POST /tracking/webhooks/:provider': PUBLIC,
  'GET /tracking/providers': { scope: 'installation', permission: 'settings:read' },
  'PUT /tracking/providers/:name': { scope: 'installation', permission: 'owner' },
  'GET /tracking/unmatched': { scope: 'installation', permission: 'settings:read' },
  'GET /parcels': shops('parcels:read', q('shop')),
  'GET /parcels/all': shops('parcels:read', q('shop')),
  'GET /parcels/:id/tracking': { scope: 'parcel', permission: 'parcels:read' },
  'GET /orders/:id/receipt': order('orders:read'),
  'PUT /orders/:id/receipt': order('orders:write'),
  'POST /orders/:id/receipt/extensions': order('orders:write'),
  'POST /orders/:id/cases': order('orders:write'),
  'GET /cases': shops('orders:read', q('shop')),
  'GET /cases/:id': { scope: 'case', permission: 'orders:read' },
  'POST /cases/:id/steps': { scope: 'case', permission: 'orders:write' },
  'POST /cases/:id/evidence': { scope: 'case', permission: 'orders:write' },
  'GET /metrics/inr': shops('orders:read', q('shop'), true),
  // pack and ship
  'PUT /shops/:shop/boxes/:code': shops('settings:write', p('shop'), true),
  'GET /shops/:shop/boxes': shops('settings:read', p('shop'), true),
  'PUT /skus/dimensions': { scope: 'installation', permission: 'settings:write' },
  'GET /skus/dimensions': { scope: 'installation', permission: 'settings:read' },
  'PUT /shops/:shop/sender': shops('settings:write', p('shop'), true),
  'GET /shops/:shop/sender': shops('settings:read', p('shop'), true),
  'GET /shops/:shop/label-cost-share': shops('settings:read', p('shop'), true),
  'PUT /shops/:shop/label-cost-share': shops('settings:write', p('shop'), true),
  'PUT /orders/:id/note': order('orders:write'),
  'POST /orders/:id/pack': order('pack'),
  'GET /orders/:id/packing': order('pack'),
  'POST /pack/sessions': shops('pack', b('shop_id')),
  'GET /pack/sessions': shops('pack', q('shop')),
  'GET /pack/being-packed': shops('pack', q('shop')),
  'GET /pack/sessions/:id': { scope: 'pack-session', permission: 'pack' },
  'POST /pack/sessions/:id/scans': { scope: 'pack-session', permission: 'pack' },
  'POST /pack/sessions/:id/weight': { scope: 'pack-session', permission: 'pack' },
  'POST /pack/sessions/:id/cancel': { scope: 'pack-session', permission: 'pack' },
  'GET /orders/:id/quotes': order('pack'),
  'POST /orders/:id/labels': order('pack'),
  'POST /orders/:id/handover': order('pack'),
  'POST /orders/:id/warehouse-receipt': order('pack'),
  'POST /orders/:id/warehouse-weight': order('pack'),
  'POST /orders/:id/cancellation-request': order('orders:write'),
  'POST /orders/:id/cancellation-request/answer': order('orders:write'),
  'POST /orders/:id/shipments': order('pack'),
  'GET /labels.pdf': shops('pack', q('shop')),
  'GET /orders/:id/packing-slip.pdf': order('pack'),
  'GET /parcels/:id/carrier-label.pdf': { scope: 'parcel', permission: 'pack' },
  'GET /carrier/services': { scope: 'installation', permission: 'settings:read' },
  'GET /carrier/rules': { scope: 'installation', permission: 'settings:read' },
  'PUT /carrier/rules': { scope: 'installation', permission: 'settings:write' },
  'GET /carrier/accounts': { scope: 'installation', permission: 'settings:read' },
  'PUT /carrier/accounts/:carrier': { scope: 'installation', permission: 'owner' },
};

/** Routes that plugins add (OpenAPI docs and their assets): public, by prefix. */
const PUBLIC_PREFIXES = ['/docs'];

export function accessOf(method: string, url: string): RouteAccess | undefined {
  if (PUBLIC_PREFIXES.some((prefix) => url === prefix || url.startsWith(`${prefix}/`))) return PUBLIC;
  // Fastify adds a HEAD route beside each GET: it needs what the GET needs.
  return ROUTE_ACCESS[`${method === 'HEAD' ? 'GET' : method} ${url}`];
}
