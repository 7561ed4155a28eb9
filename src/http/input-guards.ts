/**
 * Bad values are a 400 naming the field, never a 500 (issue 19, finding 11), checked before a route's schema runs:
 * - a NUL character in any text of the path, the query or a JSON body (PostgreSQL's text cannot hold one, and no
 *   field of shipby means one; refused on both backends alike);
 * - a number past what an id can be (2^53 − 1) where the route's schema declares an integer or number: the schema
 *   would coerce "9223372036854775808" to a float that PostgreSQL's bigint refuses.
 * - a JSON body nested deeper than MAX_NESTING levels (no field of shipby is; a body a hundred thousand levels deep
 *   parses, then overflows the stack of whatever walks it: a 500 before this guard);
 * `dataErrorIssue` is the net behind them: a PostgreSQL data exception (SQLSTATE class 22) that still reaches the
 * error handler becomes a 400 naming the request field whose value the database refused, when one can be found.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ValidationError } from '../app/errors';
import { localized } from '../core/i18n';
import { fieldIssue } from '../core/order-input';
import { parseInstant } from '../core/time';

const NUL = '\u0000';

/** The path of the first string holding a NUL, e.g. `query.shop`, `body.lines.0.sku`, or undefined. */
function nulPath(value: unknown, path: string, depth = 0): string | undefined {
  if (typeof value === 'string') return value.includes(NUL) ? path : undefined;
  if (depth > 32 || value === null || typeof value !== 'object' || Buffer.isBuffer(value)) return undefined;
  for (const [key, child] of Object.entries(value)) {
    if (key.includes(NUL)) return `${path}.${key.replaceAll(NUL, '\\0')}`;
    const found = nulPath(child, path ? `${path}.${key}` : key, depth + 1);
    if (found) return found;
  }
  return undefined;
}

/** How deep a request's values may nest (objects and arrays): far past any field of shipby, far short of the stack. */
export const MAX_NESTING = 32;

/** The path of the first value nested deeper than `limit` levels below `value`, e.g. `overrides.x.a.a`, or undefined. */
export function nestingPath(value: unknown, path: string, limit = MAX_NESTING, depth = 0): string | undefined {
  if (value === null || typeof value !== 'object' || Buffer.isBuffer(value)) return undefined;
  if (depth >= limit) return path;
  for (const [key, child] of Object.entries(value)) {
    const found = nestingPath(child, path ? `${path}.${key}` : key, limit, depth + 1);
    if (found) return found;
  }
  return undefined;
}

type Props = Record<string, { type?: string | string[] }>;
const numericFields = (schema: unknown): string[] => {
  const props = (schema as { properties?: Props } | undefined)?.properties;
  if (!props) return [];
  return Object.entries(props)
    .filter(([, s]) => [s.type].flat().some((t) => t === 'integer' || t === 'number'))
    .map(([name]) => name);
};

const tooBig = (raw: unknown) =>
  (typeof raw === 'string' || typeof raw === 'number') &&
  /^\s*[+-]?\d{16,}\s*$/.test(String(raw)) &&
  !Number.isSafeInteger(Number(raw));

function refuse(field: string, en: string, zh: string): ValidationError {
  return new ValidationError([{ row: 0, field, message: localized(en, zh) }]);
}

export function registerInputGuards(app: FastifyInstance): void {
  app.addHook('preValidation', async (request: FastifyRequest) => {
    for (const [where, source] of [
      ['params', request.params],
      ['query', request.query],
      ['body', request.body],
    ] as const) {
      const found = nulPath(source, '');
      if (found)
        throw refuse(
          found,
          `${found} contains a NUL character; remove it and send again.`,
          `${found} 含有 NUL 字符；请删除后重新提交。`,
        );
      const deep = nestingPath(source, '');
      if (deep !== undefined) {
        const field = deep || where;
        throw refuse(
          field,
          `${field} is nested more than ${MAX_NESTING} levels deep; no field takes that much nesting.`,
          `${field} 嵌套超过 ${MAX_NESTING} 层；没有字段需要这么深的嵌套。`,
        );
      }
      if (where === 'body') continue;
      const schema = request.routeOptions.schema?.[where === 'params' ? 'params' : 'querystring'];
      for (const field of numericFields(schema)) {
        const raw = (source as Record<string, unknown> | undefined)?.[field];
        if (tooBig(raw)) {
          throw refuse(
            field,
            `${field} "${String(raw)}" is too large: at most ${Number.MAX_SAFE_INTEGER}.`,
            `${field}「${String(raw)}」过大：最大为 ${Number.MAX_SAFE_INTEGER}。`,
          );
        }
      }
    }
  });
}

/** A PostgreSQL data exception as a 400 naming the request field it came from, or undefined when it is not one. */
export function dataErrorIssue(error: unknown, request: FastifyRequest): ValidationError | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || !code.startsWith('22')) return undefined;
  const message = error instanceof Error ? error.message : '';
  const quoted = /"([^"]*)"/.exec(message)?.[1];
  const fields: Array<[string, unknown]> = [];
  for (const source of [request.params, request.query, request.body]) {
    if (source && typeof source === 'object')
      for (const [key, value] of Object.entries(source)) fields.push([key, value]);
  }
  const nul = nulPath(Object.fromEntries(fields), '');
  const field =
    nul ??
    fields.find(
      ([, v]) => quoted !== undefined && (String(v) === quoted || (Array.isArray(v) && v.map(String).includes(quoted))),
    )?.[0] ??
    fields.find(([, v]) => tooBig(v))?.[0] ??
    'request';
  return refuse(
    field,
    `${field} holds a value the database cannot store or compare (${message.slice(0, 120)}); correct it and send again.`,
    `${field} 的值无法被数据库存储或比较（${message.slice(0, 120)}）；请更正后重新提交。`,
  );
}

/**
 * A body's time field (ISO 8601 with Z or an offset) as an instant; undefined when the field is absent. A text that
 * is not such a time is a 400 naming the field, with nothing changed.
 */
export function bodyInstant(field: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const parsed = parseInstant(value);
  if (parsed === undefined)
    throw new ValidationError([
      fieldIssue(
        field,
        `${field} "${value}" is not a time with a zone or offset.`,
        `${field}「${value}」不是带时区或偏移量的时间。`,
      ),
    ]);
  return parsed;
}
