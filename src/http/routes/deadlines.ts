import type { FastifyInstance } from 'fastify';
import { contextAsOf } from '../../app/as-of';
import type { AppContext } from '../../app/context';
import { addWebhook, explainOrder, sellerMetrics } from '../../app/deadlines';
import { recordWarehouseReceipt, recordWarehouseWeight } from '../../app/warehouse-records';
import { recordExtension, setShopPolicy } from '../../app/policies';
import { presentOrder, presentParcel, presentSituation, presentVerdict } from '../../app/present';
import { ValidationError } from '../../app/errors';
import { localized } from '../../core/i18n';
import { builtInRegistry } from '../../core/policy/built-in';
import { bodyInstant } from '../input-guards';
import { errorSchema, ref } from '../schemas/common';
import { toIso } from '../../core/time';
import { policyList, shopPolicy, webhookAdded } from '../schemas/deadlines';

/** `at=` of a read route: the view as of that instant (default now); a time that does not parse is a 400 naming `at`. */
export const AT_PARAM = {
  type: 'string',
  description: 'as of this instant, ISO 8601 with Z or an offset (default now)',
} as const;

export function deadlineRoutes(app: FastifyInstance, ctx: AppContext): void {
  orderDeadlineRoutes(app, ctx);
  warehouseEventRoutes(app, ctx);
  policyRoutes(app, ctx);
  sellerRoutes(app, ctx);
}

/** An order's deadline: its verdict, and an extension the buyer agreed to. */
function orderDeadlineRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get<{ Params: { id: number }; Querystring: { at?: string } }>('/orders/:id/verdict', {
    schema: {
      tags: ['deadlines'],
      summary:
        'Can I still ship? Time left and the latest hand-over; after the deadline the fine now and at each next step, the points, and the cheaper course with its arithmetic (English and Chinese)',
      params: { type: 'object', required: ['id'], properties: { id: { type: 'integer', minimum: 1 } } },
      querystring: { type: 'object', properties: { at: AT_PARAM } },
      response: { 200: ref('Verdict'), 400: errorSchema, 404: errorSchema },
    },
    handler: async (request) => {
      const { verdict, policy, order, situation } = await explainOrder(
        contextAsOf(ctx, request.query.at),
        request.params.id,
      );
      return {
        order_id: order.id,
        platform_order_id: order.platform_order_id,
        ...presentVerdict(verdict, policy),
        situation: presentSituation(situation),
      };
    },
  });

  app.post<{
    Params: { id: number };
    Body: { hours?: number; new_deadline_at?: string; agreed_by: string; agreed_at?: string; note?: string };
  }>('/orders/:id/extensions', {
    schema: {
      tags: ['deadlines'],
      summary: 'Record a deadline extension the buyer agreed to; the deadline is recomputed',
      params: { type: 'object', required: ['id'], properties: { id: { type: 'integer', minimum: 1 } } },
      body: {
        type: 'object',
        additionalProperties: false,
        required: ['agreed_by'],
        properties: {
          hours: { type: 'integer', minimum: 1 },
          new_deadline_at: { type: 'string' },
          agreed_by: { type: 'string', minLength: 1 },
          agreed_at: { type: 'string' },
          note: { type: 'string', maxLength: 500 },
        },
      },
      response: { 200: ref('Order'), 400: errorSchema, 404: errorSchema },
    },
    handler: async (request) => {
      const b = request.body;
      const order = await recordExtension(
        ctx,
        request.params.id,
        {
          hours: b.hours,
          newDeadlineAt: bodyInstant('new_deadline_at', b.new_deadline_at),
          agreedBy: b.agreed_by,
          agreedAt: bodyInstant('agreed_at', b.agreed_at),
          note: b.note,
        },
        request.access.actor,
      );
      return presentOrder(order);
    },
  });
}

/** What the platform's warehouse reports of an order: its parcels received, and their weight. */
function warehouseEventRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.post<{ Params: { id: number }; Body: { at?: string } | undefined }>('/orders/:id/warehouse-receipt', {
    schema: {
      tags: ['deadlines'],
      summary:
        "Record that the platform's warehouse received the order's parcels (the event a self-send policy counts); `at` defaults to now",
      params: { type: 'object', required: ['id'], properties: { id: { type: 'integer', minimum: 1 } } },
      body: {
        type: ['object', 'null'],
        additionalProperties: false,
        properties: { at: { type: 'string', description: 'ISO 8601 with Z or an offset' } },
      },
      response: { 200: ref('Order'), 400: errorSchema, 404: errorSchema, 409: errorSchema },
    },
    handler: async (request) => {
      const at = bodyInstant('at', request.body?.at);
      const order = await recordWarehouseReceipt(
        ctx,
        request.params.id,
        at === undefined ? {} : { at },
        request.access.actor,
      );
      return presentOrder(order);
    },
  });

  app.post<{ Params: { id: number }; Body: { parcel_id: number; grams: number } }>('/orders/:id/warehouse-weight', {
    schema: {
      tags: ['deadlines'],
      summary:
        "Record the weight the platform's warehouse found for one of the order's parcels (semi-managed): with the shop's weight bands set, the order's situation carries the weight-mismatch fine",
      params: { type: 'object', required: ['id'], properties: { id: { type: 'integer', minimum: 1 } } },
      body: {
        type: 'object',
        required: ['parcel_id', 'grams'],
        additionalProperties: false,
        properties: { parcel_id: { type: 'integer', minimum: 1 }, grams: { type: 'integer' } },
      },
      response: { 200: ref('Parcel'), 400: errorSchema, 404: errorSchema },
    },
    handler: async (request) => {
      const parcel = await recordWarehouseWeight(
        ctx,
        request.params.id,
        { parcelId: request.body.parcel_id, grams: request.body.grams },
        request.access.actor,
      );
      return presentParcel(parcel);
    },
  });
}

/** The platform policies known, and a shop's own. */
function policyRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get(
    '/policies',
    {
      schema: {
        response: { 200: policyList },
        tags: ['deadlines'],
        summary: 'The platform policies shipby knows, every version',
      },
    },
    async () => {
      const registry = builtInRegistry();
      return registry.ids().flatMap((id) => registry.versions(id));
    },
  );

  app.put<{
    Params: { shop: string };
    Body: { policy_id?: string; by_order_type?: Record<string, string>; overrides?: Record<string, never> };
  }>('/shops/:shop/policy', {
    schema: {
      tags: ['deadlines'],
      summary:
        "Set a shop's policy (default, per order type, overrides). A policy that fails validation is refused with the path of the bad field, and the running one stays",
      params: { type: 'object', required: ['shop'], properties: { shop: { type: 'string' } } },
      body: {
        type: 'object',
        additionalProperties: false,
        properties: {
          policy_id: { type: 'string' },
          by_order_type: { type: 'object', additionalProperties: { type: 'string' } },
          overrides: { type: 'object', additionalProperties: { type: 'object' } },
        },
      },
      response: { 200: shopPolicy, 400: errorSchema, 404: errorSchema },
    },
    handler: async (request) => setShopPolicy(ctx, request.params.shop, request.body, request.access.actor),
  });
}

/** The seller's metrics against the policy's thresholds, and the alert webhooks. */
function sellerRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get<{ Querystring: { shop: string; windows?: string } }>('/metrics/seller', {
    schema: {
      tags: ['deadlines'],
      summary:
        "The seller's metrics over rolling windows (default 7 and 30 days), each against its policy threshold with its trend",
      querystring: {
        type: 'object',
        required: ['shop'],
        additionalProperties: false,
        properties: {
          shop: { type: 'string' },
          windows: { type: 'string', description: 'comma-separated days, e.g. 7,30' },
        },
      },
      response: { 200: ref('MetricsReport'), 400: errorSchema, 404: errorSchema },
    },
    handler: async (request) => {
      const windows = request.query.windows?.split(',').map(Number);
      if (windows && windows.some((d) => !Number.isInteger(d) || d < 1 || d > 365)) {
        throw new ValidationError([
          {
            row: 0,
            field: 'windows',
            message: localized('windows are whole days from 1 to 365.', 'windows 必须是 1 到 365 的整数天。'),
          },
        ]);
      }
      return sellerMetrics(ctx, request.query.shop, windows);
    },
  });

  app.post<{ Body: { url: string; secret: string; shop_id?: string } }>('/webhooks', {
    schema: {
      tags: ['deadlines'],
      summary:
        'Add an alert webhook: JSON POSTs with X-Shipby-Timestamp and X-Shipby-Signature (sha256=HMAC(secret, timestamp.body)), retried with backoff',
      body: {
        type: 'object',
        required: ['url', 'secret'],
        additionalProperties: false,
        properties: { url: { type: 'string' }, secret: { type: 'string' }, shop_id: { type: 'string' } },
      },
      response: { 201: webhookAdded, 400: errorSchema },
    },
    handler: async (request, reply) => {
      const hook = await addWebhook(ctx, {
        url: request.body.url,
        secret: request.body.secret,
        shopId: request.body.shop_id,
      });
      return reply.status(201).send({ ...hook, created_at: toIso(hook.created_at) });
    },
  });
}
