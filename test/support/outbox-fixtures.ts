/**
 * Shared set-up for the outbox tests and the benchmark: orders that exist both on the fake marketplace and in
 * shipby, a connected shop, and parcels marked shipped with valid S10 numbers.
 */
import { createHash } from 'node:crypto';
import { createContext, type AppContext } from '../../src/app/context';
import { aliexpressAppFromEnv, APP_KEY_ENV, APP_SECRET_ENV } from '../../src/app/aliexpress-app';
import { connectShop, openShopClient } from '../../src/app/marketplace';
import {
  claimOutboxRows,
  deliverOutboxRow,
  recordOutboxOutcomes,
  type OutboxSettings,
} from '../../src/app/upload-outbox';
import { aliexpressPort } from '../../src/integrations/marketplace/index';
import { beginAuthorisation, completeAuthorisation } from '../../src/app/shop-authorisation';
import { answerConsent } from '../../src/integrations/aliexpress/fake-consent';
import { allowOutbound } from '../../src/integrations/outbound';
import { upsertOrders, type IncomingOrder } from '../../src/app/orders';
import { markParcelsShipped, type ShipParcelInput } from '../../src/app/shipments';
import type { OrderInput } from '../../src/core/order-input';
import { makeS10 } from '../../src/core/tracking/s10';
import type { FakeAliExpressServer } from '../../src/integrations/aliexpress/fake-server';
import * as marketplaceStore from '../../src/store/marketplace';
import type { Store } from '../../src/store/database';

// A fixed key that passes the weak-key check (a repeated byte is refused): the SHA-256 of a label.
export const TEST_MASTER_KEY = createHash('sha256').update('shipby test master key').digest();
export const TEST_MASTER_KEY_TEXT = TEST_MASTER_KEY.toString('base64');
export const FAKE_APP_KEY = 'fake-app-key';
export const FAKE_APP_SECRET = 'fake-app-secret';
export const FAKE_TOKEN = 'seller-token-0001';
const HOUR = 3_600_000;

export interface SeededOrder {
  orderId: number;
  platformOrderId: string;
  parcels: number;
  shipByAt: number;
}

/** `count` orders on the fake and in shipby (shop `shop`), each with `parcelsOf(i)` parcels to ship. */
export async function seedOrders(
  ctx: AppContext,
  fake: FakeAliExpressServer,
  options: { shop: string; count: number; parcelsOf: (index: number) => number; firstId?: number; now?: number },
): Promise<SeededOrder[]> {
  const now = options.now ?? Date.now();
  const seeded: SeededOrder[] = [];
  const batch: IncomingOrder[] = [];
  const first = options.firstId ?? 8190000000000000;
  const fakeNow = fake.now();
  for (let i = 0; i < options.count; i++) {
    const platformOrderId = String(first + i * 10);
    const handlingDays = 2 + (i % 6);
    const paidAt = now - 2 * HOUR;
    const riskPassedAt = now - HOUR;
    fake.marketplace.addOrder(
      {
        order_id: platformOrderId,
        status: 'WAIT_SELLER_SEND_GOODS',
        paid_at: paidAt,
        risk_passed_at: riskPassedAt,
        handling_days: handlingDays,
        logistics_service: 'CPAM',
        address: { country: 'ES', city: 'Madrid', postcode: '28013' },
        lines: [{ sku: `SKU-${i % 40}`, quantity: 1, unit_price: '9.99' }],
      },
      fakeNow,
    );
    const order: OrderInput = {
      platformOrderId,
      platform: 'aliexpress',
      status: 'awaiting_shipment',
      platformStatus: 'WAIT_SELLER_SEND_GOODS',
      paidAt,
      riskPassedAt,
      platformShipByAt: riskPassedAt + handlingDays * 24 * HOUR,
      buyer: {
        name: 'M. Example',
        country: 'ES',
        addressLine1: 'Calle Ejemplo 1',
        city: 'Madrid',
        postcode: '28013',
        phone: null,
      },
      currency: 'USD',
      handlingDays,
      logisticsService: 'CPAM',
      lines: [{ sku: `SKU-${i % 40}`, quantity: 1, unitPrice: 999 }],
    };
    batch.push({ order, row: i + 1 });
    seeded.push({ orderId: 0, platformOrderId, parcels: options.parcelsOf(i), shipByAt: order.platformShipByAt! });
  }
  fake.marketplace.invalidate();
  const byPlatformId = new Map(seeded.map((s) => [s.platformOrderId, s]));
  for (let i = 0; i < batch.length; i += 2000) {
    const result = await upsertOrders(ctx, options.shop, batch.slice(i, i + 2000), 'test');
    for (const [platformOrderId, id] of result.ids) byPlatformId.get(platformOrderId)!.orderId = id;
  }
  // What a sync would have stored: who the buyer is, so the notice needs no extra read.
  const syncedAt = ctx.now();
  await ctx.store.db.transaction().execute((trx) =>
    marketplaceStore.upsertOrderRefs(
      trx,
      seeded.map((s) => ({
        order_id: s.orderId,
        shop_id: options.shop,
        buyer_login_id: fake.marketplace.orders.get(s.platformOrderId)!.buyer.loginId,
        seller_login_id: fake.marketplace.sellerLoginId,
        platform_modified_at: null,
        synced_at: syncedAt,
      })),
    ),
  );
  return seeded;
}

export async function connectFakeShop(
  ctx: AppContext,
  fake: FakeAliExpressServer,
  shop: string,
  uploadTiming?: 'label' | 'first_scan' | 'early',
): Promise<void> {
  await connectShop(ctx, TEST_MASTER_KEY, {
    shopId: shop,
    appKey: FAKE_APP_KEY,
    appSecret: FAKE_APP_SECRET,
    accessToken: FAKE_TOKEN,
    gatewayUrl: fake.url,
    ...(uploadTiming ? { uploadTiming } : {}),
  });
}

/**
 * Connects `shop` the way a seller does (Connect → the fake's consent page → the callback): its tokens come from
 * the fake's `/auth/token/create`, with a refresh token, so a token the platform refuses in use can be refreshed.
 * `issuedAgoMs` (default 1 hour) dates the access token back: a token issued minutes ago is not refreshed again
 * after a refusal (core/shop-authorisation.ts RECENTLY_ISSUED_MS), and a real shop's token is seldom that new.
 */
export async function authoriseFakeShop(
  ctx: AppContext,
  fake: FakeAliExpressServer,
  shop: string,
  options: { issuedAgoMs?: number } = {},
): Promise<void> {
  allowOutbound(fake.url);
  const app = aliexpressAppFromEnv({
    [APP_KEY_ENV]: FAKE_APP_KEY,
    [APP_SECRET_ENV]: FAKE_APP_SECRET,
    SHIPBY_ALIEXPRESS_GATEWAY_URL: fake.url,
  });
  const started = await beginAuthorisation(ctx, app, {
    shopId: shop,
    redirectUri: 'http://127.0.0.1:9/marketplace/aliexpress/callback',
    actor: 'owner@test',
    bindToBrowser: true,
  });
  const back = await answerConsent(started.url);
  await completeAuthorisation(
    ctx,
    { app, masterKey: TEST_MASTER_KEY },
    { state: back.state, code: back.code, binding: started.binding },
  );
  await ctx.store.db
    .updateTable('marketplace_connections')
    .set({ token_issued_at: ctx.now() - (options.issuedAgoMs ?? HOUR) })
    .where('shop_id', '=', shop)
    .execute();
}

/** A valid China Post S10 number for serial `n`. */
export function s10For(n: number): string {
  return makeS10(10_000_000 + n, 'RR', 'CN');
}

/** Every parcel of every seeded order marked shipped (the last one `all`), in batches of one transaction each. */
export async function shipAll(
  ctx: AppContext,
  seeded: SeededOrder[],
  firstSerial = 0,
): Promise<Map<string, { platformOrderId: string; sendType: 'part' | 'all' }>> {
  const numbers = new Map<string, { platformOrderId: string; sendType: 'part' | 'all' }>();
  const inputs: ShipParcelInput[] = [];
  let serial = firstSerial;
  for (const order of seeded) {
    for (let p = 0; p < order.parcels; p++) {
      const trackingNumber = s10For(serial++);
      const last = p === order.parcels - 1;
      inputs.push({ orderId: order.orderId, trackingNumber, serviceName: 'CPAM', lastParcel: last });
      numbers.set(trackingNumber, { platformOrderId: order.platformOrderId, sendType: last ? 'all' : 'part' });
    }
  }
  for (let i = 0; i < inputs.length; i += 1000) await markParcelsShipped(ctx, inputs.slice(i, i + 1000), 'test');
  return numbers;
}

export function contextOf(store: Store): AppContext {
  return createContext(store);
}

/**
 * One attempt at every due upload of shop `shop`, as the worker makes it (claim, deliver with the client's own retries
 * off, record), with the jitter at its middle.
 */
export async function outboxAttempt(ctx: AppContext, settings: OutboxSettings) {
  const claimed = await claimOutboxRows(ctx, 'w', { limit: 10, leaseMs: settings.leaseMs });
  const client = await openShopClient(ctx, TEST_MASTER_KEY, 'shop', { timeoutMs: 2_000, retry: { maxAttempts: 1 } });
  const results = [];
  for (const row of claimed)
    results.push({ row, outcome: await deliverOutboxRow(row, aliexpressPort(client), { settled: undefined }) });
  await recordOutboxOutcomes(ctx, 'w', results, settings, () => 0.5);
  return results;
}
