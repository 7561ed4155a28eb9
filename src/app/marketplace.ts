/**
 * Shops' marketplace connections: store the credentials (secrets encrypted), choose when tracking numbers are
 * uploaded, and open a signed client for a shop. Secrets never leave this module in clear except inside the client.
 */
import { localized, type Localized } from '../core/i18n';
import { EARLY_UPLOAD_WARNING, UPLOAD_TIMINGS, isUploadTiming, type UploadTiming } from '../core/upload-rules';
import { recordMarketplaceEvent } from './telemetry';
import {
  createAliExpressClient,
  type AliExpressClient,
  type AliExpressClientConfig,
} from '../integrations/aliexpress/client';
import { ReauthorisationRequiredError } from '../integrations/aliexpress/errors';
import * as marketplace from '../store/marketplace';
import * as orderStore from '../store/orders';
import * as outbox from '../store/outbox';
import type { MarketplaceConnectionRow } from '../store/schema';
import type { AppContext } from './context';
import { NotFoundError, ValidationError } from './errors';
import { outboundUrlIssues } from './outbound-settings';
import { decryptSecret, encryptSecret, maskSecret, SECRET_CONTEXTS } from './secrets';

export interface ConnectShopInput {
  shopId: string;
  platform?: 'aliexpress';
  appKey: string;
  appSecret: string;
  accessToken: string;
  /** A gateway base URL (e.g. the fake's); default the platform's public one. */
  gatewayUrl?: string;
  protocol?: 'iop' | 'top';
  uploadTiming?: UploadTiming;
}

/** What may be shown about a connection: never a secret. */
export interface ConnectionView {
  shopId: string;
  platform: string;
  appKey: string;
  appSecret: string;
  accessToken: string;
  gateway: string;
  uploadTiming: UploadTiming;
  syncCursorAt: number | null;
  lastSyncAt: number | null;
  lastSyncReport: unknown;
  warnings: Localized[];
}

export async function connectShop(
  ctx: AppContext,
  masterKey: Buffer,
  input: ConnectShopInput,
): Promise<ConnectionView> {
  const issues = [];
  for (const [field, value] of [
    ['app_key', input.appKey],
    ['app_secret', input.appSecret],
    ['access_token', input.accessToken],
  ] as const) {
    if (!value?.trim())
      issues.push({ row: 0, field, message: localized(`${field} is required.`, `${field} 为必填项。`) });
  }
  if (input.gatewayUrl !== undefined && !/^https?:\/\/[^\s]+$/.test(input.gatewayUrl)) {
    issues.push({
      row: 0,
      field: 'gateway_url',
      message: localized('gateway_url must be an http(s) URL.', 'gateway_url 必须是 http(s) 地址。'),
    });
  } else if (input.gatewayUrl !== undefined) {
    issues.push(...(await outboundUrlIssues(input.gatewayUrl, 'gateway_url')));
  }
  if (issues.length) throw new ValidationError(issues);
  const now = ctx.now();
  const platform = input.platform ?? 'aliexpress';
  await ctx.store.db.transaction().execute(async (trx) => {
    await orderStore.ensureShop(trx, { id: input.shopId, platform }, now);
    const existing = await marketplace.getConnection(trx, input.shopId);
    await marketplace.upsertConnection(trx, {
      shop_id: input.shopId,
      platform,
      app_key: input.appKey.trim(),
      app_secret_enc: encryptSecret(
        masterKey,
        input.appSecret.trim(),
        SECRET_CONTEXTS.marketplace(input.shopId, 'app_secret'),
      ),
      access_token_enc: encryptSecret(
        masterKey,
        input.accessToken.trim(),
        SECRET_CONTEXTS.marketplace(input.shopId, 'access_token'),
      ),
      gateway_protocol: input.protocol ?? 'iop',
      gateway_url: input.gatewayUrl ?? null,
      upload_timing: input.uploadTiming ?? (existing?.upload_timing as UploadTiming | undefined) ?? 'label',
      sync_cursor_at: null,
      sync_lease_until: null,
      last_sync_at: null,
      last_sync_report: null,
      created_at: now,
      updated_at: now,
    });
    // A new token ends a pause: uploads that waited for it go out now.
    if (existing?.auth_state === 'paused') await outbox.releaseWaitingUploads(trx, now, input.shopId);
  });
  return describeConnection(ctx, masterKey, input.shopId);
}

export async function describeConnection(ctx: AppContext, masterKey: Buffer, shopId: string): Promise<ConnectionView> {
  const row = await requireConnection(ctx, shopId);
  const timing = isUploadTiming(row.upload_timing) ? row.upload_timing : 'label';
  return {
    shopId: row.shop_id,
    platform: row.platform,
    appKey: row.app_key,
    appSecret: maskSecret(
      decryptSecret(masterKey, row.app_secret_enc, SECRET_CONTEXTS.marketplace(shopId, 'app_secret')),
    ),
    accessToken: maskSecret(
      decryptSecret(masterKey, row.access_token_enc, SECRET_CONTEXTS.marketplace(shopId, 'access_token')),
    ),
    gateway: `${row.gateway_protocol} ${row.gateway_url ?? '(platform default)'}`,
    uploadTiming: timing,
    syncCursorAt: row.sync_cursor_at,
    lastSyncAt: row.last_sync_at,
    lastSyncReport: row.last_sync_report ? JSON.parse(row.last_sync_report) : null,
    warnings: timing === 'early' ? [EARLY_UPLOAD_WARNING] : [],
  };
}

/** Sets when the shop's tracking numbers are uploaded; choosing `early` returns its risk as a warning. */
export async function setUploadTiming(
  ctx: AppContext,
  shopId: string,
  timing: string,
): Promise<{ timing: UploadTiming; warnings: Localized[] }> {
  if (!isUploadTiming(timing)) {
    throw new ValidationError([
      {
        row: 0,
        field: 'upload_timing',
        message: localized(
          `upload timing must be one of ${UPLOAD_TIMINGS.join(', ')}.`,
          `上传时机必须是 ${UPLOAD_TIMINGS.join('、')} 之一。`,
        ),
      },
    ]);
  }
  const updated = await ctx.store.db
    .transaction()
    .execute((trx) => marketplace.setUploadTiming(trx, shopId, timing, ctx.now()));
  if (!updated) throw notConnected(shopId);
  return { timing, warnings: timing === 'early' ? [EARLY_UPLOAD_WARNING] : [] };
}

export async function listConnectedShops(ctx: AppContext): Promise<string[]> {
  return (await marketplace.listConnections(ctx.store.db)).map((row) => row.shop_id);
}

async function requireConnection(ctx: AppContext, shopId: string): Promise<MarketplaceConnectionRow> {
  const row = await marketplace.getConnection(ctx.store.db, shopId);
  if (!row) throw notConnected(shopId);
  return row;
}

export function notConnected(shopId: string): NotFoundError {
  return new NotFoundError(
    localized(
      `Shop ${shopId} is not connected to its marketplace: ask the account's owner to connect it, then try again.`,
      `店铺 ${shopId} 尚未连接平台：请让账户所有者连接该店铺，然后重试。`,
    ),
  );
}

/** Client settings a caller may choose (timeouts, retries, test clocks); credentials come from the store. */
export type ClientOptions = Omit<AliExpressClientConfig, 'credentials' | 'gateway'>;

/** A signed client for the shop, with its decrypted credentials inside (and nowhere else). */
export async function openShopClient(
  ctx: AppContext,
  masterKey: Buffer,
  shopId: string,
  options: ClientOptions = {},
): Promise<AliExpressClient> {
  return (await openShopSession(ctx, masterKey, shopId, options)).client;
}

/**
 * The shop's client and `tokenRef`, the stored (encrypted) access token it signs with: what to hand
 * `renewAfterTokenRefusal` when the platform refuses it, so one refusal is renewed once.
 */
export async function openShopSession(
  ctx: AppContext,
  masterKey: Buffer,
  shopId: string,
  options: ClientOptions = {},
): Promise<{ client: AliExpressClient; tokenRef: string }> {
  const row = await requireConnection(ctx, shopId);
  // A shop whose authorisation the platform refused to renew waits: nothing is sent with a token that is ending.
  if (row.auth_state === 'paused')
    throw new ReauthorisationRequiredError(`shop ${shopId} is paused until it is authorised again`, {
      method: 'authorisation',
      code: 'SHOP_PAUSED',
    });
  return { client: clientFromConnection(row, masterKey, options), tokenRef: row.access_token_enc };
}

export function clientFromConnection(
  row: MarketplaceConnectionRow,
  masterKey: Buffer,
  options: ClientOptions = {},
): AliExpressClient {
  const protocol = row.gateway_protocol === 'top' ? 'top' : 'iop';
  return createAliExpressClient({
    ...options,
    // Every call's outcome is counted for /metrics, beside the caller's own listener.
    onEvent: (event) => {
      recordMarketplaceEvent(event);
      options.onEvent?.(event);
    },
    credentials: {
      appKey: row.app_key,
      appSecret: decryptSecret(masterKey, row.app_secret_enc, SECRET_CONTEXTS.marketplace(row.shop_id, 'app_secret')),
      accessToken: decryptSecret(
        masterKey,
        row.access_token_enc,
        SECRET_CONTEXTS.marketplace(row.shop_id, 'access_token'),
      ),
    },
    gateway: row.gateway_url ? { protocol, baseUrl: row.gateway_url } : { protocol },
  });
}
