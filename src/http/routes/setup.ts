/**
 * What the first label needs, set up in the dashboard (Settings): the shop's boxes and sender address, the SKUs'
 * sizes and weights, the carrier services and shipping rules, and the carrier accounts labels are bought with.
 */
import type { FastifyInstance } from 'fastify';
import {
  listCarrierAccounts,
  listCarrierServices,
  listShippingRules,
  setCarrierAccount,
  setShippingRules,
} from '../../app/carrier-contracts';
import type { AppContext } from '../../app/context';
import {
  defineBox,
  getSender,
  listBoxes,
  listSkuDimensions,
  presentBox,
  presentSender,
  presentSkuDimensions,
  setSender,
  setSkuDimensions,
} from '../../app/packing-catalog';
import { errorSchema, ref } from '../schemas/common';
import {
  boxList,
  carrierAccounts,
  carrierServices,
  senderAnswer,
  shippingRules,
  skuSizes,
  skuSizesSaved,
} from '../schemas/settings';

const dims = { type: 'array', items: { type: 'integer', minimum: 1 }, minItems: 3, maxItems: 3 } as const;

export function setupRoutes(app: FastifyInstance, ctx: AppContext): void {
  boxRoutes(app, ctx);
  skuSizeRoutes(app, ctx);
  senderRoutes(app, ctx);
  carrierRoutes(app, ctx);
}

/** A shop's boxes: added or changed, listed. */
function boxRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.put<{
    Params: { shop: string; code: string };
    Body: {
      inner_mm: [number, number, number];
      outer_mm?: [number, number, number] | null;
      max_weight_g: number;
      tare_g: number;
      cost: { amount: number; currency: string };
      active?: boolean;
    };
  }>('/shops/:shop/boxes/:code', {
    schema: {
      tags: ['pack'],
      summary: "Add or change a box of the shop's catalogue (inner size, max gross weight, tare, cost)",
      body: {
        type: 'object',
        additionalProperties: false,
        required: ['inner_mm', 'max_weight_g', 'tare_g', 'cost'],
        properties: {
          inner_mm: dims,
          outer_mm: { anyOf: [dims, { type: 'null' }] },
          max_weight_g: { type: 'integer' },
          tare_g: { type: 'integer' },
          cost: {
            type: 'object',
            required: ['amount', 'currency'],
            properties: { amount: { type: 'integer', minimum: 0 }, currency: { type: 'string' } },
          },
          active: { type: 'boolean' },
        },
      },
      response: { 200: ref('Box'), 400: errorSchema, 404: errorSchema },
    },
    handler: async (request) => {
      const b = request.body;
      const row = await defineBox(ctx, request.params.shop, {
        code: request.params.code,
        innerMm: b.inner_mm,
        outerMm: b.outer_mm ?? null,
        maxWeightG: b.max_weight_g,
        tareG: b.tare_g,
        cost: b.cost.amount,
        currency: b.cost.currency,
        ...(b.active !== undefined ? { active: b.active } : {}),
      });
      return presentBox(row);
    },
  });

  app.get<{ Params: { shop: string } }>(
    '/shops/:shop/boxes',
    { schema: { tags: ['pack'], summary: "The shop's boxes, cheapest first", response: { 200: boxList } } },
    async (request) => ({ items: (await listBoxes(ctx, request.params.shop)).map(presentBox) }),
  );
}

/** Seller SKUs' unit sizes, weights and barcodes. */
function skuSizeRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.put<{
    Body: {
      items: Array<{
        sku: string;
        dims_mm: [number, number, number];
        weight_g: number;
        barcode?: string | null;
        batteries?: string;
        liquids?: boolean;
      }>;
    };
  }>('/skus/dimensions', {
    schema: {
      tags: ['pack'],
      summary: "Set seller SKUs' unit size, weight and item barcode (all or none)",
      body: {
        type: 'object',
        additionalProperties: false,
        required: ['items'],
        properties: {
          items: {
            type: 'array',
            minItems: 1,
            maxItems: 5000,
            items: {
              type: 'object',
              additionalProperties: false,
              required: ['sku', 'dims_mm', 'weight_g'],
              properties: {
                sku: { type: 'string' },
                dims_mm: dims,
                weight_g: { type: 'integer' },
                barcode: { type: ['string', 'null'] },
                batteries: { type: 'string' },
                liquids: { type: 'boolean' },
              },
            },
          },
        },
      },
      response: { 200: skuSizesSaved, 400: errorSchema },
    },
    handler: async (request) => ({
      updated: await setSkuDimensions(
        ctx,
        request.body.items.map((i) => ({
          sku: i.sku,
          dimsMm: i.dims_mm,
          weightG: i.weight_g,
          ...(i.barcode !== undefined ? { barcode: i.barcode } : {}),
          ...(i.batteries !== undefined ? { batteries: i.batteries } : {}),
          ...(i.liquids !== undefined ? { liquids: i.liquids } : {}),
        })),
      ),
    }),
  });

  app.get<{ Querystring: { sku?: string } }>('/skus/dimensions', {
    schema: {
      tags: ['pack'],
      summary: 'Sizes and weights of seller SKUs',
      querystring: {
        type: 'object',
        properties: { sku: { type: 'string', description: 'comma-separated SKUs (default: all)' } },
      },
      response: { 200: skuSizes },
    },
    handler: async (request) => ({
      items: (
        await listSkuDimensions(
          ctx,
          request.query.sku
            ?.split(',')
            .map((s) => s.trim())
            .filter(Boolean),
        )
      ).map(presentSkuDimensions),
    }),
  });
}

/** A shop's sender (return) address. */
function senderRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.put<{
    Params: { shop: string };
    Body: {
      name: string;
      address_line1: string;
      address_line2?: string | null;
      city: string;
      postcode?: string | null;
      country: string;
      phone?: string | null;
    };
  }>('/shops/:shop/sender', {
    schema: {
      tags: ['pack'],
      summary: "The shop's sender (return) address printed on labels",
      body: {
        type: 'object',
        additionalProperties: false,
        required: ['name', 'address_line1', 'city', 'country'],
        properties: {
          name: { type: 'string' },
          address_line1: { type: 'string' },
          address_line2: { type: ['string', 'null'] },
          city: { type: 'string' },
          postcode: { type: ['string', 'null'] },
          country: { type: 'string' },
          phone: { type: ['string', 'null'] },
        },
      },
      response: { 200: ref('SenderAddress'), 400: errorSchema, 404: errorSchema },
    },
    handler: async (request) => {
      const b = request.body;
      const row = await setSender(ctx, request.params.shop, {
        name: b.name,
        addressLine1: b.address_line1,
        addressLine2: b.address_line2 ?? null,
        city: b.city,
        postcode: b.postcode ?? null,
        country: b.country,
        phone: b.phone ?? null,
      });
      return presentSender(row);
    },
  });

  app.get<{ Params: { shop: string } }>('/shops/:shop/sender', {
    schema: {
      tags: ['pack'],
      summary: "The shop's sender (return) address printed on labels (null until it is set)",
      response: { 200: senderAnswer, 404: errorSchema },
    },
    handler: async (request) => {
      const row = await getSender(ctx, request.params.shop);
      return { sender: row ? presentSender(row) : null };
    },
  });
}

/** The carrier services, the seller's shipping rules, and the carrier accounts labels are bought with. */
function carrierRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get(
    '/carrier/services',
    {
      schema: {
        tags: ['pack'],
        summary: 'The carrier services in use (imported contract, else the SAMPLE services)',
        response: { 200: carrierServices },
      },
    },
    async () => listCarrierServices(ctx),
  );
  app.get(
    '/carrier/rules',
    {
      schema: {
        tags: ['pack'],
        summary: "The seller's shipping rules, in order (first match wins)",
        response: { 200: shippingRules },
      },
    },
    async () => ({ items: await listShippingRules(ctx) }),
  );
  app.put<{ Body: unknown[] }>('/carrier/rules', {
    schema: {
      tags: ['pack'],
      summary: "Replace the seller's shipping rules (validated whole)",
      body: { type: 'array', items: { type: 'object', additionalProperties: true } },
      response: { 200: shippingRules, 400: errorSchema },
    },
    handler: async (request) => ({ items: await setShippingRules(ctx, request.body) }),
  });
  app.get(
    '/carrier/accounts',
    {
      schema: {
        tags: ['pack'],
        summary: 'The carrier accounts labels are bought with (keys shown masked)',
        response: { 200: carrierAccounts },
      },
    },
    async () => ({ items: await listCarrierAccounts(ctx) }),
  );
  app.put<{
    Params: { carrier: string };
    Body: { protocol?: string; url?: string; account_id: string; api_key?: string };
  }>('/carrier/accounts/:carrier', {
    schema: {
      tags: ['pack'],
      summary:
        "Add or replace the account a carrier's labels are bought with (* for every carrier without its own): its API (yunexpress, 4px), address, account id and secret (stored encrypted); or the platform's online logistics (aliexpress-online), which needs only the seller centre's sender address id as account_id",
      body: {
        type: 'object',
        additionalProperties: false,
        // url and api_key: required by the carriers' own APIs (named as the field when missing), not by online logistics.
        required: ['account_id'],
        properties: {
          protocol: { type: 'string' },
          url: { type: 'string' },
          account_id: { type: 'string' },
          api_key: { type: 'string' },
        },
      },
      response: { 200: ref('CarrierAccount'), 400: errorSchema },
    },
    handler: async (request) => {
      const b = request.body;
      await setCarrierAccount(ctx, {
        carrier: request.params.carrier,
        protocol: b.protocol ?? 'yunexpress',
        baseUrl: b.url ?? '',
        accountId: b.account_id,
        apiKey: b.api_key ?? '',
      });
      return (await listCarrierAccounts(ctx)).find((a) => a.carrier === request.params.carrier);
    },
  });
}
