/**
 * After delivery over HTTP: when the order confirms itself (receipt), after-sales cases with their evidence, and the
 * not-received rate. Tracking itself is in routes/tracking.ts.
 */
import type { FastifyInstance } from 'fastify';
import { openCase, stepCase } from '../../app/after-sales';
import { addPhotoEvidence } from '../../app/after-sales-evidence';
import { getCase, inrRate, listCases } from '../../app/after-sales-views';
import type { AppContext } from '../../app/context';
import { ValidationError } from '../../app/errors';
import { receiptOf, recordAcceptanceExtension, setPromisedDeliveryDays } from '../../app/receipt';
import { localized } from '../../core/i18n';
import { shopFilter } from '../access';
import { contextAsOf } from '../../app/as-of';
import { AT_PARAM } from './deadlines';
import { errorSchema, ref } from '../schemas/common';
import { caseList } from '../schemas/after-sales';

const idParams = { type: 'object', required: ['id'], properties: { id: { type: 'integer', minimum: 1 } } } as const;

export function afterSalesRoutes(app: FastifyInstance, ctx: AppContext): void {
  receiptRoutes(app, ctx);
  caseRoutes(app, ctx);
  caseStepRoutes(app, ctx);
  inrRateRoute(app, ctx);
}

/** When the order confirms itself: the receipt clock, the promised delivery days, an acceptance extension. */
function receiptRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get<{ Params: { id: number }; Querystring: { at?: string } }>('/orders/:id/receipt', {
    schema: {
      tags: ['tracking'],
      summary:
        "When the order confirms itself: last shipment + promised delivery days (or the class fallback) × 24 h, shown in the policy's zone; as_of and the time left at that instant",
      params: idParams,
      querystring: { type: 'object', properties: { at: AT_PARAM } },
      response: { 200: ref('Receipt'), 400: errorSchema, 404: errorSchema },
    },
    handler: async (request) => receiptOf(contextAsOf(ctx, request.query.at), request.params.id),
  });

  app.put<{ Params: { id: number }; Body: { freight_commit_days: number } }>('/orders/:id/receipt', {
    schema: {
      tags: ['tracking'],
      summary: "Set the order's promised delivery days (freight_commit_day); the receipt clock is recomputed",
      params: idParams,
      body: {
        type: 'object',
        required: ['freight_commit_days'],
        additionalProperties: false,
        properties: { freight_commit_days: { type: 'integer' } },
      },
      response: { 200: ref('Receipt'), 400: errorSchema, 404: errorSchema, 409: errorSchema },
    },
    handler: async (request) =>
      setPromisedDeliveryDays(ctx, request.params.id, request.body.freight_commit_days, request.access.actor),
  });

  app.post<{ Params: { id: number }; Body: { days: number; note?: string } }>('/orders/:id/receipt/extensions', {
    schema: {
      tags: ['tracking'],
      summary: "Record an extension of the buyer's acceptance time agreed on the platform",
      params: idParams,
      body: {
        type: 'object',
        required: ['days'],
        additionalProperties: false,
        properties: { days: { type: 'integer' }, note: { type: 'string', maxLength: 500 } },
      },
      response: { 200: ref('Receipt'), 400: errorSchema, 404: errorSchema, 409: errorSchema },
    },
    handler: async (request) =>
      recordAcceptanceExtension(ctx, request.params.id, request.body.days, request.access.actor, request.body.note),
  });
}

/** After-sales cases: opened, listed, looked up. */
function caseRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.post<{ Params: { id: number }; Body: { kind: string; reason: string; platform_case_id?: string } }>(
    '/orders/:id/cases',
    {
      schema: {
        tags: ['tracking'],
        summary:
          'Open an after-sales case (not_received, not_as_described, return_requested, refund); the tracking history is kept as evidence',
        params: idParams,
        body: {
          type: 'object',
          required: ['kind', 'reason'],
          additionalProperties: false,
          properties: {
            kind: { type: 'string' },
            reason: { type: 'string', maxLength: 2000 },
            platform_case_id: { type: 'string' },
          },
        },
        response: { 201: ref('Case'), 400: errorSchema, 404: errorSchema },
      },
      handler: async (request, reply) =>
        reply.status(201).send(
          await openCase(
            ctx,
            {
              orderId: request.params.id,
              kind: request.body.kind,
              reason: request.body.reason,
              platformCaseId: request.body.platform_case_id,
            },
            request.access.actor,
          ),
        ),
    },
  );

  app.get<{ Querystring: { shop?: string; state?: 'open' | 'closed' | 'all'; order_id?: number } }>('/cases', {
    schema: {
      response: { 200: caseList },
      tags: ['tracking'],
      summary: 'After-sales cases, the most urgent answer first',
      querystring: {
        type: 'object',
        additionalProperties: false,
        properties: {
          shop: { type: 'string' },
          state: { type: 'string', enum: ['open', 'closed', 'all'] },
          order_id: { type: 'integer' },
        },
      },
    },
    handler: async (request) => ({
      items: await listCases(ctx, {
        shopIds: shopFilter(request, request.query.shop),
        state: request.query.state,
        orderId: request.query.order_id,
      }),
    }),
  });

  app.get<{ Params: { id: number } }>('/cases/:id', {
    schema: {
      tags: ['tracking'],
      summary: 'One case with its evidence',
      params: idParams,
      response: { 200: ref('Case'), 404: errorSchema },
    },
    handler: async (request) => getCase(ctx, request.params.id),
  });
}

/** A case moved on, and its evidence added. */
function caseStepRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.post<{
    Params: { id: number };
    Body: { action: string; note?: string; outcome?: string; refunded_amount?: number };
  }>('/cases/:id/steps', {
    schema: {
      tags: ['tracking'],
      summary:
        'Move a case: respond (with a note), escalate, resolve (outcome + refunded_amount in minor units), withdraw',
      params: idParams,
      body: {
        type: 'object',
        required: ['action'],
        additionalProperties: false,
        properties: {
          action: { type: 'string' },
          note: { type: 'string', maxLength: 4000 },
          outcome: { type: 'string' },
          refunded_amount: { type: 'integer' },
        },
      },
      response: { 200: ref('Case'), 400: errorSchema, 404: errorSchema, 409: errorSchema },
    },
    handler: async (request) =>
      stepCase(
        ctx,
        request.params.id,
        {
          action: request.body.action,
          note: request.body.note,
          outcome: request.body.outcome,
          refundedAmount: request.body.refunded_amount,
        },
        request.access.actor,
      ),
  });

  app.post<{ Params: { id: number }; Body: { file_name: string; content_base64: string } }>('/cases/:id/evidence', {
    schema: {
      tags: ['tracking'],
      summary: 'Add a photo (or PDF) to a case; stored under the data dir by its SHA-256',
      params: idParams,
      body: {
        type: 'object',
        required: ['file_name', 'content_base64'],
        additionalProperties: false,
        properties: { file_name: { type: 'string' }, content_base64: { type: 'string' } },
      },
      response: { 200: ref('Case'), 400: errorSchema, 404: errorSchema },
    },
    handler: async (request) => {
      const content = Buffer.from(request.body.content_base64, 'base64');
      if (content.length === 0)
        throw new ValidationError([
          {
            row: 0,
            field: 'content_base64',
            message: localized('the file is empty or not base64.', '文件为空或不是 base64。'),
          },
        ]);
      return addPhotoEvidence(ctx, request.params.id, { name: request.body.file_name, content }, request.access.actor);
    },
  });
}

/** The item-not-received dispute rate. */
function inrRateRoute(app: FastifyInstance, ctx: AppContext): void {
  app.get<{ Querystring: { shop: string; days?: number } }>('/metrics/inr', {
    schema: {
      response: { 200: ref('InrRate'), 400: errorSchema },
      tags: ['tracking'],
      summary: 'The item-not-received dispute rate over a window (default 30 days)',
      querystring: {
        type: 'object',
        required: ['shop'],
        additionalProperties: false,
        properties: { shop: { type: 'string' }, days: { type: 'integer', minimum: 1, maximum: 365 } },
      },
    },
    handler: async (request) => inrRate(ctx, request.query.shop, request.query.days ?? 30),
  });
}
