/**
 * One order over HTTP: its page (lines, parcels, timeline), its actions, and the buyer's cancellation request. The
 * order list and the upsert are in routes/orders.ts.
 */
import type { FastifyInstance } from 'fastify';
import { contextAsOf } from '../../app/as-of';
import type { AppContext } from '../../app/context';
import { applyOrderAction, getOrderPage } from '../../app/orders';
import { auditOfOrder } from '../../app/accounts';
import { answerCancellationRequest, recordCancellationRequest } from '../../app/cancellation-requests';
import {
  presentAsOf,
  presentAuditOnTimeline,
  presentEvent,
  presentLine,
  presentOrder,
  presentParcel,
} from '../../app/present';
import { orderMachine } from '../../core/order';
import { AT_PARAM } from './deadlines';
import { bodyInstant } from '../input-guards';
import { errorSchema, ref } from '../schemas/common';

export function orderPageRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get<{ Params: { id: number }; Querystring: { at?: string } }>('/orders/:id', {
    schema: {
      tags: ['orders'],
      summary:
        "One order with its lines, parcels and timeline; as_of and the time left to ship at that instant; warnings (English and Chinese), e.g. a deadline past the end of its policy's holiday data",
      params: { type: 'object', properties: { id: { type: 'integer', minimum: 1 } }, required: ['id'] },
      querystring: { type: 'object', properties: { at: AT_PARAM } },
      response: { 200: ref('OrderDetail'), 400: errorSchema, 404: errorSchema },
    },
    handler: async (request) => {
      const detail = await getOrderPage(contextAsOf(ctx, request.query.at), request.params.id);
      // The timeline: the order's events and, interleaved by time, the audit lines of who acted on it and from where.
      const audit = (await auditOfOrder(ctx, request.params.id)).map(presentAuditOnTimeline);
      const timeline = [...detail.timeline.map(presentEvent), ...audit].sort(
        (x, y) => (x.at ?? '').localeCompare(y.at ?? '') || Math.abs(x.id) - Math.abs(y.id),
      );
      return {
        ...presentOrder(detail.order),
        ...presentAsOf(detail.order, detail.asOf, detail.situation),
        warnings: detail.warnings,
        lines: detail.lines.map((l) => presentLine(l, detail.order.currency)),
        parcels: detail.parcels.map(presentParcel),
        timeline,
      };
    },
  });

  app.post<{ Params: { id: number; action: string }; Body: { reason?: string } | undefined }>(
    '/orders/:id/actions/:action',
    {
      schema: {
        tags: ['orders'],
        summary: 'Apply an action to an order; answers the new state, or 409 with the rule that refused it',
        params: {
          type: 'object',
          required: ['id', 'action'],
          properties: { id: { type: 'integer', minimum: 1 }, action: { type: 'string', enum: ['accept', 'cancel'] } },
        },
        body: {
          type: ['object', 'null'],
          additionalProperties: false,
          properties: { reason: { type: 'string', maxLength: 500 } },
        },
        response: { 200: ref('Order'), 400: errorSchema, 404: errorSchema, 409: errorSchema },
      },
      handler: async (request) => {
        void orderMachine;
        const order = await applyOrderAction(ctx, request.params.id, {
          action: request.params.action,
          reason: request.body?.reason,
          actor: request.access.actor,
        });
        return presentOrder(order);
      },
    },
  );

  app.post<{ Params: { id: number }; Body: { at?: string } | undefined }>('/orders/:id/cancellation-request', {
    schema: {
      tags: ['orders'],
      summary:
        "Record a buyer's cancellation request (`at` defaults to now): the order's situation shows it with its answer time, and the at-risk list when the answer time is near",
      params: { type: 'object', required: ['id'], properties: { id: { type: 'integer', minimum: 1 } } },
      body: {
        type: ['object', 'null'],
        additionalProperties: false,
        properties: { at: { type: 'string', description: 'ISO 8601 with Z or an offset' } },
      },
      response: { 201: ref('Order'), 400: errorSchema, 404: errorSchema, 409: errorSchema },
    },
    handler: async (request, reply) => {
      const at = bodyInstant('at', request.body?.at);
      const order = await recordCancellationRequest(
        ctx,
        request.params.id,
        at === undefined ? {} : { at },
        request.access.actor,
      );
      reply.code(201);
      return presentOrder(order);
    },
  });

  app.post<{ Params: { id: number }; Body: { answer: 'accept' | 'refuse'; reason?: string } }>(
    '/orders/:id/cancellation-request/answer',
    {
      schema: {
        tags: ['orders'],
        summary:
          "Answer the buyer's open cancellation request: `accept` cancels the order (cancelled by the buyer), `refuse` keeps it open; 409 with the rule when there is none or its answer time has passed",
        params: { type: 'object', required: ['id'], properties: { id: { type: 'integer', minimum: 1 } } },
        body: {
          type: 'object',
          required: ['answer'],
          additionalProperties: false,
          properties: {
            answer: { type: 'string', enum: ['accept', 'refuse'] },
            reason: { type: 'string', maxLength: 500 },
          },
        },
        response: { 200: ref('Order'), 400: errorSchema, 404: errorSchema, 409: errorSchema },
      },
      handler: async (request) => {
        const answer = request.body.answer === 'accept' ? 'accepted' : 'refused';
        const order = await answerCancellationRequest(
          ctx,
          request.params.id,
          { answer, reason: request.body.reason },
          request.access.actor,
        );
        return presentOrder(order);
      },
    },
  );
}
