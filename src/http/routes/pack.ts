/**
 * Packing over HTTP: the buyer's note, packing plans and scan-to-pack sessions (a wrong item or one too many is a
 * 409 that says what is expected; a weight out of tolerance is a 409 that holds the parcel). Labels and prints are
 * in routes/labels.ts.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../app/context';
import { packOrder, PackStationRefusal, type PlannedParcel } from '../../app/pack';
import {
  cancelPackSession,
  getPackSession,
  listPackSessions,
  orderPacking,
  ordersBeingPacked,
  recordWeight,
  scanItem,
  startPackSession,
  type PackSessionView,
} from '../../app/pack-sessions';
import { setBuyerNote } from '../../app/packing-catalog';
import { toIso } from '../../core/time';
import { actorOf, shopFilter } from '../access';
import { errorBody } from '../errors';
import { errorSchema, ref } from '../schemas/common';
import {
  beingPacked,
  buyerNote,
  orderPackingAnswer,
  packCancelled,
  packPlanned,
  packScanned,
  packSessions,
  packStarted,
  packWeighed,
} from '../schemas/pack';

const idParams = { type: 'object', properties: { id: { type: 'integer', minimum: 1 } }, required: ['id'] } as const;

function presentPlanned(p: PlannedParcel) {
  return {
    parcel_id: p.parcelId,
    position: p.position,
    of: p.of,
    status: p.status,
    box: p.box,
    outer_mm: p.outerMm,
    contents: p.contents,
    content_weight_g: p.contentWeightG,
    expected_gross_g: p.expectedGrossG,
    box_cost: p.boxCost,
    measured_g: p.measuredG,
    weight_status: p.weightStatus,
  };
}

function presentSession(s: PackSessionView) {
  return {
    id: s.id,
    order_id: s.orderId,
    platform_order_id: s.platformOrderId,
    shop_id: s.shopId,
    ship_by_at: s.shipByAt,
    status: s.status,
    being_packed: s.beingPacked,
    station: s.station,
    packer: s.packer,
    tolerance: { percent: s.tolerance.basisPoints / 100, min_g: s.tolerance.minG },
    started_at: s.startedAt,
    finished_at: s.finishedAt,
    current_parcel: s.current
      ? {
          parcel_id: s.current.parcelId,
          position: s.current.position,
          of: s.current.of,
          box: s.current.box,
          items: s.current.items,
          remaining: s.current.remaining,
          expected_gross_g: s.current.expectedGrossG,
          weight_range: { min_g: s.current.weightRange.minG, max_g: s.current.weightRange.maxG },
        }
      : null,
    parcels: s.parcels.map(presentPlanned),
  };
}

/** A station refusal goes out as 409 with what is expected (the shared handler would drop the details). */
async function station<T>(
  request: FastifyRequest,
  reply: FastifyReply,
  run: () => Promise<T>,
): Promise<T | FastifyReply> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof PackStationRefusal) {
      return reply.status(409).send(
        errorBody(request, 'conflict', error.localizedMessage, {
          rule: error.rule,
          state: error.state,
          ...error.details,
        }),
      );
    }
    throw error;
  }
}

export function packRoutes(app: FastifyInstance, ctx: AppContext): void {
  orderPackingRoutes(app, ctx);
  packSessionRoutes(app, ctx);
  packStepRoutes(app, ctx);
}

/** An order's buyer note and its packing plan (the boxes chosen, the parcels created). */
function orderPackingRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.put<{ Params: { id: number }; Body: { note: string } }>('/orders/:id/note', {
    schema: {
      tags: ['pack'],
      summary: "The buyer's note (printed on the packing slip); empty removes it",
      params: idParams,
      body: {
        type: 'object',
        additionalProperties: false,
        required: ['note'],
        properties: { note: { type: 'string' } },
      },
      response: { 200: buyerNote, 400: errorSchema, 404: errorSchema },
    },
    handler: async (request) => {
      await setBuyerNote(ctx, request.params.id, request.body.note);
      return { order_id: request.params.id, note: request.body.note.trim() || null };
    },
  });

  app.post<{ Params: { id: number }; Body: { replan?: boolean } | undefined }>('/orders/:id/pack', {
    schema: {
      tags: ['pack'],
      summary: 'Choose boxes and create the parcels (split when no single box holds the order, and say so)',
      params: idParams,
      body: { type: ['object', 'null'], additionalProperties: false, properties: { replan: { type: 'boolean' } } },
      response: { 200: packPlanned, 400: errorSchema, 404: errorSchema, 409: errorSchema },
    },
    handler: async (request) => {
      const outcome = await packOrder(ctx, request.params.id, actorOf(request, 'api'), {
        replan: request.body?.replan === true,
      });
      return {
        order_id: outcome.orderId,
        platform_order_id: outcome.platformOrderId,
        created: outcome.created,
        split: outcome.split,
        message: outcome.message,
        parcels: outcome.parcels.map(presentPlanned),
      };
    },
  });

  app.get<{ Params: { id: number } }>('/orders/:id/packing', {
    schema: {
      tags: ['pack'],
      summary: "The order's planned parcels (box, contents, weights) and whether it is being packed",
      params: idParams,
      response: { 200: orderPackingAnswer, 404: errorSchema },
    },
    handler: async (request) => {
      const p = await orderPacking(ctx, request.params.id);
      return {
        order_id: p.orderId,
        platform_order_id: p.platformOrderId,
        being_packed: p.beingPacked,
        open_session_id: p.openSessionId,
        parcels: p.parcels.map(presentPlanned),
      };
    },
  });
}

/** Scan-to-pack sessions: started (or resumed) by the order's barcode, listed, looked up. */
function packSessionRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.post<{
    Body: {
      order_barcode: string;
      shop_id?: string;
      station?: string;
      packer?: string;
      tolerance_percent?: number;
      tolerance_min_g?: number;
    };
  }>('/pack/sessions', {
    schema: {
      tags: ['pack'],
      summary:
        "Start packing an order by scanning its barcode (its platform order id); resumes the order's open session",
      body: {
        type: 'object',
        additionalProperties: false,
        required: ['order_barcode'],
        properties: {
          order_barcode: { type: 'string', minLength: 1, maxLength: 64 },
          shop_id: { type: 'string' },
          station: { type: 'string', maxLength: 64 },
          packer: { type: 'string', maxLength: 64 },
          tolerance_percent: { type: 'number', minimum: 0, maximum: 50 },
          tolerance_min_g: { type: 'integer', minimum: 0, maximum: 10000 },
        },
      },
      response: { 200: packStarted, 201: packStarted, 400: errorSchema, 404: errorSchema, 409: errorSchema },
    },
    handler: async (request, reply) => {
      const b = request.body;
      const tolerance = {
        ...(b.tolerance_percent !== undefined ? { basisPoints: Math.round(b.tolerance_percent * 100) } : {}),
        ...(b.tolerance_min_g !== undefined ? { minG: b.tolerance_min_g } : {}),
      };
      const started = await startPackSession(
        ctx,
        {
          barcode: b.order_barcode,
          ...(b.shop_id ? { shopId: b.shop_id } : {}),
          ...(request.access.shops ? { shopIds: request.access.shops } : {}),
          ...(b.station ? { station: b.station } : {}),
          ...(b.packer ? { packer: b.packer } : {}),
          tolerance,
        },
        actorOf(request, b.packer ? `packer:${b.packer}` : 'pack-station'),
      );
      reply.status(started.resumed ? 200 : 201);
      return { resumed: started.resumed, message: started.message, session: presentSession(started.session) };
    },
  });

  app.get<{ Querystring: { open?: boolean; shop?: string; limit?: number } }>('/pack/sessions', {
    schema: {
      tags: ['pack'],
      summary: 'Pack sessions, newest first; open=true: the orders being packed now',
      querystring: {
        type: 'object',
        additionalProperties: false,
        properties: {
          open: { type: 'boolean' },
          shop: { type: 'string' },
          limit: { type: 'integer', minimum: 1, maximum: 500 },
        },
      },
      response: { 200: packSessions },
    },
    handler: async (request) => {
      const q = request.query;
      const sessions = await listPackSessions(ctx, {
        ...(q.open !== undefined ? { open: q.open } : {}),
        ...(shopFilter(request, q.shop) ? { shopIds: shopFilter(request, q.shop) } : {}),
        ...(q.limit ? { limit: q.limit } : {}),
      });
      return { items: sessions.map(presentSession) };
    },
  });

  app.get<{ Querystring: { shop?: string } }>('/pack/being-packed', {
    schema: {
      tags: ['pack'],
      summary: 'Orders a station is packing right now (one open session each): the planner pins them',
      querystring: { type: 'object', additionalProperties: false, properties: { shop: { type: 'string' } } },
      response: { 200: beingPacked },
    },
    handler: async (request) => ({
      items: (await ordersBeingPacked(ctx, shopFilter(request, request.query.shop))).map((r) => ({
        order_id: r.order_id,
        session_id: r.session_id,
        station: r.station,
        started_at: toIso(r.started_at),
      })),
    }),
  });

  app.get<{ Params: { id: number } }>('/pack/sessions/:id', {
    schema: {
      tags: ['pack'],
      summary: 'A pack session with its progress and every scan',
      params: idParams,
      response: { 200: ref('PackSessionDetail'), 404: errorSchema },
    },
    handler: async (request) => {
      const s = await getPackSession(ctx, request.params.id);
      return { ...presentSession(s), scans: s.scans };
    },
  });
}

/** A session's steps: an item scanned, the parcel weighed, the session stopped. */
function packStepRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.post<{ Params: { id: number }; Body: { code: string } }>('/pack/sessions/:id/scans', {
    schema: {
      tags: ['pack'],
      summary:
        'Scan an item (its SKU or item barcode): a wrong item or one too many is refused (409) with what is expected; the last missing item packs the parcel',
      params: idParams,
      body: {
        type: 'object',
        additionalProperties: false,
        required: ['code'],
        properties: { code: { type: 'string', minLength: 1, maxLength: 128 } },
      },
      response: { 200: packScanned, 400: errorSchema, 404: errorSchema, 409: errorSchema },
    },
    handler: async (request, reply) =>
      station(request, reply, async () => {
        const outcome = await scanItem(ctx, request.params.id, request.body.code, actorOf(request, 'pack-station'));
        return {
          accepted: true,
          sku: outcome.sku,
          parcel_packed: outcome.parcelPacked,
          message: outcome.message,
          session: presentSession(outcome.session),
        };
      }),
  });

  app.post<{ Params: { id: number }; Body: { grams: number; override_reason?: string } }>('/pack/sessions/:id/weight', {
    schema: {
      tags: ['pack'],
      summary:
        'The scale reading of the packed parcel: outside the tolerance the parcel is held for a check (409) until re-weighed within range or accepted with override_reason',
      params: idParams,
      body: {
        type: 'object',
        additionalProperties: false,
        required: ['grams'],
        properties: { grams: { type: 'integer', minimum: 1 }, override_reason: { type: 'string', maxLength: 500 } },
      },
      response: { 200: packWeighed, 400: errorSchema, 404: errorSchema, 409: errorSchema },
    },
    handler: async (request, reply) =>
      station(request, reply, async () => {
        const outcome = await recordWeight(
          ctx,
          request.params.id,
          {
            grams: request.body.grams,
            ...(request.body.override_reason ? { overrideReason: request.body.override_reason } : {}),
          },
          actorOf(request, 'pack-station'),
        );
        return {
          ok: true,
          overridden: outcome.overridden,
          message: outcome.message,
          session: presentSession(outcome.session),
        };
      }),
  });

  app.post<{ Params: { id: number }; Body: { reason?: string } | undefined }>('/pack/sessions/:id/cancel', {
    schema: {
      tags: ['pack'],
      summary: 'Stop a pack session (items scanned into the unfinished parcel are discarded)',
      params: idParams,
      body: {
        type: ['object', 'null'],
        additionalProperties: false,
        properties: { reason: { type: 'string', maxLength: 500 } },
      },
      response: { 200: packCancelled, 404: errorSchema, 409: errorSchema },
    },
    handler: async (request) => ({
      session: presentSession(
        await cancelPackSession(ctx, request.params.id, request.body?.reason ?? '', actorOf(request, 'pack-station')),
      ),
    }),
  });
}
