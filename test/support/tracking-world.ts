/**
 * The world of the tracking-to-receipt tests (tracking.test.ts, tracking-receipt.test.ts), on one backend: a store,
 * the HTTP app, two connected shops (`ae`, and `fs` uploading at the first scan), orders T1–T9 (T7 due a month
 * later) and F1, the sample 17TRACK provider with its webhook secret, and an alert webhook. Its hooks are registered
 * where it is called (inside a `describe`), before the file's own, so they run first.
 */
import fs from 'node:fs';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll } from 'vitest';
import type { AppContext } from '../../src/app/context';
import { addWebhook } from '../../src/app/deadlines';
import { connectShop } from '../../src/app/marketplace';
import { upsertOrders } from '../../src/app/orders';
import { markParcelShipped } from '../../src/app/shipments';
import { saveProvider } from '../../src/app/tracking';
import { claimOutboxRows, recordOutboxOutcomes } from '../../src/app/upload-outbox';
import type { ImportIssue } from '../../src/core/order-input';
import { parseJsonOrder } from '../../src/core/order-input-json';
import { HOUR_MS } from '../../src/core/time';
import { makeS10 } from '../../src/core/tracking/s10';
import { buildServer } from '../../src/http/server';
import { SEVENTEEN_SIGNATURE_HEADER, seventeenTrackSign } from '../../src/integrations/tracking/seventeen-track';
import type { Store } from '../../src/store/database';
import { contextFor, manualClock, type TestBackend, tempDir } from './backends';
import { TEST_MASTER_KEY } from './outbox-fixtures';

export const SECRET = 'sample-webhook-secret-0001';
const PAID = Date.UTC(2026, 10, 1, 10);
/** Parcel n's tracking number (a valid S10). */
export const number = (n: number) => makeS10(20_000_000 + n, 'RR', 'CN');

/** Order `id` as the AliExpress JSON import reads it, paid on 1 Nov 2026, shipping to Madrid. */
export function order(id: string, extra: Record<string, unknown> = {}) {
  const issues: ImportIssue[] = [];
  const o = parseJsonOrder(
    {
      order_id: id,
      platform: 'aliexpress',
      status: 'WAIT_SELLER_SEND_GOODS',
      paid_at: new Date(PAID).toISOString(),
      risk_passed_at: new Date(PAID + HOUR_MS).toISOString(),
      buyer_name: 'Lucía',
      buyer_country: 'ES',
      address_line1: 'Calle Mayor 1',
      city: 'Madrid',
      postcode: '28013',
      currency: 'EUR',
      handling_days: 20,
      logistics_service: 'CPAM',
      lines: [{ sku: 'A', quantity: 1, unit_price: '20.00' }],
      ...extra,
    },
    '',
    1,
    issues,
  );
  if (!o) throw new Error(JSON.stringify(issues));
  return { order: o, row: 1 };
}

/** Where a webhook body goes and how it is signed (postSeventeen). */
export type PostOptions = { provider?: string; secret?: string; signature?: string };

/**
 * A webhook body to the provider (default `sample`) as 17TRACK sends it: signed with the secret (default SECRET)
 * unless a signature is given.
 */
export function postSeventeen(
  app: FastifyInstance,
  body: string,
  options: PostOptions = {},
): Promise<LightMyRequestResponse> {
  return app.inject({
    method: 'POST',
    url: `/tracking/webhooks/${options.provider ?? 'sample'}`,
    headers: {
      'content-type': 'application/json',
      [SEVENTEEN_SIGNATURE_HEADER]: options.signature ?? seventeenTrackSign(options.secret ?? SECRET, body),
    },
    payload: body,
  });
}

export interface TrackingWorld {
  /** Set once the world's beforeAll has run. */
  store: Store;
  ctx: AppContext;
  app: FastifyInstance;
  clock: ReturnType<typeof manualClock>;
  /** Platform order id → order id. */
  ids: Map<string, number>;
  /** Removed after the file. */
  dataDir: string;
  /** Ships the order's one parcel as number(n); with `accept`, the platform accepts the upload. Its parcel id. */
  ship(platformId: string, n: number, accept?: boolean): Promise<number>;
  /** A webhook body to the provider (default `sample`), signed with its secret unless a signature is given. */
  post(body: string, options?: PostOptions): Promise<LightMyRequestResponse>;
  orderRow(platformId: string): Promise<Record<string, any>>;
  parcelRow(id: number): Promise<Record<string, any>>;
}

export function useTrackingWorld(backend: TestBackend): TrackingWorld {
  let dispose: () => Promise<void>;
  const world: TrackingWorld = {
    // Set by the beforeAll below, before any test reads them.
    store: undefined as never,
    ctx: undefined as never,
    app: undefined as never,
    clock: manualClock(Date.UTC(2026, 10, 2, 0)),
    ids: new Map<string, number>(),
    dataDir: tempDir(),
    async ship(platformId: string, n: number, accept = true) {
      const shipped = await markParcelShipped(
        world.ctx,
        { orderId: world.ids.get(platformId)!, trackingNumber: number(n), serviceName: 'CPAM', lastParcel: true },
        'test',
      );
      if (accept) {
        const rows = (await claimOutboxRows(world.ctx, 'w', { limit: 50, leaseMs: 60_000 })).filter(
          (r) => r.kind === 'upload_tracking',
        );
        await recordOutboxOutcomes(
          world.ctx,
          'w',
          rows.map((row) => ({ row, outcome: { type: 'accepted' as const, via: 'declared' as const } })),
        );
      }
      return shipped.parcelId;
    },
    post: (body, options) => postSeventeen(world.app, body, options),
    orderRow: (platformId: string) =>
      world.store.db
        .selectFrom('orders')
        .selectAll()
        .where('platform_order_id', '=', platformId)
        .executeTakeFirstOrThrow(),
    parcelRow: (id: number) =>
      world.store.db.selectFrom('parcels').selectAll().where('id', '=', id).executeTakeFirstOrThrow(),
  };

  beforeAll(async () => {
    ({ store: world.store, dispose } = await backend.open());
    world.ctx = contextFor(world.store, world.clock);
    world.app = await buildServer(world.ctx, { authentication: false });
    await world.app.ready();
    for (const [shopId, more] of [
      ['ae', {}],
      ['fs', { uploadTiming: 'first_scan' as const }],
    ] as const)
      await connectShop(world.ctx, TEST_MASTER_KEY, {
        shopId,
        appKey: 'k',
        appSecret: 's',
        accessToken: 't',
        gatewayUrl: 'http://127.0.0.1:9',
        ...more,
      });
    // T7 ships a month after the others (the poller's registration test): the platform gave it a later deadline.
    const result = await upsertOrders(
      world.ctx,
      'ae',
      ['T1', 'T2', 'T3', 'T4', 'T5', 'T6', 'T7', 'T8', 'T9'].map((id) =>
        order(id, id === 'T7' ? { ship_by: '2027-01-31T00:00:00Z' } : {}),
      ),
      'test',
    );
    for (const [k, v] of result.ids) world.ids.set(k, v);
    for (const [k, v] of (await upsertOrders(world.ctx, 'fs', [order('F1')], 'test')).ids) world.ids.set(k, v);
    await saveProvider(world.ctx, { name: 'sample', kind: 'seventeen', webhookSecret: SECRET });
    await addWebhook(world.ctx, { url: 'http://127.0.0.1:9/alerts', secret: 'alert-secret-0000001' });
  });
  afterAll(async () => {
    await world.app.close();
    await dispose();
    fs.rmSync(world.dataDir, { recursive: true, force: true });
  });
  return world;
}
