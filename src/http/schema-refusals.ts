/**
 * A request Fastify refused before a route ran, said in both languages: a field the route's JSON schema refused
 * (the checker's own message is English, "must be >= 1": the English answer keeps it, the Chinese one says the same
 * rule through core/field-refusals.ts, with the value the request sent), and a body it could not read (not JSON,
 * empty, too large, of a type no route takes), whose English is Fastify's.
 */
import type { FastifyRequest } from 'fastify';
import {
  fieldRefusal,
  mustBeKind,
  mustBeMultipleOf,
  mustBeOneOf,
  mustBeWithin,
  mustHaveFormat,
  mustMatch,
  requiredField,
  unknownField,
  type Requirement,
} from '../core/field-refusals';
import { localized, type Localized } from '../core/i18n';

/** One error of the schema checker (ajv), as Fastify hands it on. */
export interface SchemaError {
  instancePath: string;
  keyword: string;
  params: Record<string, unknown>;
  message?: string;
}

function requirementOf(error: SchemaError): Requirement | undefined {
  const { keyword, params } = error;
  const limit = Number(params.limit);
  switch (keyword) {
    case 'type':
      return mustBeKind(String(params.type).split(',')[0]!);
    case 'minimum':
    case 'exclusiveMinimum':
      return mustBeWithin('min', 'number', limit, { inclusive: keyword === 'minimum' });
    case 'maximum':
    case 'exclusiveMaximum':
      return mustBeWithin('max', 'number', limit, { inclusive: keyword === 'maximum' });
    case 'minLength':
      return mustBeWithin('min', 'string', limit);
    case 'maxLength':
      return mustBeWithin('max', 'string', limit);
    case 'minItems':
      return mustBeWithin('min', 'array', limit);
    case 'maxItems':
      return mustBeWithin('max', 'array', limit);
    case 'enum':
      return Array.isArray(params.allowedValues) ? mustBeOneOf(params.allowedValues) : undefined;
    case 'const':
      return mustBeOneOf([params.allowedValue]);
    case 'pattern':
      return mustMatch(String(params.pattern));
    case 'format':
      return mustHaveFormat(String(params.format));
    case 'multipleOf':
      return mustBeMultipleOf(Number(params.multipleOf));
    default:
      return undefined;
  }
}

/** The value at a schema error's place in the request part it checked (`body`, `querystring`, `params`). */
function valueAt(request: FastifyRequest, context: string | undefined, instancePath: string): unknown {
  const part =
    context === 'querystring'
      ? request.query
      : context
        ? (request as unknown as Record<string, unknown>)[context]
        : undefined;
  let value: unknown = part;
  for (const key of instancePath.split('/').filter(Boolean)) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[key.replaceAll('~1', '/').replaceAll('~0', '~')];
  }
  return value;
}

/** The refused field's dotted path (`body.lines.0.quantity`) and what is wrong with it. */
export function schemaRefusal(
  request: FastifyRequest,
  context: string | undefined,
  error: SchemaError,
): { path: string; message: Localized } {
  const missing = error.params.missingProperty as string | undefined;
  const extra = error.params.additionalProperty as string | undefined;
  const path = [context, ...error.instancePath.split('/').filter(Boolean), missing ?? extra].filter(Boolean).join('.');
  if (extra) return { path, message: unknownField(extra) };
  if (missing)
    return { path, message: localized(`${path} ${error.message ?? 'is required'}.`, requiredField(path)['zh-CN']) };
  const requirement = requirementOf(error);
  const zh = requirement
    ? fieldRefusal(path, requirement, valueAt(request, context, error.instancePath))['zh-CN']
    : `${path} 无效。`;
  return { path, message: localized(`${path} ${error.message ?? 'is invalid'}.`, zh) };
}

/** What Fastify's refusals of a body or an address say, in Chinese (the English is Fastify's own message). */
const REQUEST_REFUSALS_ZH: Readonly<Record<string, string>> = {
  FST_ERR_CTP_INVALID_JSON_BODY: '请求体不是有效的 JSON：请检查括号、引号和逗号。',
  FST_ERR_CTP_EMPTY_JSON_BODY: '请求声明内容为 JSON，但请求体为空。',
  FST_ERR_CTP_BODY_TOO_LARGE: '请求体过大，未处理。',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: '不支持该请求的内容类型（Content-Type）。',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: '请求体的长度与 Content-Length 不符。',
  FST_ERR_BAD_URL: '请求的网址无效。',
};

/** A refusal of Fastify's own (a body it could not read, a bad address) in both languages; its English kept. */
export function requestRefusal(error: { code?: string; message: string }): Localized {
  const zh = error.code ? REQUEST_REFUSALS_ZH[error.code] : undefined;
  return localized(error.message, zh ?? `请求被拒绝：${error.message}`);
}
