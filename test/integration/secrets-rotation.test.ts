/**
 * `shipby secrets rotate` (issue 19): every stored secret — marketplace app secret and token, carrier key, alert
 * webhook secrets (one sealed, one from before encryption), a tracking provider's webhook secret and API key — opens
 * with the new master key afterwards and not with the old; a secret that does not open stops it with nothing changed.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../../src/app/context';
import { addWebhook } from '../../src/app/deadlines';
import { describeConnection } from '../../src/app/marketplace';
import { rotateSecrets } from '../../src/app/secrets-rotation';
import { decryptSecret, encryptSecret, SECRET_CONTEXTS } from '../../src/app/secrets';
import { saveProvider } from '../../src/app/tracking';
import { backends, contextFor } from '../support/backends';

const OLD_KEY = randomBytes(32);
const NEW_KEY = randomBytes(32);

describe.each(backends)('secrets rotation on $name', (backend) => {
  let ctx: AppContext;
  let dispose: () => Promise<void>;
  let webhookId: number;
  let legacyWebhookId: number;

  beforeAll(async () => {
    const opened = await backend.open();
    dispose = opened.dispose;
    ctx = { ...contextFor(opened.store), masterKey: OLD_KEY };
    const now = ctx.now();
    await ctx.store.db
      .insertInto('shops')
      .values({
        id: 'ae-1',
        name: 'ae-1',
        platform: 'aliexpress',
        created_at: now,
        account_id: 'default',
        policy_id: null,
        policy_by_type: null,
        policy_overrides: null,
      })
      .execute();
    await ctx.store.db
      .insertInto('marketplace_connections')
      .values({
        shop_id: 'ae-1',
        platform: 'aliexpress',
        app_key: '500123',
        app_secret_enc: encryptSecret(OLD_KEY, 'app-secret-value', SECRET_CONTEXTS.marketplace('ae-1', 'app_secret')),
        access_token_enc: encryptSecret(
          OLD_KEY,
          'access-token-value',
          SECRET_CONTEXTS.marketplace('ae-1', 'access_token'),
        ),
        gateway_protocol: 'iop',
        gateway_url: null,
        upload_timing: 'label',
        sync_cursor_at: null,
        sync_lease_until: null,
        last_sync_at: null,
        last_sync_report: null,
        created_at: now,
        updated_at: now,
      })
      .execute();
    await ctx.store.db
      .insertInto('carrier_accounts')
      .values({
        carrier: 'yunexpress',
        protocol: 'yunexpress',
        base_url: 'https://oms.api.yunexpress.com',
        account_id: 'C0001',
        secret_enc: encryptSecret(OLD_KEY, 'carrier-secret-value', SECRET_CONTEXTS.carrier('yunexpress')),
        created_at: now,
        updated_at: now,
      })
      .execute();
    webhookId = (await addWebhook(ctx, { url: 'https://ops.example/hook', secret: 'webhook-secret-value' })).id;
    legacyWebhookId = (
      await ctx.store.db
        .insertInto('alert_webhooks')
        .values({ shop_id: null, url: 'https://old.example/hook', secret: 'legacy-clear-secret', created_at: now })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
    await saveProvider(ctx, {
      name: 'seventeen',
      kind: 'seventeen',
      apiKey: 'provider-api-key',
      webhookSecret: 'provider-webhook-secret',
    });
  }, 120_000);
  afterAll(async () => dispose?.());

  const stored = async () => {
    const m = await ctx.store.db.selectFrom('marketplace_connections').selectAll().executeTakeFirstOrThrow();
    const c = await ctx.store.db.selectFrom('carrier_accounts').selectAll().executeTakeFirstOrThrow();
    const w = await ctx.store.db.selectFrom('alert_webhooks').select(['id', 'secret']).orderBy('id').execute();
    const p = await ctx.store.db.selectFrom('tracking_providers').selectAll().executeTakeFirstOrThrow();
    return [
      {
        value: m.app_secret_enc,
        context: SECRET_CONTEXTS.marketplace('ae-1', 'app_secret'),
        plain: 'app-secret-value',
      },
      {
        value: m.access_token_enc,
        context: SECRET_CONTEXTS.marketplace('ae-1', 'access_token'),
        plain: 'access-token-value',
      },
      { value: c.secret_enc, context: SECRET_CONTEXTS.carrier('yunexpress'), plain: 'carrier-secret-value' },
      {
        value: w.find((r) => r.id === webhookId)!.secret,
        context: SECRET_CONTEXTS.alertWebhook(webhookId),
        plain: 'webhook-secret-value',
      },
      {
        value: w.find((r) => r.id === legacyWebhookId)!.secret,
        context: SECRET_CONTEXTS.alertWebhook(legacyWebhookId),
        plain: 'legacy-clear-secret',
      },
      {
        value: p.webhook_secret,
        context: SECRET_CONTEXTS.trackingProvider('seventeen', 'webhook_secret'),
        plain: 'provider-webhook-secret',
      },
      {
        value: p.api_key!,
        context: SECRET_CONTEXTS.trackingProvider('seventeen', 'api_key'),
        plain: 'provider-api-key',
      },
    ];
  };

  it('stores new webhook and provider secrets encrypted, never in clear', async () => {
    const secrets = await stored();
    for (const s of secrets.filter((x) => x.plain !== 'legacy-clear-secret')) {
      expect(s.value).not.toContain(s.plain);
      expect(decryptSecret(OLD_KEY, s.value, s.context)).toBe(s.plain);
    }
  });

  it('stops at a secret the current key does not open, with nothing changed', async () => {
    const before = await stored();
    await expect(rotateSecrets(ctx, randomBytes(32), NEW_KEY)).rejects.toThrow(/does not open/);
    expect(await stored()).toEqual(before);
  });

  it('re-encrypts every secret to the new key in one go, the clear one too, and the app reads them with the new key', async () => {
    const report = await rotateSecrets(ctx, OLD_KEY, NEW_KEY);
    expect(report).toEqual({ marketplace: 2, carriers: 1, webhooks: 2, providers: 2, wasClear: 1 });
    for (const s of await stored()) {
      expect(decryptSecret(NEW_KEY, s.value, s.context)).toBe(s.plain);
      expect(() => decryptSecret(OLD_KEY, s.value, s.context)).toThrow();
    }
    const view = await describeConnection({ ...ctx, masterKey: NEW_KEY }, NEW_KEY, 'ae-1');
    expect(view.appKey).toBe('500123');
    await expect(describeConnection(ctx, OLD_KEY, 'ae-1')).rejects.toThrow();
  });
});
