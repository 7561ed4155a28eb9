/**
 * POST /orders/import (an order file's bytes, CSV or XLSX) and GET /orders/export.xlsx (the filtered order list).
 * The upload reads the body as bytes in its own scope; JSON routes elsewhere keep their parser.
 */
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../app/context';
import { ValidationError } from '../../app/errors';
import { exportOrders, importUploadedOrders } from '../../app/order-files';
import { localized, pickLocale } from '../../core/i18n';
import type { ImportIssue } from '../../core/order-input';
import { ORDER_STATES } from '../../core/order';
import { shopFilter } from '../access';
import { errorBody } from '../errors';
import { errorSchema } from '../schemas/common';
import { orderFileImported } from '../schemas/system';

const UPLOAD_LIMIT_BYTES = 64 * 1024 * 1024;
const list = (value: string | undefined) =>
  value
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);

export function orderFileRoutes(app: FastifyInstance, ctx: AppContext): void {
  void app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: UPLOAD_LIMIT_BYTES }, (_request, body, done) =>
      done(null, body),
    );
    scope.post<{ Querystring: { shop: string; filename: string }; Body: Buffer }>('/orders/import', {
      schema: {
        tags: ['orders'],
        summary:
          "Import an order file (the body is the file's bytes, CSV or XLSX, with the import template's columns): the same whole-file import as the CLI's. 200 with the report when imported; 422 with every problem's row and field when any row is wrong, and nothing imported",
        querystring: {
          type: 'object',
          required: ['shop', 'filename'],
          additionalProperties: false,
          properties: {
            shop: { type: 'string', minLength: 1, maxLength: 64 },
            filename: { type: 'string', minLength: 1, maxLength: 255 },
          },
        },
        response: { 200: orderFileImported, 400: errorSchema, 422: errorSchema },
      },
      handler: async (request, reply) => {
        const bytes = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
        const report = await importUploadedOrders(ctx, {
          shopId: request.query.shop,
          filename: request.query.filename,
          bytes,
          actor: request.access.actor,
        });
        if (report.committed) return report;
        const locale = pickLocale(request.headers['accept-language']);
        return reply.status(422).send(
          errorBody(
            request,
            'import_refused',
            localized(
              `The file was not imported: ${report.issueCount} problem(s) below. Correct those rows and upload the whole file again.`,
              `文件未导入：共 ${report.issueCount} 个问题（见下）。请改正这些行后重新上传整个文件。`,
            ),
            {
              issues: report.issues.map((i) => ({
                row: i.row,
                path: i.field,
                message: i.message[locale],
                messages: i.message,
              })),
              report,
            },
          ),
        );
      },
    });
  });

  app.get<{ Querystring: { shop?: string; status?: string; warehouse?: string; carrier?: string } }>(
    '/orders/export.xlsx',
    {
      schema: {
        tags: ['orders'],
        summary:
          'The order list (the same filters as GET /orders, by deadline) as an XLSX workbook; text cells that a spreadsheet would run as formulas are escaped',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            shop: { type: 'string' },
            status: { type: 'string' },
            warehouse: { type: 'string' },
            carrier: { type: 'string' },
          },
        },
        response: { 400: errorSchema },
      },
      handler: async (request, reply) => {
        const q = request.query;
        const statuses = list(q.status);
        const unknown = statuses?.find((s) => !(ORDER_STATES as readonly string[]).includes(s));
        if (unknown) {
          const issue: ImportIssue = {
            row: 0,
            field: 'status',
            message: localized(
              `"${unknown}" is not a state (${ORDER_STATES.join(', ')}).`,
              `「${unknown}」不是有效状态（${ORDER_STATES.join('、')}）。`,
            ),
          };
          throw new ValidationError([issue]);
        }
        const { bytes, count } = await exportOrders(ctx, {
          shopIds: shopFilter(request, q.shop),
          statuses,
          warehouseIds: list(q.warehouse),
          carriers: list(q.carrier),
        });
        return reply
          .header('content-type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
          .header('content-disposition', 'attachment; filename="orders.xlsx"')
          .header('x-order-count', String(count))
          .send(bytes);
      },
    },
  );
}
