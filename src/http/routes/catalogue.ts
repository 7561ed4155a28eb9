/**
 * The first run and the catalogue in the dashboard (issue 17): the setup checklist, the account owner's first shop
 * for file imports, warehouses, seller SKUs whole (size, weight, barcode, customs), the marketplace-SKU pairing with
 * bundles. The XLSX templates to download and upload (SKUs, stock counts) are in catalogue-files.ts.
 */
import type { FastifyInstance } from 'fastify';
import {
  addFileShop,
  customsOf,
  listCatalogueSkus,
  notYours,
  saveAccountWarehouse,
  saveCatalogueSkus,
  warehouseOfAnotherAccount,
} from '../../app/catalogue';
import type { AppContext } from '../../app/context';
import { ForbiddenError } from '../../app/errors';
import { setupStatus } from '../../app/setup-status';
import { listMappings, listWarehouses, mapPlatformSku } from '../../app/stock';
import { normaliseBin } from '../../core/bin-location';
import { localized } from '../../core/i18n';
import { toIso } from '../../core/time';
import { isInstallationOwner } from '../access';
import { errorSchema, ref } from '../schemas/common';
import { catalogueSkus, shopCreated, skuMappings, warehouseList, warehouseSaved } from '../schemas/catalogue';

const dims = { type: 'array', items: { type: ['integer', 'null'] }, minItems: 3, maxItems: 3 } as const;
export function catalogueRoutes(app: FastifyInstance, ctx: AppContext): void {
  firstRunRoutes(app, ctx);
  warehouseRoutes(app, ctx);
  catalogueSkuRoutes(app, ctx);
  skuMappingRoutes(app, ctx);
}

/** The first run: the setup checklist, and a shop added for order files. */
function firstRunRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get<{ Querystring: { shop?: string } }>('/setup', {
    schema: {
      tags: ['setup'],
      summary:
        "The first-run checklist of a shop (default: your first): each step done or missing, decided from the data, with the screen that sets it; the installation's owner also gets the optional tracking provider step",
      querystring: { type: 'object', additionalProperties: false, properties: { shop: { type: 'string' } } },
      response: { 200: ref('SetupStatus') },
    },
    handler: async (request) => {
      const status = await setupStatus(ctx, {
        ...(request.query.shop ? { shopId: request.query.shop } : {}),
        ...(request.access.shops ? { shops: request.access.shops } : {}),
        ...(request.access.warehouses ? { warehouses: request.access.warehouses } : {}),
        installationOwner: isInstallationOwner(request),
      });
      return {
        shop_id: status.shopId,
        complete: status.complete,
        steps: status.steps.map((s) => ({
          step: s.step,
          done: s.done,
          screen: s.screen,
          blocks: s.blocks,
          optional: s.optional,
          missing: s.missing,
        })),
      };
    },
  });

  app.post<{ Body: { id: string; name?: string } }>('/shops', {
    schema: {
      tags: ['setup'],
      summary: "Add a shop to your account for order files (no marketplace API): the account's owner only",
      body: {
        type: 'object',
        additionalProperties: false,
        required: ['id'],
        properties: { id: { type: 'string', minLength: 1, maxLength: 64 }, name: { type: 'string', maxLength: 200 } },
      },
      response: { 201: shopCreated, 400: errorSchema, 403: errorSchema, 409: errorSchema },
    },
    handler: async (request, reply) => {
      const principal = request.principal;
      if (principal && !principal.accountOwner)
        throw new ForbiddenError(localized("Only the account's owner adds shops.", '只有账户所有者可以添加店铺。'));
      await addFileShop(ctx, principal?.accountId ?? 'default', {
        id: request.body.id,
        ...(request.body.name !== undefined ? { name: request.body.name } : {}),
      });
      return reply.status(201).send({ id: request.body.id.trim() });
    },
  });
}

/** The account's warehouses: listed, added or changed. */
function warehouseRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get('/warehouses', {
    schema: {
      tags: ['stock'],
      summary: "Your account's warehouses: kind, country, time zone, daily cut-off and the next one",
      response: { 200: warehouseList },
    },
    handler: async (request) => {
      const mine = request.access.warehouses;
      return {
        items: (await listWarehouses(ctx))
          .filter((w) => !mine || mine.includes(w.id))
          .map((w) => ({
            id: w.id,
            name: w.name,
            kind: w.kind,
            country: w.country,
            time_zone: w.time_zone,
            cutoff: w.cutoff_time,
            next_cutoff_at: toIso(w.next_cutoff_at),
          })),
      };
    },
  });

  app.put<{
    Params: { id: string };
    Body: { name?: string; kind: string; country?: string | null; time_zone: string; cutoff: string };
  }>('/warehouses/:id', {
    // Another account's warehouse is not there for the caller: 404 before the body is even read.
    preValidation: async (request) => {
      const principal = request.principal;
      if (principal && (await warehouseOfAnotherAccount(ctx, principal.accountId, request.params.id)))
        throw notYours(request.params.id);
    },
    schema: {
      tags: ['stock'],
      summary:
        'Add or change a warehouse of your account: kind (domestic, overseas), country, time zone and the daily cut-off (HH:MM)',
      body: {
        type: 'object',
        additionalProperties: false,
        required: ['kind', 'time_zone', 'cutoff'],
        properties: {
          name: { type: 'string', maxLength: 200 },
          kind: { type: 'string' },
          country: { type: ['string', 'null'] },
          time_zone: { type: 'string' },
          cutoff: { type: 'string' },
        },
      },
      response: { 200: warehouseSaved, 400: errorSchema, 404: errorSchema },
    },
    handler: async (request) => {
      const b = request.body;
      await saveAccountWarehouse(ctx, request.principal?.accountId ?? 'default', {
        id: request.params.id,
        ...(b.name !== undefined ? { name: b.name } : {}),
        kind: b.kind,
        country: b.country ?? null,
        timeZone: b.time_zone,
        cutoffTime: b.cutoff,
      });
      return { id: request.params.id };
    },
  });
}

/** The seller SKUs whole: listed, added or changed. */
function catalogueSkuRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get(
    '/catalogue/skus',
    {
      schema: {
        tags: ['stock'],
        summary: 'The seller SKUs with size, weight, barcode and customs (null where not set)',
        response: { 200: catalogueSkus },
      },
    },
    async () => ({ items: await listCatalogueSkus(ctx) }),
  );

  app.put<{
    Params: { sku: string };
    Body: {
      name?: string;
      dims_mm: [number, number, number];
      weight_g: number | null;
      barcode?: string | null;
      hs_code?: string | null;
      customs_description?: string | null;
      customs_value?: number | null;
      customs_currency?: string | null;
      bin_location?: string | null;
    };
  }>('/catalogue/skus/:sku', {
    schema: {
      tags: ['stock'],
      summary:
        'Add or change a seller SKU whole: name, unit size and weight, item barcode, HS code, customs description and value per unit (minor units), bin location',
      body: {
        type: 'object',
        additionalProperties: false,
        required: ['dims_mm', 'weight_g'],
        properties: {
          name: { type: 'string', maxLength: 200 },
          dims_mm: dims,
          weight_g: { type: ['integer', 'null'] },
          barcode: { type: ['string', 'null'] },
          hs_code: { type: ['string', 'null'] },
          customs_description: { type: ['string', 'null'] },
          customs_value: { type: ['integer', 'null'] },
          customs_currency: { type: ['string', 'null'] },
          bin_location: {
            type: ['string', 'null'],
            maxLength: 200,
            description: 'where the SKU is kept (e.g. A-03-2); null or blank: none; absent: unchanged',
          },
        },
      },
      response: { 200: ref('CatalogueSku'), 400: errorSchema },
    },
    handler: async (request) => {
      const b = request.body;
      await saveCatalogueSkus(
        ctx,
        [
          {
            sku: request.params.sku,
            ...(b.name !== undefined ? { name: b.name } : {}),
            dimsMm: b.dims_mm,
            weightG: b.weight_g as number,
            barcode: b.barcode ?? null,
            customs: customsOf(b),
            ...(b.bin_location !== undefined ? { bin: normaliseBin(b.bin_location) } : {}),
          },
        ],
        [0],
      );
      return (await listCatalogueSkus(ctx)).find((s) => s.sku === request.params.sku);
    },
  });
}

/** A shop's marketplace SKUs paired with seller SKUs (bundles too). */
function skuMappingRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get<{ Params: { shop: string } }>('/shops/:shop/sku-mappings', {
    schema: {
      response: { 200: skuMappings },
      tags: ['stock'],
      summary: "The shop's marketplace SKUs paired with seller SKUs (several components: a bundle)",
    },
    handler: async (request) => {
      const rows = await listMappings(ctx, request.params.shop);
      const by = new Map<string, Array<{ sku: string; units: number }>>();
      for (const r of rows) by.set(r.platform_sku, [...(by.get(r.platform_sku) ?? []), { sku: r.sku, units: r.units }]);
      return { items: [...by].map(([platform_sku, components]) => ({ platform_sku, components })) };
    },
  });

  app.put<{
    Params: { shop: string; platform_sku: string };
    Body: { components: Array<{ sku: string; units: number }> };
  }>('/shops/:shop/sku-mappings/:platform_sku', {
    schema: {
      tags: ['stock'],
      summary:
        'Pair a marketplace SKU with seller SKUs: one component, or several for a bundle; none removes the pairing',
      body: {
        type: 'object',
        additionalProperties: false,
        required: ['components'],
        properties: {
          components: {
            type: 'array',
            maxItems: 50,
            items: {
              type: 'object',
              additionalProperties: false,
              required: ['sku', 'units'],
              properties: { sku: { type: 'string' }, units: { type: 'integer' } },
            },
          },
        },
      },
      response: { 200: ref('SkuMapping'), 400: errorSchema, 404: errorSchema },
    },
    handler: async (request) => {
      await mapPlatformSku(ctx, request.params.shop, request.params.platform_sku, request.body.components);
      return { platform_sku: request.params.platform_sku, components: request.body.components };
    },
  });
}
