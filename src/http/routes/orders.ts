import type { FastifyInstance } from 'fastify';
import { contextAt, parseAsOf } from '../../app/as-of';
import type { AppContext } from '../../app/context';
import { queuedRisk, requestsDueBy, type RiskCursor } from '../../app/deadlines';
import { ValidationError } from '../../app/errors';
import { listOrders, upsertOrders, type IncomingOrder } from '../../app/orders';
import { presentOrder } from '../../app/present';
import { localized } from '../../core/i18n';
import { ORDER_STATES } from '../../core/order';
import { IMPORT_COLUMNS, LINE_COLUMNS, type ImportIssue } from '../../core/order-input';
import { parseJsonOrder } from '../../core/order-input-json';
import { parseDuration, toIso } from '../../core/time';
import { shopFilter } from '../access';
import { AT_PARAM } from './deadlines';
import { errorSchema, ref } from '../schemas/common';

const MAX_ORDERS_PER_REQUEST = 500;

const orderInputSchema = {
  type: 'object',
  description:
    'An order with its lines: the same fields as the import file. Timestamps carry a zone or offset (bare AliExpress times are US Pacific); unit_price is a decimal in major units.',
  properties: {
    ...Object.fromEntries(
      IMPORT_COLUMNS.filter((c) => !(LINE_COLUMNS as readonly string[]).includes(c)).map((c) => [
        c,
        { type: ['string', 'number', 'null'] },
      ]),
    ),
    lines: {
      type: 'array',
      items: {
        type: 'object',
        properties: Object.fromEntries(LINE_COLUMNS.map((c) => [c, { type: ['string', 'number'] }])),
      },
    },
  },
} as const;

function encodeCursor(shipByAt: number | null, id: number): string {
  return Buffer.from(JSON.stringify([shipByAt, id])).toString('base64url');
}

function decodeCursor(cursor: string): { shipByAt: number | null; id: number } | undefined {
  try {
    const [shipByAt, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [unknown, unknown];
    if ((shipByAt === null || Number.isSafeInteger(shipByAt)) && Number.isSafeInteger(id))
      return { shipByAt: shipByAt as number | null, id: id as number };
  } catch {
    /* fall through */
  }
  return undefined;
}

function commaList(value: string | undefined): string[] | undefined {
  const list = value
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return list?.length ? list : undefined;
}

/** The list's query: filters, the page, and the at-risk view's window and instant. */
type OrderListQuery = {
  shop?: string;
  status?: string;
  due_within?: string;
  warehouse?: string;
  carrier?: string;
  limit?: number;
  cursor?: string;
  at?: string;
};

const orderListQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    shop: { type: 'string', description: 'shop id; comma-separated for several' },
    status: { type: 'string', description: `state; comma-separated for several (${ORDER_STATES.join(', ')})` },
    warehouse: {
      type: 'string',
      description:
        "warehouse id (comma-separated for several, each one of the caller's account): orders whose stock is reserved in that warehouse or that wait for stock there (stock_reservations, stock_shortfalls). An order is reserved when accepted, so orders not yet accepted, and shipped orders whose stock was consumed, have no warehouse and are not listed; an order is not split across warehouses, so this is the warehouse the work queue (GET /plan?warehouse=) serves it from",
    },
    carrier: {
      type: 'string',
      description:
        "carrier code as in GET /carrier/services' `carrier` (comma-separated for several): orders with a parcel (not voided) of that carrier, i.e. packed and labelled with one of its services. The buyer's logistics_service is not matched (it names the marketplace's service class, not who carries the parcel), so orders without a label are not listed",
    },
    due_within: {
      type: 'string',
      description:
        'the at-risk view: only orders whose ship-by deadline is within this duration from now, e.g. 24h, 2d (overdue ones included), each with its countdown, the fine if missed now, and why',
    },
    limit: { type: 'integer', minimum: 1, maximum: 500, default: 50 },
    cursor: { type: 'string', description: 'next_cursor of the previous page' },
    at: {
      ...AT_PARAM,
      description: 'the at-risk view (due_within) as of this instant, ISO 8601 with Z or an offset (default now)',
    },
  },
} as const;

/** The list's filters read from its query; every one refused is named at once (400). */
function readOrderListQuery(ctx: AppContext, q: OrderListQuery) {
  const issues: ImportIssue[] = [];
  let now = ctx.now();
  if (q.at !== undefined) {
    try {
      now = parseAsOf(q.at, 'at');
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      issues.push(...error.issues);
    }
  }
  const statuses = q.status
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = statuses?.find((s) => !(ORDER_STATES as readonly string[]).includes(s));
  if (unknown)
    issues.push({
      row: 0,
      field: 'status',
      message: localized(
        `"${unknown}" is not a state (${ORDER_STATES.join(', ')}).`,
        `「${unknown}」不是有效状态（${ORDER_STATES.join('、')}）。`,
      ),
    });
  let dueBefore: number | undefined;
  if (q.due_within !== undefined) {
    const ms = parseDuration(q.due_within);
    if (ms === undefined)
      issues.push({
        row: 0,
        field: 'due_within',
        message: localized(
          `"${q.due_within}" is not a duration such as 24h or 2d.`,
          `「${q.due_within}」不是有效时长（例如 24h 或 2d）。`,
        ),
      });
    else dueBefore = now + ms;
  }
  const after = q.cursor ? decodeCursor(q.cursor) : undefined;
  if (q.cursor && !after)
    issues.push({
      row: 0,
      field: 'cursor',
      message: localized('the cursor is not one this API gave out.', '该游标无效。'),
    });
  if (issues.length) throw new ValidationError(issues);
  return { now, statuses, dueBefore, after };
}

export function orderRoutes(app: FastifyInstance, ctx: AppContext): void {
  upsertOrdersRoute(app, ctx);
  listOrdersRoute(app, ctx);
}

/** Orders created or updated through the API. */
function upsertOrdersRoute(app: FastifyInstance, ctx: AppContext): void {
  app.post<{ Body: { shop_id: string; orders: unknown[] } }>('/orders', {
    schema: {
      tags: ['orders'],
      summary: 'Create or update orders (upsert by shop + platform order id; a replay changes nothing)',
      body: {
        type: 'object',
        required: ['shop_id', 'orders'],
        additionalProperties: false,
        properties: {
          shop_id: { type: 'string', minLength: 1, maxLength: 64 },
          orders: { type: 'array', minItems: 1, maxItems: MAX_ORDERS_PER_REQUEST, items: orderInputSchema },
        },
      },
      response: {
        200: {
          type: 'object',
          properties: {
            created: { type: 'integer' },
            updated: { type: 'integer' },
            unchanged: { type: 'integer' },
            orders: {
              type: 'array',
              items: { type: 'object', properties: { platform_order_id: { type: 'string' }, id: { type: 'integer' } } },
            },
          },
        },
        400: errorSchema,
        409: errorSchema,
      },
    },
    handler: async (request) => {
      const issues: ImportIssue[] = [];
      const batch: IncomingOrder[] = [];
      const seen = new Set<string>();
      request.body.orders.forEach((value, index) => {
        const order = parseJsonOrder(value, `orders[${index}]`, index + 1, issues);
        if (!order) return;
        if (seen.has(order.platformOrderId)) {
          issues.push({
            row: index + 1,
            field: `orders[${index}].order_id`,
            message: localized(
              `order ${order.platformOrderId} appears twice in this request.`,
              `订单 ${order.platformOrderId} 在此请求中出现两次。`,
            ),
          });
          return;
        }
        seen.add(order.platformOrderId);
        batch.push({ order, row: index + 1 });
      });
      if (issues.length) throw new ValidationError(issues);
      const result = await upsertOrders(ctx, request.body.shop_id, batch, request.access.actor);
      return {
        created: result.created,
        updated: result.updated,
        unchanged: result.unchanged,
        orders: [...result.ids].map(([platform_order_id, id]) => ({ platform_order_id, id })),
      };
    },
  });
}

/** Orders by deadline, a page at a time; with due_within, the at-risk view. */
function listOrdersRoute(app: FastifyInstance, ctx: AppContext): void {
  app.get<{ Querystring: OrderListQuery }>('/orders', {
    schema: {
      tags: ['orders'],
      summary: 'List orders by deadline (the most urgent first), with filters and cursor pagination',
      querystring: orderListQuery,
      response: { 200: ref('OrderPage'), 400: errorSchema },
    },
    handler: async (request) => {
      const q = request.query;
      const { now, statuses, dueBefore, after } = readOrderListQuery(ctx, q);
      const limit = q.limit ?? 50;
      const warehouseIds = commaList(q.warehouse);
      const carriers = commaList(q.carrier);
      const filter = {
        shopIds: shopFilter(request, q.shop),
        statuses,
        dueBefore,
        warehouseIds,
        carriers,
        sort: 'ship_by' as const,
      };
      if (dueBefore === undefined) {
        const rows = await listOrders(ctx, { ...filter, after, limit: limit + 1 });
        const page = rows.slice(0, limit);
        const last = page[page.length - 1];
        const next_cursor = rows.length > limit && last ? encodeCursor(last.ship_by_at, last.id) : null;
        return { items: page.map(presentOrder), next_cursor };
      }
      // The at-risk view: each order with its countdown, the fine if it is missed now, and why. Orders whose situation
      // is settled (closed at the platform's closing point, cancelled, shipped) are in no queue and take no place in
      // the page, so its totals hold every queued order up to the limit.
      const asOf = contextAt(ctx, now);
      // The first page starts with the orders whose buyer's cancellation request must be answered within the window
      // while their own deadline is later (unanswered, the platform cancels them); the deadline pages follow.
      const requests =
        q.cursor || warehouseIds || carriers
          ? []
          : (
              await requestsDueBy(asOf, {
                shopIds: shopFilter(request, q.shop),
                dueBefore,
                beyondShipBy: dueBefore,
                now,
              })
            ).filter((r) => !statuses || statuses.includes(r.order.status));
      const listed = new Set(requests.map((r) => r.order.id));
      const read = (from: RiskCursor | undefined, size: number) =>
        listOrders(ctx, { ...filter, after: from, limit: size });
      const { items: queued, next } = await queuedRisk(asOf, now, limit, read, after);
      const risk = [...requests, ...queued.filter((r) => !listed.has(r.order.id))];
      return {
        items: risk.map((r) => ({
          ...presentOrder(r.order),
          deadline: {
            time_left_ms: r.timeLeftMs,
            fine_if_missed: r.fineIfMissed,
            status: r.status,
            situation: r.situation,
            why: r.why,
            cancellation_answer_by: toIso(r.cancellationAnswerBy),
          },
        })),
        next_cursor: next ? encodeCursor(next.ship_by_at, next.id) : null,
      };
    },
  });
}
