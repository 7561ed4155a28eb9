/**
 * The three ways an order becomes "shipped" — the marketplace accepting its last tracking number (the upload
 * worker's record step), a hand-over in a shop with no marketplace connection, and the platform's sync reporting it
 * shipped — all go through the one order transition (app/order-transition.ts), on SQLite AND PostgreSQL: each ends
 * in the same state, with the same milestone, one `ship_all` transition event, and the same stock settlement (what
 * the order reserved is consumed: on hand down by its units, nothing reserved left).
 */
import { createHash } from 'node:crypto';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { setCarrierAccount } from '../../src/app/carrier-contracts';
import type { AppContext } from '../../src/app/context';
import { handOverOrder } from '../../src/app/handover';
import { NotFoundError } from '../../src/app/errors';
import { carrierLabelPdf } from '../../src/app/label-documents';
import { ingestTrackingEvents } from '../../src/app/tracking';
import { connectShop } from '../../src/app/marketplace';
import { applyOrderAction, getOrderDetail, upsertOrders } from '../../src/app/orders';
import { defineBox, setSender, setSkuDimensions } from '../../src/app/packing-catalog';
import { markParcelShipped } from '../../src/app/shipments';
import { adjustStock, defineSku, defineWarehouse } from '../../src/app/stock';
import { claimOutboxRows, recordOutboxOutcomes } from '../../src/app/upload-outbox';
import { startSampleCarrierServer, type SampleCarrierServer } from '../../src/integrations/carriers/sample-server';
import type { Store } from '../../src/store/database';
import { backends, contextFor, manualClock } from '../support/backends';
import { s10For, TEST_MASTER_KEY } from '../support/outbox-fixtures';
import { addAwaitingOrder, packAndLabel } from '../support/pack';

const START = Date.UTC(2026, 10, 25, 2);
const HOUR = 3_600_000;
const API_KEY = 'test-carrier-key';

let carrier: SampleCarrierServer;
beforeAll(async () => {
  carrier = await startSampleCarrierServer({ apiKey: API_KEY });
});
afterAll(async () => {
  await carrier.close();
});

/** What "shipped" left behind on an order: its state, milestone, transition events and stock. */
async function shippedFacts(ctx: AppContext, orderId: number) {
  const detail = await getOrderDetail(ctx, orderId);
  const db = ctx.store.db;
  const reserved = await db
    .selectFrom('stock_reservations')
    .select('quantity')
    .where('order_id', '=', orderId)
    .execute();
  const movements = await db
    .selectFrom('stock_movements')
    .select(['kind', 'on_hand_delta', 'reserved_delta'])
    .where('order_id', '=', orderId)
    .orderBy('id')
    .execute();
  return {
    status: detail.order.status,
    handedOver: detail.order.handed_over_at !== null,
    shipAllEvents: detail.timeline
      .filter((e) => e.kind === 'transition' && e.action === 'ship_all')
      .map((e) => [e.from_state, e.to_state]),
    reservedLeft: reserved.reduce((sum, r) => sum + r.quantity, 0),
    // Net effect of the order on the stock: one unit reserved, then consumed (on hand down by one, nothing held).
    onHandDelta: movements.reduce((sum, m) => sum + m.on_hand_delta, 0),
    reservedDelta: movements.reduce((sum, m) => sum + m.reserved_delta, 0),
  };
}

/** An order of the shop with no marketplace connection (the shop exists once it has an order), ready to pack. */
async function addOfflineOrder(ctx: AppContext, id: string): Promise<number> {
  const orderId = await addAwaitingOrder(ctx, 'offline', id, { now: START, shipInHours: 48, sku: 'SKU-A' });
  await defineBox(ctx, 'offline', {
    code: 'S',
    innerMm: [200, 150, 100],
    maxWeightG: 3_000,
    tareG: 80,
    cost: 120,
    currency: 'CNY',
  });
  await setSender(ctx, 'offline', {
    name: 'Shenzhen Example Co',
    addressLine1: '1 Keji Road',
    city: 'Shenzhen',
    postcode: '518000',
    country: 'CN',
    phone: '+86 755 0000 0000',
  });
  return orderId;
}

describe.each(backends)('the one order transition on $name', (backend) => {
  let store: Store;
  let dispose: () => Promise<void>;
  let ctx: AppContext;
  const clock = manualClock(START);

  beforeEach(async () => {
    ({ store, dispose } = await backend.open());
    clock.set(START);
    ctx = contextFor(store, clock);
    await connectShop(ctx, TEST_MASTER_KEY, {
      shopId: 'connected',
      appKey: 'k',
      appSecret: 's',
      accessToken: 't',
      gatewayUrl: 'http://127.0.0.1:9',
    });
    await defineWarehouse(ctx, {
      id: 'SZ',
      name: 'Shenzhen',
      kind: 'domestic',
      country: 'CN',
      timeZone: 'Asia/Shanghai',
      cutoffTime: '16:00',
    });
    await defineSku(ctx, { sku: 'SKU-A', name: 'Seller A' });
    await adjustStock(ctx, { warehouseId: 'SZ', sku: 'SKU-A', reason: 'counted', to: 10, actor: 'test' });
    await setSkuDimensions(ctx, [{ sku: 'SKU-A', dimsMm: [100, 80, 50], weightG: 200, barcode: '6901234567892' }]);
    await setCarrierAccount(ctx, {
      carrier: '*',
      protocol: 'yunexpress',
      baseUrl: carrier.url,
      accountId: carrier.customerCode,
      apiKey: API_KEY,
    });
  });
  afterEach(async () => {
    await dispose();
  });

  it('ships an order the same way by upload acceptance, by hand-over without a connection, and by the sync', async () => {
    const byUpload = await addAwaitingOrder(ctx, 'connected', 'LC-UPLOAD', {
      now: START,
      shipInHours: 48,
      sku: 'SKU-A',
    });
    const byHandOver = await addOfflineOrder(ctx, 'LC-HANDOVER');
    const bySync = await addAwaitingOrder(ctx, 'connected', 'LC-SYNC', { now: START, shipInHours: 48, sku: 'SKU-A' });
    // Each reserved its unit on arrival.
    const level = async () =>
      store.db
        .selectFrom('stock_levels')
        .select(['on_hand', 'reserved'])
        .where('sku', '=', 'SKU-A')
        .executeTakeFirstOrThrow();
    expect(await level()).toEqual({ on_hand: 10, reserved: 3 });

    // 1. The marketplace accepts the last parcel's number (the worker's record step).
    clock.advance(HOUR);
    await markParcelShipped(
      ctx,
      { orderId: byUpload, trackingNumber: s10For(1), serviceName: 'CPAM', lastParcel: true },
      'packer',
    );
    const claimed = await claimOutboxRows(ctx, 'worker-1', { limit: 10, leaseMs: 60_000 });
    expect(claimed).toHaveLength(1);
    expect(
      await recordOutboxOutcomes(
        ctx,
        'worker-1',
        claimed.map((row) => ({ row, outcome: { type: 'accepted' as const, via: 'declared' as const } })),
      ),
    ).toMatchObject({ accepted: 1 });

    // 2. Handed over in a shop with no marketplace connection: nothing to upload, the hand-over ships it.
    await packAndLabel(ctx, 'LC-HANDOVER', byHandOver);
    expect((await handOverOrder(ctx, byHandOver, 'packer')).status).toBe('shipped');

    // 3. The platform reports it shipped (WAIT_BUYER_ACCEPT_GOODS) with its ship time.
    const detail = await getOrderDetail(ctx, bySync);
    await upsertOrders(
      ctx,
      'connected',
      [
        {
          row: 1,
          order: {
            platformOrderId: 'LC-SYNC',
            platform: 'aliexpress',
            status: 'shipped',
            platformStatus: 'WAIT_BUYER_ACCEPT_GOODS',
            paidAt: detail.order.paid_at,
            riskPassedAt: detail.order.risk_passed_at!,
            platformShipByAt: detail.order.platform_ship_by_at!,
            shippedAt: clock.now() - 10 * 60_000,
            buyer: {
              name: 'Buyer LC-SYNC',
              country: 'ES',
              addressLine1: 'Calle Mayor 12',
              city: 'Madrid',
              postcode: '28013',
              phone: '+34 600 111 222',
            },
            currency: 'USD',
            handlingDays: 3,
            logisticsService: 'CPAM',
            lines: [{ sku: 'SKU-A', quantity: 1, unitPrice: 1999 }],
          },
        },
      ],
      'sync',
    );

    const expected = {
      status: 'shipped',
      handedOver: true,
      shipAllEvents: [['awaiting_shipment', 'shipped']],
      reservedLeft: 0,
      onHandDelta: -1,
      reservedDelta: 0,
    };
    expect(await shippedFacts(ctx, byUpload)).toEqual(expected);
    expect(await shippedFacts(ctx, byHandOver)).toEqual(expected);
    expect(await shippedFacts(ctx, bySync)).toEqual(expected);
    expect(await level()).toEqual({ on_hand: 7, reserved: 0 });
  });

  it('moves orders in transit and delivered from carrier tracking through the one transition, each at its own delivery time', async () => {
    const first = await addOfflineOrder(ctx, 'LC-TRACK-1');
    const second = await addOfflineOrder(ctx, 'LC-TRACK-2');
    const numbers: string[] = [];
    for (const [platformId, orderId] of [
      ['LC-TRACK-1', first],
      ['LC-TRACK-2', second],
    ] as const) {
      await packAndLabel(ctx, platformId, orderId);
      expect((await handOverOrder(ctx, orderId, 'packer')).status).toBe('shipped');
      numbers.push(
        (
          await store.db
            .selectFrom('parcels')
            .select('tracking_number')
            .where('order_id', '=', orderId)
            .executeTakeFirstOrThrow()
        ).tracking_number!,
      );
    }
    clock.advance(24 * HOUR);
    const event = (key: string, hoursAgo: number, status: 'in_transit' | 'delivered') => ({
      key,
      occurredAt: clock.now() - hoursAgo * HOUR,
      status,
      rawStatus: status,
      rawSubstatus: null,
      description: status,
      location: null,
      destinationCountry: 'ES',
    });
    // One batch: both parcels scanned, in transit and delivered, each at its own time.
    const report = await ingestTrackingEvents(
      ctx,
      [
        { trackingNumber: numbers[0]!, carrier: '', event: event('a1', 20, 'in_transit') },
        { trackingNumber: numbers[0]!, carrier: '', event: event('a2', 5, 'delivered') },
        { trackingNumber: numbers[1]!, carrier: '', event: event('b1', 18, 'in_transit') },
        { trackingNumber: numbers[1]!, carrier: '', event: event('b2', 2, 'delivered') },
      ],
      { provider: 'test' },
    );
    expect(report.stored).toBe(4);
    for (const [orderId, deliveredHoursAgo] of [
      [first, 5],
      [second, 2],
    ] as const) {
      const detail = await getOrderDetail(ctx, orderId);
      expect(detail.order).toMatchObject({ status: 'delivered', delivered_at: clock.now() - deliveredHoursAgo * HOUR });
      const moves = detail.timeline
        .filter((e) => e.kind === 'transition' && e.parcel_id === null && e.actor === 'tracking')
        .map((e) => [e.action, e.from_state, e.to_state, e.reason]);
      expect(moves).toEqual([
        ['report_in_transit', 'shipped', 'in_transit', 'carrier: a parcel is in transit'],
        ['report_delivered', 'in_transit', 'delivered', 'carrier: every parcel delivered'],
      ]);
    }
    // A replay changes nothing.
    const again = await ingestTrackingEvents(
      ctx,
      [{ trackingNumber: numbers[0]!, carrier: '', event: event('a2', 5, 'delivered') }],
      { provider: 'test' },
    );
    expect(again).toMatchObject({ duplicates: 1, transitions: 0 });
  });

  it("keeps the carrier's own label PDF when the label is bought, and re-prints those bytes", async () => {
    const orderId = await addOfflineOrder(ctx, 'LC-PDF');
    await packAndLabel(ctx, 'LC-PDF', orderId);
    const label = await store.db
      .selectFrom('parcel_labels')
      .selectAll()
      .where('order_id', '=', orderId)
      .where('status', '=', 'active')
      .executeTakeFirstOrThrow();
    const kept = await store.db
      .selectFrom('label_documents')
      .selectAll()
      .where('label_id', '=', label.id)
      .executeTakeFirstOrThrow();
    // The PDF the carrier serves at the link its Label/Print answer gave (the sample carrier draws it per request).
    const bytes = Buffer.from(kept.bytes);
    expect(bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(kept).toMatchObject({
      parcel_id: label.parcel_id,
      content_type: 'application/pdf',
      sha256: createHash('sha256').update(bytes).digest('hex'),
    });
    // Re-printed from what was kept, without asking the carrier (no carrier account resolves).
    const reprint = await carrierLabelPdf(ctx, label.parcel_id, async () => undefined);
    expect(reprint).toMatchObject({ stored: true, trackingNumber: label.tracking_number });
    expect(reprint.pdf.equals(bytes)).toBe(true);
    // Not kept (bought before, or the carrier failed then): fetched from the carrier on re-print, and kept.
    await store.db.deleteFrom('label_documents').execute();
    expect((await carrierLabelPdf(ctx, label.parcel_id)).stored).toBe(false);
    expect(await store.db.selectFrom('label_documents').select('label_id').execute()).toEqual([{ label_id: label.id }]);
    await expect(carrierLabelPdf(ctx, 999_999)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('refuses an illegal move with its rule and changes nothing', async () => {
    const orderId = await addOfflineOrder(ctx, 'LC-ILLEGAL');
    await packAndLabel(ctx, 'LC-ILLEGAL', orderId);
    await handOverOrder(ctx, orderId, 'packer');
    const before = await getOrderDetail(ctx, orderId);
    // A shipped order cannot be cancelled: the order machine's rule, in both languages.
    const refusal = await applyOrderAction(ctx, orderId, {
      action: 'cancel',
      reason: 'buyer asked',
      actor: 'seller',
    }).catch((e: unknown) => e);
    expect(refusal).toMatchObject({ rule: 'order.cancel.from' });
    expect((refusal as { localizedMessage: { 'zh-CN': string } }).localizedMessage['zh-CN']).toMatch(/订单/);
    const after = await getOrderDetail(ctx, orderId);
    expect(after.order).toEqual(before.order);
    expect(after.timeline).toHaveLength(before.timeline.length);
  });
});
