import { parseAsOf } from '../../app/as-of';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../app/context';
import {
  adjustStock,
  createPurchaseOrder,
  listLedger,
  listPurchaseOrders,
  listShortages,
  listStock,
  purchaseOrderAction,
  replenishment,
} from '../../app/stock';
import { ADJUSTMENT_REASONS } from '../../core/inventory';
import { toIso } from '../../core/time';
import { inWarehouses } from '../access';
import { shortageList, stockRows } from '../schemas/catalogue';
import { errorSchema } from '../schemas/common';
import {
  purchaseOrderCreated,
  purchaseOrderMoved,
  purchaseOrders,
  replenishmentList,
  stockAdjusted,
  stockLedger,
} from '../schemas/stock';

function presentPurchaseOrder(po: Awaited<ReturnType<typeof listPurchaseOrders>>[number]) {
  return {
    id: po.id,
    warehouse_id: po.warehouse_id,
    supplier: po.supplier,
    reference: po.reference,
    status: po.status,
    expected_at: toIso(po.expected_at),
    ordered_at: toIso(po.ordered_at),
    received_at: toIso(po.received_at),
    cancelled_at: toIso(po.cancelled_at),
    lines: po.lines.map((l) => ({ sku: l.sku, quantity: l.quantity, received_quantity: l.received_quantity })),
    created_at: toIso(po.created_at),
  };
}

export function stockRoutes(app: FastifyInstance, ctx: AppContext): void {
  stockLevelRoutes(app, ctx);
  stockMovementRoutes(app, ctx);
  purchaseOrderRoutes(app, ctx);
}

/** What there is: stock levels, what is short, what to reorder. */
function stockLevelRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get<{ Querystring: { sku?: string; warehouse?: string } }>('/stock', {
    schema: {
      tags: ['stock'],
      summary:
        'Stock per SKU and warehouse: on hand, reserved, available, incoming (purchase orders placed), waiting (orders short of it)',
      querystring: {
        type: 'object',
        additionalProperties: false,
        properties: { sku: { type: 'string' }, warehouse: { type: 'string' } },
      },
      response: { 200: stockRows },
    },
    handler: async (request) => {
      const rows = inWarehouses(
        request,
        await listStock(ctx, { sku: request.query.sku, warehouseId: request.query.warehouse }),
      );
      return { items: rows.map((r) => ({ ...r, updated_at: toIso(r.updated_at) })) };
    },
  });

  app.get('/stock/shortages', {
    schema: {
      tags: ['stock'],
      summary:
        'Each SKU short (per warehouse), by how much, and the orders it blocks with their deadlines; the earliest deadline first',
      response: { 200: shortageList },
    },
    handler: async (request) => {
      // A SKU stocked nowhere has no warehouse: its shortage belongs to the shops of the orders it blocks.
      const { shops, warehouses } = request.access;
      const shortages = (await listShortages(ctx))
        .filter((s) => !warehouses || s.warehouse_id === null || warehouses.includes(s.warehouse_id))
        .map((s) => (shops ? { ...s, orders: s.orders.filter((o) => shops.includes(o.shop_id)) } : s))
        .filter((s) => s.orders.length > 0);
      return {
        items: shortages.map((s) => ({
          ...s,
          earliest_ship_by_at: toIso(s.earliest_ship_by_at),
          orders: s.orders.map((o) => ({ ...o, ship_by_at: toIso(o.ship_by_at) })),
        })),
      };
    },
  });

  app.get<{
    Querystring: { window_days?: number; lead_days?: number; safety_days?: number; cycle_days?: number; all?: boolean };
  }>('/stock/replenishment', {
    schema: {
      tags: ['stock'],
      summary: 'What to reorder per SKU and warehouse, the deadlines at risk first',
      querystring: {
        type: 'object',
        additionalProperties: false,
        properties: {
          window_days: {
            type: 'integer',
            minimum: 1,
            maximum: 365,
            default: 30,
            description: 'the sales window for the average daily sales',
          },
          lead_days: {
            type: 'integer',
            minimum: 0,
            maximum: 365,
            description: "override every SKU's supplier lead days",
          },
          safety_days: { type: 'integer', minimum: 0, maximum: 365 },
          cycle_days: { type: 'integer', minimum: 0, maximum: 365 },
          all: { type: 'boolean', default: false, description: 'every SKU and warehouse, not only those to reorder' },
        },
      },
      response: { 200: replenishmentList, 400: errorSchema },
    },
    handler: async (request) => {
      const q = request.query;
      const warehouses = request.access.warehouses;
      const lines = (
        await replenishment(ctx, {
          windowDays: q.window_days,
          leadDays: q.lead_days,
          safetyDays: q.safety_days,
          cycleDays: q.cycle_days,
          all: q.all,
        })
      ).filter((l) => !warehouses || warehouses.includes(l.warehouseId));
      return { items: lines.map((l) => ({ ...l, earliestBlockedDeadline: toIso(l.earliestBlockedDeadline) })) };
    },
  });
}

/** How stock moved: the ledger, and an adjustment with its reason. */
function stockMovementRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get<{
    Querystring: { sku?: string; warehouse?: string; order?: number; kind?: string; limit?: number; before?: number };
  }>('/stock/ledger', {
    schema: {
      response: { 200: stockLedger },
      tags: ['stock'],
      summary: 'Stock movements, newest first: import, adjust, reserve, release, ship, receive',
      querystring: {
        type: 'object',
        additionalProperties: false,
        properties: {
          sku: { type: 'string' },
          warehouse: { type: 'string' },
          order: { type: 'integer' },
          kind: { type: 'string' },
          limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
          before: { type: 'integer', description: 'movements with a smaller id (the last id of the previous page)' },
        },
      },
    },
    handler: async (request) => {
      const q = request.query;
      const rows = await listLedger(ctx, {
        sku: q.sku,
        warehouseId: q.warehouse,
        ...(request.access.warehouses ? { warehouseIds: request.access.warehouses } : {}),
        orderId: q.order,
        kind: q.kind,
        beforeId: q.before,
        limit: q.limit ?? 100,
      });
      return { items: rows.map((m) => ({ ...m, at: toIso(m.at) })) };
    },
  });

  app.post<{ Body: { warehouse: string; sku: string; reason: string; by?: number; to?: number; note?: string } }>(
    '/stock/adjustments',
    {
      schema: {
        tags: ['stock'],
        summary: 'Adjust stock with a reason; refused (409) when it would leave less on hand than orders have reserved',
        body: {
          type: 'object',
          required: ['warehouse', 'sku', 'reason'],
          additionalProperties: false,
          properties: {
            warehouse: { type: 'string', minLength: 1 },
            sku: { type: 'string', minLength: 1 },
            reason: { type: 'string', enum: [...ADJUSTMENT_REASONS] },
            by: { type: 'integer', description: 'the change (+found, −damaged)' },
            to: { type: 'integer', minimum: 0, description: 'the counted quantity (counted)' },
            note: { type: 'string', maxLength: 500 },
          },
        },
        response: { 200: stockAdjusted, 400: errorSchema, 404: errorSchema, 409: errorSchema },
      },
      handler: async (request) => {
        const b = request.body;
        const result = await adjustStock(ctx, {
          warehouseId: b.warehouse,
          sku: b.sku,
          reason: b.reason,
          by: b.by,
          to: b.to,
          note: b.note,
          actor: request.access.actor,
        });
        return {
          on_hand: result.onHand,
          reserved: result.reserved,
          available: result.onHand - result.reserved,
          served_orders: result.report.served,
        };
      },
    },
  );
}

/** Purchase orders: listed, created as drafts, then placed, received or cancelled. */
function purchaseOrderRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get<{ Querystring: { status?: string; warehouse?: string } }>('/purchase-orders', {
    schema: {
      response: { 200: purchaseOrders },
      tags: ['stock'],
      summary: 'Purchase orders, newest first',
      querystring: {
        type: 'object',
        additionalProperties: false,
        properties: { status: { type: 'string' }, warehouse: { type: 'string' } },
      },
    },
    handler: async (request) => ({
      items: (
        await listPurchaseOrders(ctx, {
          status: request.query.status,
          warehouseId: request.query.warehouse,
          ...(request.access.warehouses ? { warehouseIds: request.access.warehouses } : {}),
        })
      ).map(presentPurchaseOrder),
    }),
  });

  app.post<{
    Body: {
      warehouse: string;
      supplier: string;
      reference?: string;
      expected_at?: string;
      lines: Array<{ sku: string; quantity: number }>;
    };
  }>('/purchase-orders', {
    schema: {
      tags: ['stock'],
      summary: 'Create a draft purchase order',
      body: {
        type: 'object',
        required: ['warehouse', 'supplier', 'lines'],
        additionalProperties: false,
        properties: {
          warehouse: { type: 'string', minLength: 1 },
          supplier: { type: 'string', minLength: 1 },
          reference: { type: 'string' },
          expected_at: {
            type: 'string',
            description:
              "when the goods are expected at the warehouse, ISO 8601 with Z or an offset: each waiting order's verdict says whether that is in time",
          },
          lines: {
            type: 'array',
            minItems: 1,
            maxItems: 1000,
            items: {
              type: 'object',
              required: ['sku', 'quantity'],
              additionalProperties: false,
              properties: { sku: { type: 'string' }, quantity: { type: 'integer', minimum: 1 } },
            },
          },
        },
      },
      response: { 200: purchaseOrderCreated, 400: errorSchema },
    },
    handler: async (request) => {
      const b = request.body;
      const expectedAt = b.expected_at === undefined ? undefined : parseAsOf(b.expected_at, 'expected_at');
      const id = await createPurchaseOrder(ctx, {
        warehouseId: b.warehouse,
        supplier: b.supplier,
        reference: b.reference,
        lines: b.lines,
        ...(expectedAt !== undefined ? { expectedAt } : {}),
      });
      return { id, status: 'draft' };
    },
  });

  app.post<{
    Params: { id: number; action: string };
    Body: { received?: Array<{ sku: string; quantity: number }> } | undefined;
  }>('/purchase-orders/:id/actions/:action', {
    schema: {
      tags: ['stock'],
      summary: 'place, receive (adds the stock and serves waiting orders, earliest deadline first) or cancel',
      params: {
        type: 'object',
        required: ['id', 'action'],
        properties: {
          id: { type: 'integer', minimum: 1 },
          action: { type: 'string', enum: ['place', 'receive', 'cancel'] },
        },
      },
      body: {
        type: ['object', 'null'],
        additionalProperties: false,
        properties: {
          received: {
            type: 'array',
            items: {
              type: 'object',
              required: ['sku', 'quantity'],
              properties: { sku: { type: 'string' }, quantity: { type: 'integer', minimum: 0 } },
            },
          },
        },
      },
      response: { 200: purchaseOrderMoved, 400: errorSchema, 404: errorSchema, 409: errorSchema },
    },
    handler: async (request) => {
      const result = await purchaseOrderAction(ctx, request.params.id, request.params.action, {
        actor: request.access.actor,
        received: request.body?.received,
      });
      return { status: result.status, served_orders: result.report?.served ?? [] };
    },
  });
}
