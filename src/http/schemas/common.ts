/**
 * Building blocks of the response schemas: the shapes the API answers, declared on the routes so Fastify
 * serialises by them and /docs (OpenAPI) describes them; the dashboard's types are generated from that document
 * (scripts/openapi.mjs → web/src/api-types.gen.ts). A field missing here is dropped from the answer, so every
 * field a handler returns is listed; an open shape says so (`open`).
 */
export type Schema = Record<string, unknown>;

export const str: Schema = { type: 'string' };
export const strOrNull: Schema = { type: ['string', 'null'] };
export const num: Schema = { type: 'number' };
export const numOrNull: Schema = { type: ['number', 'null'] };
export const bool: Schema = { type: 'boolean' };
/** Any JSON value (stored data the API passes through). */
export const anyValue: Schema = {};

/** An object with exactly these fields, each always present except the `optional` ones. */
export function object(properties: Record<string, Schema>, optional: readonly string[] = []): Schema {
  return {
    type: 'object',
    additionalProperties: false,
    required: Object.keys(properties).filter((k) => !optional.includes(k)),
    properties,
  };
}

/** The same object, or null. */
export function orNull(schema: Schema): Schema {
  if (typeof schema.$ref === 'string') return { anyOf: [schema, { type: 'null' }] };
  return { ...schema, type: [schema.type, 'null'] };
}

export function list(items: Schema): Schema {
  return { type: 'array', items };
}

/** A map from names to values of one shape. */
export function record(values: Schema): Schema {
  return { type: 'object', additionalProperties: values };
}

/** An object with these fields and possibly others (their shape is not the dashboard's concern). */
export function open(properties: Record<string, Schema>, optional: readonly string[] = []): Schema {
  return { ...object(properties, optional), additionalProperties: true };
}

export function enumOf(values: readonly string[]): Schema {
  return { type: 'string', enum: [...values] };
}

/** A reference to a named schema (registered with `addSchema`, listed in the document's components). */
export function ref(id: string): Schema {
  return { $ref: `${id}#` };
}

/** `{ items: [...] }`, the API's list answer. */
export function items(of: Schema, more: Record<string, Schema> = {}): Schema {
  return object({ items: list(of), ...more });
}

export const Localized = object({ en: str, 'zh-CN': str });
export const Money = object({ amount: num, currency: str });

/** Length, width and height in mm. */
export const mm3: Schema = { type: 'array', items: [num, num, num], minItems: 3, maxItems: 3 };

/**
 * Every error answer (http/errors.ts errorBody): `{ error: { code, message, messages, ... } }`, the extra fields
 * of each kind (issues, rule, state, retry_after_seconds, a station refusal's details) passed as they are.
 */
export const errorSchema: Schema = {
  type: 'object',
  properties: {
    error: {
      type: 'object',
      additionalProperties: true,
      properties: { code: str, message: str, messages: ref('Localized') },
    },
  },
};
