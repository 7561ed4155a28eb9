/**
 * Pack and ship over HTTP: the box catalogue and SKU sizes, packing plans, scan-to-pack sessions (a wrong item or
 * one too many is a 409 that says what is expected; a weight out of tolerance is a 409 that holds the parcel),
 * carrier quotes with their explanation, labels, and the PDFs (batch labels, packing slips).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../app/context';
import { ValidationError } from '../../app/errors';
import { handOverOrder } from '../../app/handover';
import { carrierLabelPdf } from '../../app/label-documents';
import { labelsPdf, packingSlipPdf } from '../../app/label-printing';
import { labelCostShareOf, setLabelCostShare } from '../../app/label-service';
import { labelParcels } from '../../app/labels';
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
import { presentQuotes, quoteOrder } from '../../app/quotes';
import { markParcelShipped } from '../../app/shipments';
import { localized } from '../../core/i18n';
import { isPrintOrder, PRINT_ORDERS } from '../../core/shipping-facts';
import { toIso } from '../../core/time';
import { actorOf, shopFilter } from '../access';
import { errorBody } from '../errors';
import { ref } from '../schemas/common';
import { beingPacked, packScanned, packSessions, packStarted, packWeighed } from '../schemas/pack';

const errorSchema = { type: 'object', properties: { error: { type: 'object', additionalProperties: true } } } as const;
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
  const shopParams = {
    type: 'object',
    required: ['shop'],
    properties: { shop: { type: 'string', minLength: 1, maxLength: 64 } },
  } as const;
  const presentShare = (share: { percent: number; isDefault: boolean }) => ({
    percent: share.percent,
    default: share.isDefault,
  });
  app.get<{ Params: { shop: string } }>('/shops/:shop/label-cost-share', {
    schema: {
      tags: ['pack'],
      summary: "The share of an order's value (percent) above which its label asks the packer to confirm (default 30)",
      params: shopParams,
      response: { 404: errorSchema },
    },
    handler: async (request) => presentShare(await labelCostShareOf(ctx, request.params.shop)),
  });
  app.put<{ Params: { shop: string }; Body: { percent: number | null } }>('/shops/:shop/label-cost-share', {
    schema: {
      tags: ['pack'],
      summary:
        "Set the share of an order's value (whole percent, 1–1000; null for the default 30) above which its label asks the packer to confirm",
      params: shopParams,
      body: {
        type: 'object',
        required: ['percent'],
        additionalProperties: false,
        properties: { percent: { type: ['integer', 'null'] } },
      },
      response: { 400: errorSchema, 404: errorSchema },
    },
    handler: async (request) => presentShare(await setLabelCostShare(ctx, request.params.shop, request.body.percent)),
  });

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
      response: { 400: errorSchema, 404: errorSchema },
    },
    handler: async (request) => {
      await setBuyerNote(ctx, request.params.id, request.body.note);
      return { order_id: request.params.id, note: request.body.note.trim() || null };
    },
  });

  // --- Packing plan ------------------------------------------------------------------------------------------
  app.post<{ Params: { id: number }; Body: { replan?: boolean } | undefined }>('/orders/:id/pack', {
    schema: {
      tags: ['pack'],
      summary: 'Choose boxes and create the parcels (split when no single box holds the order, and say so)',
      params: idParams,
      body: { type: ['object', 'null'], additionalProperties: false, properties: { replan: { type: 'boolean' } } },
      response: { 400: errorSchema, 404: errorSchema, 409: errorSchema },
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
      response: { 404: errorSchema },
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

  // --- Scan-to-pack ------------------------------------------------------------------------------------------
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
      response: { 404: errorSchema, 409: errorSchema },
    },
    handler: async (request) => ({
      session: presentSession(
        await cancelPackSession(ctx, request.params.id, request.body?.reason ?? '', actorOf(request, 'pack-station')),
      ),
    }),
  });

  // --- Carrier choice and labels ------------------------------------------------------------------------------
  app.get<{ Params: { id: number }; Querystring: { promised_days?: number; remaining_work_minutes?: number } }>(
    '/orders/:id/quotes',
    {
      schema: {
        tags: ['pack'],
        summary:
          'The carrier service for each parcel: seller rules first, else the cheapest that keeps the promise and the ship-by deadline; every candidate with cost, arrival and why it was dropped',
        params: idParams,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            promised_days: { type: 'integer', minimum: 1, maximum: 365 },
            remaining_work_minutes: { type: 'integer', minimum: 0, maximum: 10080 },
          },
        },
        response: { 400: errorSchema, 404: errorSchema },
      },
      handler: async (request) => {
        const q = request.query;
        return presentQuotes(
          await quoteOrder(ctx, request.params.id, {
            ...(q.promised_days !== undefined ? { promisedDays: q.promised_days } : {}),
            ...(q.remaining_work_minutes !== undefined ? { remainingWorkMinutes: q.remaining_work_minutes } : {}),
          }),
        );
      },
    },
  );

  app.post<{
    Params: { id: number };
    Body: { service?: string; parcel_ids?: number[]; override_reason?: string; confirm_cost?: boolean } | undefined;
  }>('/orders/:id/labels', {
    schema: {
      tags: ['pack'],
      summary:
        "Buy labels for the order's packed parcels: the number is checked (format, check digit, re-use within 12 months, the buyer's logistics class) and queued for upload. 409 label.no_service when no service is chosen automatically (send `service`, one of GET /orders/:id/quotes' candidates); 409 label.cost_confirm when the labels cost more than the shop's share of the order's value (default 30 %) until `confirm_cost` is true",
      params: idParams,
      body: {
        type: ['object', 'null'],
        additionalProperties: false,
        properties: {
          service: { type: 'string' },
          parcel_ids: { type: 'array', items: { type: 'integer', minimum: 1 } },
          override_reason: { type: 'string', maxLength: 500 },
          confirm_cost: { type: 'boolean' },
        },
      },
      response: { 400: errorSchema, 404: errorSchema, 409: errorSchema },
    },
    handler: async (request, reply) => {
      const b = request.body ?? {};
      const labelled = await labelParcels(
        ctx,
        {
          orderId: request.params.id,
          ...(b.service ? { service: b.service } : {}),
          ...(b.parcel_ids ? { parcelIds: b.parcel_ids } : {}),
          ...(b.override_reason ? { overrideReason: b.override_reason } : {}),
          ...(b.confirm_cost ? { confirmCost: true } : {}),
        },
        actorOf(request, 'api'),
      );
      reply.status(201);
      return {
        items: labelled.map((l) => ({
          parcel_id: l.parcelId,
          tracking_number: l.trackingNumber,
          carrier: l.carrier,
          service: l.service,
          marketplace_service: l.marketplaceService,
          routing_code: l.routingCode,
          cost: l.cost,
          upload: l.upload,
          checks: l.checks,
          warnings: l.warnings,
        })),
      };
    },
  });

  app.post<{
    Params: { id: number };
    Body: {
      tracking_number: string;
      service: string;
      carrier?: string;
      last?: boolean;
      parcel_id?: number;
      confirm_unrecognised?: { reason: string };
    };
  }>('/orders/:id/shipments', {
    schema: {
      tags: ['pack'],
      summary:
        'Mark a parcel shipped with a tracking number typed in (as `ship`): the number is checked and its upload queued in one transaction. A number in no known format with no carrier (given or implied by the service) is refused unless confirm_unrecognised gives the reason, which the timeline records',
      params: idParams,
      body: {
        type: 'object',
        required: ['tracking_number', 'service'],
        additionalProperties: false,
        properties: {
          tracking_number: { type: 'string', minLength: 1, maxLength: 64 },
          service: {
            type: 'string',
            minLength: 1,
            maxLength: 64,
            description: 'the marketplace logistics service key, e.g. CAINIAO_STANDARD, CPAM',
          },
          carrier: { type: 'string', maxLength: 64 },
          last: { type: 'boolean', description: "the order's last parcel (declared send_type=all)" },
          parcel_id: { type: 'integer', minimum: 1 },
          confirm_unrecognised: {
            type: 'object',
            required: ['reason'],
            additionalProperties: false,
            properties: { reason: { type: 'string', minLength: 1, maxLength: 500 } },
          },
        },
      },
      response: { 400: errorSchema, 404: errorSchema, 409: errorSchema },
    },
    handler: async (request, reply) => {
      const b = request.body;
      const shipped = await markParcelShipped(
        ctx,
        {
          orderId: request.params.id,
          trackingNumber: b.tracking_number,
          serviceName: b.service,
          lastParcel: b.last === true,
          ...(b.carrier ? { carrier: b.carrier } : {}),
          ...(b.parcel_id ? { parcelId: b.parcel_id } : {}),
          ...(b.confirm_unrecognised ? { confirmUnrecognised: { reason: b.confirm_unrecognised.reason } } : {}),
        },
        actorOf(request, 'api'),
      );
      reply.status(201);
      return {
        order_id: shipped.orderId,
        parcel_id: shipped.parcelId,
        outbox_id: shipped.outboxId,
        send_type: shipped.sendType,
        upload_status: shipped.uploadStatus,
        warnings: shipped.warnings,
      };
    },
  });

  app.post<{ Params: { id: number }; Body: Record<string, never> | undefined }>('/orders/:id/handover', {
    schema: {
      tags: ['pack'],
      summary:
        "Hand the order's labelled parcels to the carrier (mark shipped); 409 with the rule when there is nothing to hand over",
      params: idParams,
      body: { type: ['object', 'null'], additionalProperties: false, properties: {} },
      response: { 404: errorSchema, 409: errorSchema },
    },
    handler: async (request) => {
      const r = await handOverOrder(ctx, request.params.id, actorOf(request, 'api'));
      return {
        order_id: r.orderId,
        platform_order_id: r.platformOrderId,
        status: r.status,
        complete: r.complete,
        parcels: r.parcels.map((p) => ({ parcel_id: p.parcelId, tracking_number: p.trackingNumber })),
        message: r.message,
      };
    },
  });

  app.get<{ Querystring: { order_by?: string; order?: string; shop?: string; limit?: number } }>('/labels.pdf', {
    schema: {
      tags: ['pack'],
      summary:
        'Labels (100 × 150 mm) in one PDF: the print queue (labelled, not yet handed over) or the given orders, sorted by deadline, carrier or SKU',
      querystring: {
        type: 'object',
        additionalProperties: false,
        properties: {
          order_by: { type: 'string', enum: [...PRINT_ORDERS] },
          order: { type: 'string', description: 'comma-separated order ids' },
          shop: { type: 'string' },
          limit: { type: 'integer', minimum: 1, maximum: 5000 },
        },
      },
    },
    handler: async (request, reply) => {
      const q = request.query;
      const orderBy = q.order_by ?? 'deadline';
      if (!isPrintOrder(orderBy))
        throw new ValidationError([
          {
            row: 0,
            field: 'order_by',
            message: localized(
              `order_by must be ${PRINT_ORDERS.join(', ')}.`,
              `order_by 须为 ${PRINT_ORDERS.join('、')}。`,
            ),
          },
        ]);
      const orderIds = q.order
        ?.split(',')
        .map((s) => Number(s.trim()))
        .filter((n) => Number.isSafeInteger(n) && n > 0);
      const result = await labelsPdf(ctx, {
        orderBy,
        ...(orderIds?.length ? { orderIds } : {}),
        ...(shopFilter(request, q.shop) ? { shopIds: shopFilter(request, q.shop) } : {}),
        ...(q.limit ? { limit: q.limit } : {}),
      });
      reply
        .type('application/pdf')
        .header('content-disposition', 'inline; filename="labels.pdf"')
        .header('x-shipby-label-count', String(result.count));
      return reply.send(result.pdf);
    },
  });

  app.get<{ Params: { id: number } }>('/parcels/:id/carrier-label.pdf', {
    schema: {
      tags: ['pack'],
      summary:
        "The carrier's own label PDF of the parcel's current label, as the carrier returned it (kept when bought; fetched and kept if it was not)",
      params: idParams,
      response: { 404: errorSchema },
    },
    handler: async (request, reply) => {
      const result = await carrierLabelPdf(ctx, request.params.id);
      reply
        .type('application/pdf')
        .header('content-disposition', `inline; filename="label-${result.trackingNumber}.pdf"`);
      return reply.send(result.pdf);
    },
  });

  app.get<{ Params: { id: number }; Querystring: { size?: 'A6' | 'A4' } }>('/orders/:id/packing-slip.pdf', {
    schema: {
      tags: ['pack'],
      summary: "The order's packing slip (A6 or A4): order barcode, items with SKU barcodes, buyer's note",
      params: idParams,
      querystring: {
        type: 'object',
        additionalProperties: false,
        properties: { size: { type: 'string', enum: ['A6', 'A4'] } },
      },
      response: { 404: errorSchema },
    },
    handler: async (request, reply) => {
      const pdf = await packingSlipPdf(ctx, request.params.id, request.query.size ?? 'A6');
      reply
        .type('application/pdf')
        .header('content-disposition', `inline; filename="packing-slip-${request.params.id}.pdf"`);
      return reply.send(pdf);
    },
  });
}
