/**
 * The catalogue's files in the dashboard (issue 17): the XLSX templates to download (SKUs, stock counts) and their
 * uploads, each refused whole with its rows and fields. The upload's bytes are the body, whatever their type.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppContext } from '../../app/context';
import { NotFoundError, ValidationError } from '../../app/errors';
import {
  CATALOGUE_TEMPLATES,
  catalogueTemplate,
  importSkuFile,
  type CatalogueTemplate,
} from '../../app/import-catalogue';
import { importStockFile } from '../../app/import-stock';
import { localized } from '../../core/i18n';
import { errorSchema } from '../schemas/common';
import { skusImported, stockImported } from '../schemas/catalogue';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const UPLOAD_MAX_BYTES = 16 * 1024 ** 2;

/** The uploaded bytes in a scratch file the file readers take (named as uploaded, for their messages), removed after. */
async function withUpload<T>(
  request: FastifyRequest<{ Querystring: { name?: string } }>,
  use: (file: string) => Promise<T>,
): Promise<T> {
  const body = request.body;
  if (!Buffer.isBuffer(body) || body.length === 0)
    throw new ValidationError([
      {
        row: 0,
        field: 'file',
        message: localized(
          'No file came with the upload: choose the filled-in template.',
          '上传中没有文件：请选择填好的模板。',
        ),
      },
    ]);
  const dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'shipby-upload-'));
  const name = path.basename(request.query.name ?? 'upload.xlsx').replace(/[^\w.-]/g, '_') || 'upload.xlsx';
  const file = path.join(dir, name);
  try {
    await fs.promises.writeFile(file, body);
    return await use(file);
  } finally {
    await fs.promises.rm(dir, { recursive: true, force: true });
  }
}

export function catalogueFileRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get<{ Params: { kind: string } }>('/catalogue/templates/:kind', {
    schema: {
      tags: ['stock'],
      summary: 'The XLSX template of a catalogue file to fill in (skus, stock)',
      response: { 404: errorSchema },
    },
    handler: async (request, reply) => {
      const kind = request.params.kind;
      if (!(CATALOGUE_TEMPLATES as readonly string[]).includes(kind))
        throw new NotFoundError(
          localized(`There is no template "${kind}" (skus, stock).`, `没有「${kind}」模板（skus、stock）。`),
        );
      return reply
        .header('content-type', XLSX)
        .header('content-disposition', `attachment; filename="shipby-${kind}.xlsx"`)
        .send(await catalogueTemplate(kind as CatalogueTemplate));
    },
  });

  // Uploads: the file's bytes as the body, whatever their type; the readers decide what they are.
  void app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: UPLOAD_MAX_BYTES }, (_request, body, done) =>
      done(null, body),
    );
    const upload = {
      querystring: {
        type: 'object',
        additionalProperties: false,
        properties: { name: { type: 'string', maxLength: 200 } },
      },
      response: { 400: errorSchema },
    } as const;

    scope.post<{ Querystring: { name?: string } }>('/catalogue/skus/imports', {
      schema: {
        tags: ['stock'],
        summary:
          'Upload the SKU template filled in (XLSX or CSV): all rows or none, each problem named with its row and field',
        ...upload,
        response: { 200: skusImported, 400: errorSchema },
      },
      handler: async (request) =>
        withUpload(request, async (file) => {
          const report = await importSkuFile(ctx, file);
          if (!report.committed) throw new ValidationError(report.issues);
          return { rows: report.rows };
        }),
    });

    scope.post<{ Querystring: { name?: string; warehouse?: string } }>('/stock/imports', {
      schema: {
        tags: ['stock'],
        summary:
          'Upload the stock count template filled in (XLSX or CSV): sets on hand per SKU and warehouse, all rows or none',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            name: { type: 'string', maxLength: 200 },
            warehouse: {
              type: 'string',
              description: 'the warehouse of every row (then the file needs no warehouse column)',
            },
          },
        },
        response: { 200: stockImported, 400: errorSchema },
      },
      handler: async (request) =>
        withUpload(request, async (file) => {
          const warehouse = request.query.warehouse;
          const report = await importStockFile(ctx, {
            file,
            actor: request.access.actor,
            ...(warehouse ? { warehouseId: warehouse } : {}),
            ...(request.access.warehouses ? { warehouseIds: request.access.warehouses } : {}),
          });
          if (!report.committed) throw new ValidationError(report.issues);
          return {
            rows: report.rows,
            changed: report.changed,
            unchanged: report.unchanged,
            served_orders: report.servedOrders,
          };
        }),
    });
  });
}
