/**
 * Labels and prints over HTTP (apart from the scan session, routes/pack.ts): the label cost share, carrier quotes
 * with their explanation, buying labels, a tracking number typed in, the hand-over, and the PDFs (batch labels, the
 * carrier's own label, packing slips).
 */
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../app/context';
import { ValidationError } from '../../app/errors';
import { handOverOrder } from '../../app/handover';
import { carrierLabelPdf } from '../../app/label-documents';
import { labelsPdf, packingSlipPdf } from '../../app/label-printing';
import { labelCostShareOf, setLabelCostShare } from '../../app/label-service';
import { labelParcels } from '../../app/labels';
import { presentQuotes, quoteOrder } from '../../app/quotes';
import { markParcelShipped } from '../../app/shipments';
import { localized } from '../../core/i18n';
import { isPrintOrder, PRINT_ORDERS } from '../../core/shipping-facts';
import { actorOf, shopFilter } from '../access';
import { errorSchema, ref } from '../schemas/common';
import { costShare, handedOver, issuedLabels, shipmentRecorded } from '../schemas/labels';

const idParams = { type: 'object', properties: { id: { type: 'integer', minimum: 1 } }, required: ['id'] } as const;

export function labelRoutes(app: FastifyInstance, ctx: AppContext): void {
  labelCostShareRoutes(app, ctx);
  labelBuyingRoutes(app, ctx);
  shipmentRoutes(app, ctx);
  printRoutes(app, ctx);
}

/** The share of an order's value above which its label asks the packer to confirm. */
function labelCostShareRoutes(app: FastifyInstance, ctx: AppContext): void {
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
      response: { 200: costShare, 404: errorSchema },
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
      response: { 200: costShare, 400: errorSchema, 404: errorSchema },
    },
    handler: async (request) => presentShare(await setLabelCostShare(ctx, request.params.shop, request.body.percent)),
  });
}

/** Carrier choice and labels: the quotes with their explanation, and labels bought. */
function labelBuyingRoutes(app: FastifyInstance, ctx: AppContext): void {
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
        response: { 200: ref('OrderQuotes'), 400: errorSchema, 404: errorSchema },
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
      response: { 201: issuedLabels, 400: errorSchema, 404: errorSchema, 409: errorSchema },
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
}

/** A tracking number typed in, and the hand-over to the carrier. */
function shipmentRoutes(app: FastifyInstance, ctx: AppContext): void {
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
      response: { 201: shipmentRecorded, 400: errorSchema, 404: errorSchema, 409: errorSchema },
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
      response: { 200: handedOver, 404: errorSchema, 409: errorSchema },
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
}

/** The PDFs: batch labels, the carrier's own label, a packing slip. */
function printRoutes(app: FastifyInstance, ctx: AppContext): void {
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
