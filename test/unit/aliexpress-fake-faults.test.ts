/**
 * The fake marketplace's injected gateway errors (bench/outbox.ts draws them at 20 %): a body with a `count` is drawn
 * at most that many times, then only the others are; an unreadable answer is an HTML page or the answer cut off,
 * and neither parses as JSON.
 */
import { describe, expect, it } from 'vitest';
import { FaultInjector, injectedAnswer, type Injected } from '../../src/integrations/aliexpress/fake-faults';

const limit = { error_response: { type: 'ISV', code: 'ApiCallLimit', msg: 'ban 1 seconds', request_id: 'x' } };
const token = { error_response: { type: 'ISV', code: 'IllegalAccessToken', msg: 'expired', request_id: 'x' } };

const isToken = (p: Injected) => 'body' in p && (p.body as typeof token).error_response.code === 'IllegalAccessToken';

function draws(faults: FaultInjector, n: number): Injected[] {
  const picked: Injected[] = [];
  for (let i = 0; i < n; i++) {
    const one = faults.pickInjectedError();
    if (one) picked.push(one);
  }
  return picked;
}

describe('fake gateway-error injection', () => {
  it('draws a counted body at most its count, and the others as often as asked', () => {
    const faults = new FaultInjector(1);
    faults.set({
      seed: 9,
      gatewayError: {
        probability: 1,
        bodies: [
          { body: limit, commit: 'before' },
          { body: token, commit: 'before', count: 2 },
        ],
      },
    });
    const picked = draws(faults, 200);
    expect(picked).toHaveLength(200);
    const tokens = picked.filter(isToken).length;
    expect(tokens).toBe(2);
    // Setting the faults again starts the counts again.
    faults.set(faults.config);
    expect(draws(faults, 200).filter(isToken)).toHaveLength(2);
  });

  it('draws nothing once every body is used up', () => {
    const faults = new FaultInjector(1);
    faults.set({ gatewayError: { probability: 1, bodies: [{ body: token, commit: 'before', count: 1 }] } });
    expect(draws(faults, 5)).toHaveLength(1);
  });

  it('answers a body with the request id, an HTML page, or the answer cut off', () => {
    const texts = {
      answered: JSON.stringify({ ok: { result: { result_success: true } } }),
      unapplied: () => '{"error_response":{}}',
    };
    const body = injectedAnswer({ body: limit, commit: 'before' }, 'req-1', texts);
    expect(JSON.parse(body.text)).toEqual({ error_response: { ...limit.error_response, request_id: 'req-1' } });
    const page = injectedAnswer({ unreadable: 'not_json', commit: 'random' }, 'req-2', texts);
    expect(page).toMatchObject({ status: 200, contentType: 'text/html' });
    const cut = injectedAnswer({ unreadable: 'cut_off', commit: 'after' }, 'req-3', texts);
    expect(texts.answered.startsWith(cut.text)).toBe(true);
    expect(cut.text.length).toBeLessThan(texts.answered.length);
    for (const text of [page.text, cut.text]) expect(() => JSON.parse(text)).toThrow();
    // Not applied: the unapplied answer, cut.
    const cutBefore = injectedAnswer({ unreadable: 'cut_off', commit: 'before' }, 'req-4', {
      unapplied: texts.unapplied,
    });
    expect('{"error_response":{}}'.startsWith(cutBefore.text)).toBe(true);
  });
});
