/**
 * The seller's edits of one order from the order page (issue 17): hold and release it, change its shipping address
 * before a label. Each answers the order as stored, or 409 with the rule that refused it (nothing changed).
 */
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../app/context';
import { editShippingAddress, setOrderHold, type AddressField } from '../../app/order-hold';
import { presentOrder } from '../../app/present';
import { errorSchema, ref } from '../schemas/common';

const idParams = { type: 'object', required: ['id'], properties: { id: { type: 'integer', minimum: 1 } } } as const;
const text = (max: number) => ({ type: ['string', 'null'], maxLength: max }) as const;

export function orderEditRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.post<{ Params: { id: number }; Body: { reason: string } }>('/orders/:id/hold', {
    schema: {
      tags: ['orders'],
      summary:
        'Hold an order that is still to ship (with a reason): it keeps its deadline but is not packed or labelled until released; recorded on the timeline',
      params: idParams,
      body: {
        type: 'object',
        required: ['reason'],
        additionalProperties: false,
        properties: { reason: { type: 'string', maxLength: 500 } },
      },
      response: { 200: ref('Order'), 400: errorSchema, 404: errorSchema, 409: errorSchema },
    },
    handler: async (request) =>
      presentOrder(
        await setOrderHold(ctx, request.params.id, {
          action: 'hold',
          reason: request.body.reason,
          actor: request.access.actor,
        }),
      ),
  });

  app.post<{ Params: { id: number } }>('/orders/:id/release', {
    schema: {
      tags: ['orders'],
      summary: 'Release a held order: it can be packed and labelled again; recorded on the timeline',
      params: idParams,
      response: { 200: ref('Order'), 400: errorSchema, 404: errorSchema, 409: errorSchema },
    },
    handler: async (request) =>
      presentOrder(await setOrderHold(ctx, request.params.id, { action: 'release', actor: request.access.actor })),
  });

  app.put<{ Params: { id: number }; Body: Partial<Record<AddressField, string | null>> }>('/orders/:id/address', {
    schema: {
      tags: ['orders'],
      summary:
        "Change the order's shipping address (the whole address, the import's rules per field) while no label carries it; 409 once a label was bought. The timeline keeps the old and the new values",
      params: idParams,
      body: {
        type: 'object',
        required: ['buyer_name', 'buyer_country', 'address_line1', 'city'],
        additionalProperties: false,
        properties: {
          buyer_name: text(200),
          buyer_country: text(2),
          address_line1: text(500),
          address_line2: text(500),
          city: text(200),
          state: text(200),
          postcode: text(32),
          phone: text(40),
        },
      },
      response: { 200: ref('Order'), 400: errorSchema, 404: errorSchema, 409: errorSchema },
    },
    handler: async (request) =>
      presentOrder(await editShippingAddress(ctx, request.params.id, request.body, request.access.actor)),
  });
}
