/**
 * The gateway error classifier (pure): which envelopes it reads, and its invariants over any error body.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classifyGatewayError, readGatewayError } from '../../src/integrations/aliexpress/gateway-errors';

const CODES = [
  'ApiCallLimit',
  'IllegalAccessToken',
  'IncompleteSignature',
  'IllegalTimestamp',
  'isp.unknown-error',
  'isv.order-status-error',
  'ServiceUnavailable',
  'InvalidParameter',
  'MissingParameter',
  'InvalidApi',
  'SomethingNew',
  '7',
  '10',
  '15',
  '21',
  '25',
  '27',
  '31',
  '41',
  '99',
];
const SUB_CODES = [
  undefined,
  'isp.top-remote-connection-timeout',
  'isp.remote-service-error',
  'isv.invalid-parameter',
  'isv.order-not-found',
  'accesscontrol.limited-by-app-api-access-count',
  'invalid-sessionkey',
];

const errorBody = fc
  .record({
    wrapped: fc.boolean(),
    type: fc.constantFrom(undefined, 'ISV', 'ISP', 'SYSTEM'),
    code: fc.constantFrom(...CODES),
    numeric: fc.boolean(),
    sub: fc.constantFrom(...SUB_CODES),
    msg: fc.constantFrom('', 'x', 'this ban will last 3 seconds', 'This ban will last for 71 more seconds'),
  })
  .map(({ wrapped, type, code, numeric, sub, msg }) => {
    const fields: Record<string, unknown> = {
      code: numeric && /^\d+$/.test(code) ? Number(code) : code,
      request_id: 'r',
    };
    if (type) fields.type = type;
    if (sub) fields.sub_code = sub;
    fields[wrapped ? 'msg' : 'message'] = msg;
    return wrapped ? { error_response: fields } : fields;
  });

describe('gateway errors', () => {
  it('reads the /sync, TOP and /rest envelopes, and no success answer', () => {
    expect(
      readGatewayError({
        error_response: { type: 'ISV', code: 'IllegalAccessToken', msg: 'expired', request_id: 'a' },
      }),
    ).toMatchObject({
      envelope: 'error_response',
      type: 'ISV',
      code: 'IllegalAccessToken',
      msg: 'expired',
      requestId: 'a',
    });
    expect(
      readGatewayError({
        error_response: { code: 15, msg: 'Remote service error', sub_code: 'isp.x', sub_msg: 'down' },
      }),
    ).toMatchObject({
      code: '15',
      numericCode: 15,
      subCode: 'isp.x',
      msg: 'down',
    });
    expect(
      readGatewayError({ type: 'ISV', code: 'IncompleteSignature', message: 'bad', request_id: 'b' }),
    ).toMatchObject({ envelope: 'top_level', msg: 'bad' });
    expect(readGatewayError({ code: '0', access_token: 't', request_id: 'c' })).toBeUndefined();
    expect(
      readGatewayError({ aliexpress_solution_order_fulfill_response: { result: { result_success: true } } }),
    ).toBeUndefined();
    expect(readGatewayError({ aliexpress_x_response: {}, code: 'leftover' })).toBeUndefined();
    expect(readGatewayError('error')).toBeUndefined();
  });

  it('property: a read is never "read back", a write is never retried unless nothing was applied', () => {
    fc.assert(
      fc.property(errorBody, (body) => {
        const error = readGatewayError(body)!;
        expect(error).toBeDefined();
        const read = classifyGatewayError(error, 'read');
        const write = classifyGatewayError(error, 'write');
        expect(read.class).not.toBe('read_back');
        if (write.class === 'retry') expect(['rate_limited', 'server_error']).toContain(write.reason);
        // Reads and writes differ only where the effect of a write is unknown.
        if (write.class === 'read_back') expect(read).toEqual({ class: 'retry', reason: 'server_error' });
        else expect(read).toEqual(write);
      }),
      { numRuns: 500 },
    );
  });

  it('property: the same code in either envelope gets the same class', () => {
    fc.assert(
      fc.property(errorBody, fc.constantFrom('read' as const, 'write' as const), (body, kind) => {
        const fields = ('error_response' in body ? body.error_response : body) as Record<string, unknown>;
        const { msg, message, ...rest } = fields;
        const text = msg ?? message;
        const sync = readGatewayError({ error_response: { ...rest, msg: text } })!;
        const rest2 = readGatewayError({ ...rest, message: text })!;
        expect(classifyGatewayError(sync, kind)).toEqual(classifyGatewayError(rest2, kind));
      }),
      { numRuns: 300 },
    );
  });

  it('a call limit waits out the ban it names; tokens ask for authorisation; isp.* on a write is read back', () => {
    const classify = (body: unknown, kind: 'read' | 'write' = 'write') =>
      classifyGatewayError(readGatewayError(body)!, kind);
    expect(classify({ error_response: { code: 'ApiCallLimit', msg: 'this ban will last 3 seconds' } })).toEqual({
      class: 'retry',
      reason: 'rate_limited',
      retryAfterMs: 3000,
    });
    expect(
      classify({
        error_response: {
          code: 7,
          msg: 'App Call Limited',
          sub_code: 'accesscontrol.x',
          sub_msg: 'This ban will last for 71 more seconds',
        },
      }),
    ).toEqual({ class: 'retry', reason: 'rate_limited', retryAfterMs: 71_000 });
    expect(classify({ error_response: { type: 'ISV', code: 'IllegalAccessToken', msg: 'x' } })).toEqual({
      class: 'reauthorise',
    });
    expect(classify({ error_response: { code: 27, msg: 'Invalid session' } })).toEqual({ class: 'reauthorise' });
    expect(classify({ error_response: { type: 'ISP', code: 'isp.unknown-error', msg: 'x' } })).toEqual({
      class: 'read_back',
      reason: 'server_error',
    });
    expect(classify({ error_response: { code: 15, msg: 'x', sub_code: 'isp.top-remote-connection-timeout' } })).toEqual(
      { class: 'read_back', reason: 'upstream_timeout' },
    );
    expect(classify({ error_response: { code: 15, msg: 'x', sub_code: 'isv.order-not-found' } })).toEqual({
      class: 'permanent',
      reason: 'not_found',
    });
    expect(classify({ error_response: { type: 'ISV', code: 'IncompleteSignature', msg: 'x' } })).toEqual({
      class: 'permanent',
      reason: 'signature',
    });
  });
});
