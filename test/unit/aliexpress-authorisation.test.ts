/**
 * Seller authorisation, pure parts: the consent URL, the signed token calls as the official IOP SDK forms them, the
 * documented token answers (test/fixtures/aliexpress/auth, cited in its README) read into tokens, refusals and
 * unreadable answers; the refresh rule and the authorisation request's checks (core/shop-authorisation.ts).
 */
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  authorisationMachine,
  refreshAheadMs,
  refreshDue,
  stateProblem,
  stateProblemMessage,
  pausedNotice,
} from '../../src/core/shop-authorisation';
import { decide } from '../../src/core/state-machine';
import {
  authorizeUrl,
  readTokenAnswer,
  tokenRequest,
  TOKEN_CREATE,
  TOKEN_REFRESH,
} from '../../src/integrations/aliexpress/authorisation';
import { signIop } from '../../src/integrations/aliexpress/signing';

const FIXTURES = path.resolve(__dirname, '../fixtures/aliexpress/auth');
const fixture = (name: string) => fs.readFileSync(path.join(FIXTURES, name), 'utf8');
const DAY = 86_400_000;

describe('the consent URL', () => {
  it('is the documented one, with the app key, the callback and a state', () => {
    const documented = new URL((JSON.parse(fixture('authorize-url.json')) as { url: string }).url);
    const ours = new URL(
      authorizeUrl('https://api-sg.aliexpress.com', {
        appKey: '34271827',
        redirectUri: 'https://shipby.example/marketplace/aliexpress/callback',
        state: 'abc',
      }),
    );
    expect(ours.origin + ours.pathname).toBe(documented.origin + documented.pathname);
    expect([...ours.searchParams.keys()].sort()).toEqual([...documented.searchParams.keys(), 'state'].sort());
    expect(ours.searchParams.get('response_type')).toBe('code');
    expect(ours.searchParams.get('force_auth')).toBe('true');
    expect(ours.searchParams.get('client_id')).toBe('34271827');
    expect(ours.searchParams.get('redirect_uri')).toBe('https://shipby.example/marketplace/aliexpress/callback');
    expect(ours.searchParams.get('state')).toBe('abc');
  });
});

describe('the token calls', () => {
  for (const [file, api] of [
    ['token-create.request.json', TOKEN_CREATE],
    ['token-refresh.request.json', TOKEN_REFRESH],
  ] as const) {
    it(`${api}: posted to /rest${api}, signed over the API path and the sorted parameters (as the SDK signs)`, () => {
      const documented = JSON.parse(fixture(file)) as { url: string; params: Record<string, string> };
      const call =
        api === TOKEN_CREATE
          ? { api, code: documented.params.code! }
          : { api, refreshToken: documented.params.refresh_token! };
      const { url, body } = tokenRequest(
        'https://api-sg.aliexpress.com/',
        { appKey: 'key', appSecret: 'secret' },
        call,
        1_700_000_000_000,
      );
      expect(url).toBe(`${documented.url}${api}`);
      const sent = Object.fromEntries(new URLSearchParams(body));
      expect(sent).toMatchObject({
        ...documented.params,
        app_key: 'key',
        sign_method: 'sha256',
        timestamp: '1700000000000',
      });
      const { sign, ...signed } = sent;
      expect(sign).toBe(signIop('secret', api, signed));
      // The message the SDK signs: the API path, then name+value sorted by name.
      const message =
        api +
        Object.keys(signed)
          .sort()
          .map((k) => k + signed[k])
          .join('');
      expect(sign).toMatch(/^[0-9A-F]{64}$/);
      expect(message.startsWith(`${api}app_key`)).toBe(true);
    });
  }
});

describe('reading a token answer', () => {
  it('the documented /auth/token/create answer gives both tokens and their ends', () => {
    const answer = readTokenAnswer(200, fixture('token-create.response.json'), 0);
    expect(answer).toEqual({
      type: 'tokens',
      requestId: '2141244f17116066265020000',
      tokens: {
        accessToken: 'Your-accesstoken',
        refreshToken: 'Your-refreshtoken',
        accessExpiresAt: 1711693026000,
        refreshExpiresAt: 1711779426000,
        account: 'Your-accont',
        sellerId: 'Your-sellerID',
      },
    });
  });

  it('the documented /auth/token/refresh answer (its tokens blanked by the documentation) is unreadable; with tokens, read', () => {
    const text = fixture('token-refresh.response.json');
    expect(readTokenAnswer(200, text, 0)).toEqual({
      type: 'unreadable',
      detail: 'the answer lacks access_token, refresh_token',
    });
    const filled = JSON.stringify({ ...JSON.parse(text), access_token: 'A', refresh_token: 'R' });
    const answer = readTokenAnswer(200, filled, 0);
    expect(answer.type === 'tokens' && answer.tokens).toMatchObject({
      accessExpiresAt: 1714192160000,
      refreshExpiresAt: 1716784148000,
      account: 'ae_test_u0000@163.com',
      sellerId: '2637908814',
    });
  });

  it('without the instants, the lifetimes in seconds count from now; refresh_expires_in 0 means not refreshable', () => {
    const answer = readTokenAnswer(
      200,
      JSON.stringify({ access_token: 'A', refresh_token: 'R', expires_in: '86400', refresh_expires_in: 0, code: '0' }),
      1000,
    );
    expect(answer.type === 'tokens' && answer.tokens).toMatchObject({
      accessExpiresAt: 1000 + DAY,
      refreshExpiresAt: 0,
    });
  });

  it('a /rest refusal keeps the platform code and words', () => {
    expect(
      readTokenAnswer(
        200,
        JSON.stringify({
          type: 'ISV',
          code: 'IllegalRefreshToken',
          message: 'The specified refresh token is invalid or expired',
          request_id: 'x',
        }),
        0,
      ),
    ).toEqual({
      type: 'refused',
      code: 'IllegalRefreshToken',
      message: 'The specified refresh token is invalid or expired',
      requestId: 'x',
    });
  });

  it('not JSON, cut off, empty, or a gateway failure: nothing is concluded', () => {
    expect(readTokenAnswer(200, '<html>502 Bad Gateway</html>', 0).type).toBe('unreadable');
    expect(readTokenAnswer(200, fixture('token-create.response.json').slice(0, 60), 0).type).toBe('unreadable');
    expect(readTokenAnswer(200, '', 0)).toEqual({ type: 'unreadable', detail: 'HTTP 200, empty answer' });
    expect(readTokenAnswer(503, '', 0).type).toBe('unavailable');
    expect(readTokenAnswer(429, '{}', 0).type).toBe('unavailable');
  });

  it('any cut of a good answer is never read as tokens (property)', () => {
    const text = fixture('token-create.response.json');
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: text.length - 3 }),
        (cut) => readTokenAnswer(200, text.slice(0, cut), 0).type !== 'tokens',
      ),
    );
  });
});

describe('when to refresh', () => {
  it('within the window before the access token ends, never more than half its life ahead', () => {
    const issued = 0;
    const times = { accessExpiresAt: 30 * DAY, issuedAt: issued, refreshExpiresAt: 60 * DAY };
    expect(refreshDue(times, 26 * DAY, 3 * DAY)).toBe(false);
    expect(refreshDue(times, 27 * DAY, 3 * DAY)).toBe(true);
    // a test-status app: 1-day token, refreshed in its second half rather than at every tick
    expect(refreshAheadMs(DAY, 3 * DAY)).toBe(DAY / 2);
    expect(refreshDue({ accessExpiresAt: DAY, issuedAt: 0, refreshExpiresAt: 2 * DAY }, DAY / 2 - 1, 3 * DAY)).toBe(
      false,
    );
    expect(refreshDue({ accessExpiresAt: DAY, issuedAt: 0, refreshExpiresAt: 2 * DAY }, DAY / 2, 3 * DAY)).toBe(true);
    // a pasted token (no expiry, no refresh token) is never refreshed
    expect(refreshDue({ accessExpiresAt: null, issuedAt: null, refreshExpiresAt: null }, 10 * DAY)).toBe(false);
  });

  it('a token is always refreshed before it ends (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 60_000, max: 90 * DAY }),
        fc.integer({ min: 60_000, max: 10 * DAY }),
        (life, ahead) => {
          const times = { accessExpiresAt: life, issuedAt: 0, refreshExpiresAt: 2 * life };
          return refreshDue(times, life - 1, ahead) && !refreshDue(times, 0, ahead);
        },
      ),
    );
  });
});

describe('the authorisation request and the shop machine', () => {
  const req = { expiresAt: 1000, usedAt: null, bindingHash: 'b' };
  it('unknown, used, expired, other browser, or fine', () => {
    expect(stateProblem(undefined, 0, 'b')).toBe('unknown');
    expect(stateProblem({ ...req, usedAt: 5 }, 0, 'b')).toBe('used');
    expect(stateProblem(req, 1000, 'b')).toBe('expired');
    expect(stateProblem(req, 0, 'c')).toBe('other_browser');
    expect(stateProblem(req, 0, null)).toBe('other_browser');
    expect(stateProblem(req, 0, 'b')).toBeUndefined();
    expect(stateProblem({ ...req, bindingHash: null }, 0, null)).toBeUndefined();
  });
  it('every message is in both languages and says where in the dashboard to go', () => {
    for (const problem of ['unknown', 'used', 'expired', 'other_browser'] as const) {
      const message = stateProblemMessage(problem);
      expect(message.en).toContain('Settings → Shops');
      expect(message['zh-CN']).toContain('设置 → 店铺');
    }
    const paused = pausedNotice(
      'demo',
      { en: 'AliExpress', 'zh-CN': '速卖通' },
      '2026-12-10T00:00:00.000Z',
      'IllegalRefreshToken',
    );
    expect(paused.en).toContain('click Connect');
    expect(paused['zh-CN']).toContain('点击「连接」');
  });
  it('a paused shop is only authorised again, never refreshed', () => {
    expect(decide(authorisationMachine, 'authorised', 'refresh_refused', {}).ok).toBe(true);
    expect(decide(authorisationMachine, 'paused', 'refreshed', {}).ok).toBe(false);
    expect(decide(authorisationMachine, 'paused', 'authorised_again', {})).toMatchObject({
      ok: true,
      to: 'authorised',
    });
  });
});
