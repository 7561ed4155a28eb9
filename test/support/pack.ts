/**
 * Pack-and-ship fixtures shared by the hand-over tests: an order ready to ship, and one scan-packed, weighed and
 * labelled (from whatever carrier account the test set up); for the dashboard's, a shop set up to pack and buy
 * labels from the sample carrier.
 */
import { setCarrierAccount } from '../../src/app/carrier-contracts';
import type { AppContext } from '../../src/app/context';
import { labelParcels } from '../../src/app/labels';
import { upsertOrders } from '../../src/app/orders';
import { recordWeight, scanItem, startPackSession } from '../../src/app/pack-sessions';
import { defineBox, setSender, setSkuDimensions } from '../../src/app/packing-catalog';
import { startSampleCarrierServer, type SampleCarrierServer } from '../../src/integrations/carriers/sample-server';

const HOUR = 3_600_000;

/** An accepted AliExpress order to Madrid of one item, paid 3 h before `now`, due `shipInHours` after it. */
export async function addAwaitingOrder(
  ctx: AppContext,
  shop: string,
  id: string,
  options: { now: number; shipInHours: number; sku: string; logisticsService?: string },
): Promise<number> {
  const paidAt = options.now - 3 * HOUR;
  const result = await upsertOrders(
    ctx,
    shop,
    [
      {
        row: 1,
        order: {
          platformOrderId: id,
          platform: 'aliexpress',
          status: 'awaiting_shipment',
          platformStatus: 'WAIT_SELLER_SEND_GOODS',
          paidAt,
          riskPassedAt: paidAt + HOUR,
          platformShipByAt: options.now + options.shipInHours * HOUR,
          buyer: {
            name: `Buyer ${id}`,
            country: 'ES',
            addressLine1: 'Calle Mayor 12',
            city: 'Madrid',
            postcode: '28013',
            phone: '+34 600 111 222',
          },
          currency: 'USD',
          handlingDays: 3,
          logisticsService: options.logisticsService ?? 'CPAM',
          lines: [{ sku: options.sku, quantity: 1, unitPrice: 1999 }],
        },
      },
    ],
    'test',
  );
  return result.ids.get(id)!;
}

/** Scan-packs every planned parcel at its expected weight: the label is next. */
export async function packAndWeighAll(ctx: AppContext, platformOrderId: string): Promise<void> {
  const { session } = await startPackSession(ctx, { barcode: platformOrderId, station: 'station-1' }, 'packer');
  for (const parcel of session.parcels.filter((p) => p.status === 'created')) {
    for (const item of parcel.contents)
      for (let i = 0; i < item.quantity; i++) await scanItem(ctx, session.id, item.sku, 'packer');
    await recordWeight(ctx, session.id, { grams: parcel.expectedGrossG }, 'packer');
  }
}

/** Scan-packs every planned parcel at its expected weight, then buys its labels. */
export async function packAndLabel(ctx: AppContext, platformOrderId: string, orderId: number): Promise<void> {
  await packAndWeighAll(ctx, platformOrderId);
  await labelParcels(ctx, { orderId }, 'packer');
}

/**
 * What the pack station needs besides the item sizes: box M, the sender on the label (Demo Shop, Shenzhen), and the
 * sample carrier (a real local HTTP server, started here: the caller closes it) as the carrier account.
 */
export async function setUpSampleShipping(ctx: AppContext, shop: string): Promise<SampleCarrierServer> {
  await defineBox(ctx, shop, {
    code: 'M',
    innerMm: [250, 200, 120],
    maxWeightG: 5_000,
    tareG: 100,
    cost: 150,
    currency: 'CNY',
  });
  await setSender(ctx, shop, {
    name: 'Demo Shop',
    addressLine1: '1 Keji Road',
    city: 'Shenzhen',
    postcode: '518000',
    country: 'CN',
    phone: '+86 755 0000 0000',
  });
  const carrier = await startSampleCarrierServer({ apiKey: 'e2e-carrier-key' });
  try {
    await setCarrierAccount(ctx, {
      carrier: '*',
      protocol: 'yunexpress',
      baseUrl: carrier.url,
      accountId: carrier.customerCode,
      apiKey: 'e2e-carrier-key',
    });
  } catch (error) {
    await carrier.close();
    throw error;
  }
  return carrier;
}

/**
 * A shop that can pack one SKU and ship from Shenzhen to a carrier account of YunExpress's protocol at `carrierUrl`:
 * SKU-A's size and weight, box S, the sender, and the shop itself (it exists once it has an order: `FIRST-0`).
 */
export async function setUpYunExpressShop(
  ctx: AppContext,
  shop: string,
  account: { url: string; customerCode: string; apiKey: string },
  now: number,
): Promise<void> {
  await setSkuDimensions(ctx, [{ sku: 'SKU-A', dimsMm: [100, 80, 50], weightG: 200, barcode: '6901234567892' }]);
  await addAwaitingOrder(ctx, shop, 'FIRST-0', { now, shipInHours: 96, sku: 'SKU-A' });
  await defineBox(ctx, shop, {
    code: 'S',
    innerMm: [200, 150, 100],
    maxWeightG: 3_000,
    tareG: 80,
    cost: 120,
    currency: 'CNY',
  });
  await setSender(ctx, shop, {
    name: 'Shenzhen Example Co',
    addressLine1: '1 Keji Road',
    city: 'Shenzhen',
    postcode: '518000',
    country: 'CN',
    phone: '+86 755 0000 0000',
  });
  await setCarrierAccount(ctx, {
    carrier: '*',
    protocol: 'yunexpress',
    baseUrl: account.url,
    accountId: account.customerCode,
    apiKey: account.apiKey,
  });
}
