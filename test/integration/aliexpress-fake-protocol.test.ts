/**
 * The fake marketplace driven with requests formed exactly as the official IOP Python SDK forms them
 * (`iop/base.py`: system parameters `app_key`, `sign_method=sha256`, `timestamp` = seconds + "000", `partner_id`,
 * `method`, `simplify`, `format`, the token as `session` (2022) or `access_token` (2025); HMAC-SHA256 over the
 * sorted `key+value` pairs, prefixed by the API path for `/rest` APIs; a form-encoded POST to the server URL).
 * The signing below is written from the SDK, not taken from shipby, so the fake is checked against the vendor.
 */
import { createHmac } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createAliExpressClient } from '../../src/integrations/aliexpress/client';
import { startFakeAliExpressServer, type FakeAliExpressServer } from '../../src/integrations/aliexpress/fake-server';

const APP_KEY = '33505222';
const APP_SECRET = 'e1fed6b34feb26aabc391d187732af93-test';
const DAY = 86_400_000;

let fake: FakeAliExpressServer;
beforeAll(async () => {
  fake = await startFakeAliExpressServer({
    appKey: APP_KEY,
    appSecret: APP_SECRET,
    accessTokens: ['pasted-token-0001'],
    seed: 5,
  });
});
afterAll(async () => {
  await fake.close();
});
afterEach(() => {
  fake.marketplace.reset();
  fake.auth.reset();
  fake.setClockOffset(0);
});

interface SdkOptions {
  accessToken?: string;
  tokenParam?: 'session' | 'access_token';
  /** Post to `<base>/rest<path>` (path form) instead of `<base>/rest` with `method`. */
  pathForm?: boolean;
  tamper?: boolean;
}

/** `IopClient(server_url, app_key, app_secret).execute(IopRequest(api), access_token)`, in TypeScript. */
async function sdkExecute(serverUrl: string, api: string, apiParams: Record<string, string>, options: SdkOptions = {}) {
  const sys: Record<string, string> = {
    app_key: APP_KEY,
    sign_method: 'sha256',
    timestamp: `${Math.round(fake.now() / 1000)}000`,
    partner_id: 'iop-sdk-python-20220609',
    method: api,
    simplify: 'false',
    format: 'json',
  };
  if (options.accessToken) sys[options.tokenParam ?? 'session'] = options.accessToken;
  const all: Record<string, string> = { ...sys, ...apiParams };
  if (options.pathForm) delete all.method;
  const base =
    (api.includes('/') ? api : '') +
    Object.keys(all)
      .sort()
      .map((key) => key + all[key])
      .join('');
  all.sign = createHmac('sha256', APP_SECRET).update(base, 'utf8').digest('hex').toUpperCase();
  if (options.tamper) all.sign = all.sign.replace(/^./, (c) => (c === 'A' ? 'B' : 'A'));
  const url = options.pathForm ? `${serverUrl}${api}` : serverUrl;
  const response = await fetch(url, { method: 'POST', body: new URLSearchParams(all) });
  expect(response.headers.get('content-type')).toMatch(/json/);
  return (await response.json()) as Record<string, unknown>;
}

/** What the SDK's `IopResponse` reads: top-level `type`, `code`, `message`, `request_id`. */
function sdkResponse(body: Record<string, unknown>) {
  return { type: body.type, code: body.code, message: body.message, request_id: body.request_id };
}

const TOKEN_FIELDS = [
  'access_token',
  'refresh_token',
  'expires_in',
  'refresh_expires_in',
  'expire_time',
  'refresh_token_valid_time',
  'account',
  'account_id',
  'account_platform',
  'user_id',
  'seller_id',
  'user_nick',
  'havana_id',
  'sp',
  'locale',
];

describe('the fake answers the official SDK', () => {
  it('/auth/token/create at /rest: the token fields; the token then works on /sync; a code works once', async () => {
    const code = fake.auth.issueCode(fake.now());
    const created = await sdkExecute(`${fake.url}/rest`, '/auth/token/create', { code });
    expect(sdkResponse(created)).toMatchObject({ code: '0', type: undefined, message: undefined });
    expect(Object.keys(created)).toEqual(expect.arrayContaining(TOKEN_FIELDS));
    expect(created).toMatchObject({ expires_in: 30 * 86_400, account: fake.marketplace.sellerLoginId, sp: 'ae' });
    const issuedAround = fake.now();
    expect(Math.abs((created.expire_time as number) - (issuedAround + 30 * DAY))).toBeLessThan(60_000);
    expect(created.refresh_token_valid_time as number).toBeGreaterThan(created.expire_time as number);

    const orderId = '8190000000555500';
    fake.marketplace.addOrder(
      {
        order_id: orderId,
        status: 'WAIT_SELLER_SEND_GOODS',
        paid_at: fake.now() - DAY,
        risk_passed_at: fake.now() - DAY,
        handling_days: 5,
        lines: [{ sku: 'S', quantity: 1, unit_price: '1.00' }],
      },
      fake.now(),
    );
    for (const tokenParam of ['session', 'access_token'] as const) {
      const detail = await sdkExecute(
        `${fake.url}/sync`,
        'aliexpress.trade.new.redefining.findorderbyid',
        { param1: `{"order_id":${orderId}}` },
        { accessToken: created.access_token as string, tokenParam },
      );
      expect(detail).toHaveProperty(
        'aliexpress_trade_new_redefining_findorderbyid_response.target.order_status',
        'WAIT_SELLER_SEND_GOODS',
      );
    }

    const again = await sdkExecute(`${fake.url}/rest`, '/auth/token/create', { code });
    expect(sdkResponse(again)).toMatchObject({
      type: 'ISV',
      code: 'InvalidCode',
      message: expect.stringMatching(/invalid/i),
    });
    expect(again).not.toHaveProperty('access_token');
  });

  it('/auth/token/refresh (path form too): a new token; the refresh token works once', async () => {
    const created = await sdkExecute(`${fake.url}/rest`, '/auth/token/create', {
      code: fake.auth.issueCode(fake.now()),
    });
    const refreshed = await sdkExecute(
      `${fake.url}/rest`,
      '/auth/token/refresh',
      { refresh_token: created.refresh_token as string },
      { pathForm: true },
    );
    expect(refreshed.code).toBe('0');
    expect(Object.keys(refreshed)).toEqual(expect.arrayContaining(TOKEN_FIELDS));
    expect(refreshed.access_token).not.toBe(created.access_token);
    const reused = await sdkExecute(`${fake.url}/rest`, '/auth/token/refresh', {
      refresh_token: created.refresh_token as string,
    });
    expect(sdkResponse(reused)).toMatchObject({ type: 'ISV', code: 'IllegalRefreshToken' });
    expect(fake.auth.counts).toEqual({ create: 1, refresh: 1 });
  });

  it('an expired token is refused on /sync in the real envelope, and shipby reads it as "authorise again"', async () => {
    const created = await sdkExecute(`${fake.url}/rest`, '/auth/token/create', {
      code: fake.auth.issueCode(fake.now()),
    });
    fake.setClockOffset(31 * DAY);
    const body = await sdkExecute(
      `${fake.url}/sync`,
      'aliexpress.logistics.redefining.listlogisticsservice',
      {},
      { accessToken: created.access_token as string },
    );
    expect(body).toEqual({
      error_response: {
        type: 'ISV',
        code: 'IllegalAccessToken',
        msg: 'The specified access token is invalid or expired',
        request_id: expect.any(String),
      },
    });
    const client = createAliExpressClient({
      credentials: { appKey: APP_KEY, appSecret: APP_SECRET, accessToken: created.access_token as string },
      gateway: { protocol: 'iop', baseUrl: fake.url },
      now: () => fake.now(),
    });
    await expect(client.listLogisticsServices()).rejects.toMatchObject({
      kind: 'reauthorise',
      platformMessage: 'The specified access token is invalid or expired',
    });
  });

  it('a tampered signature: /rest answers the SDK fields, /sync the error_response with msg', async () => {
    const rest = await sdkExecute(
      `${fake.url}/rest`,
      '/auth/token/create',
      { code: fake.auth.issueCode(fake.now()) },
      { tamper: true },
    );
    expect(sdkResponse(rest)).toMatchObject({
      type: 'ISV',
      code: 'IncompleteSignature',
      message: expect.any(String),
      request_id: expect.any(String),
    });
    const sync = await sdkExecute(
      `${fake.url}/sync`,
      'aliexpress.logistics.redefining.listlogisticsservice',
      {},
      { accessToken: 'pasted-token-0001', tamper: true },
    );
    expect(sync).toMatchObject({
      error_response: { type: 'ISV', code: 'IncompleteSignature', msg: expect.any(String) },
    });
    expect(sync.error_response).not.toHaveProperty('message');
    const ok = await sdkExecute(
      `${fake.url}/sync`,
      'aliexpress.logistics.redefining.listlogisticsservice',
      {},
      { accessToken: 'pasted-token-0001' },
    );
    expect(ok).toHaveProperty('aliexpress_logistics_redefining_listlogisticsservice_response');
  });
});
