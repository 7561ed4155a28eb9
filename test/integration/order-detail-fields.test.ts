/**
 * What the sync reads from the order detail besides lines and times, on SQLite AND PostgreSQL, against the fake
 * gateway: the semi-managed business model (`extend_map.orderBusinessModel`) as the order's type, which the shop's
 * policy choice maps to its semi-managed policy (no documented field tells JIT from self-send: the shop chooses);
 * the promised delivery days (`freight_commit_day`); a masked address replaced by the full one the platform gives for
 * shipping (`findorderreceiptinfo`), or, when the platform refuses that call, kept as given with one note on the order.
 */
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createContext, type AppContext } from '../../src/app/context';
import { getOrderDetail, resolveOrder } from '../../src/app/orders';
import { syncShopOrders } from '../../src/app/order-sync';
import { MASKED_ADDRESS_NOTE } from '../../src/app/order-sync-batch';
import { setShopPolicy } from '../../src/app/policies';
import { API } from '../../src/integrations/aliexpress/protocol';
import type { Store } from '../../src/store/database';
import { backends } from '../support/backends';
import { useFakeAliExpress } from '../support/fake-aliexpress';
import { TEST_MASTER_KEY, connectFakeShop } from '../support/outbox-fixtures';

const HOUR = 3_600_000;
const fake = useFakeAliExpress({ seed: 7 });
afterEach(() => {
  fake.marketplace.reset();
  fake.resetStats();
});

describe.each(backends)('order detail fields on $name', (backend) => {
  let store: Store;
  let dispose: () => Promise<void>;
  let ctx: AppContext;
  beforeEach(async () => {
    ({ store, dispose } = await backend.open());
    ctx = createContext(store);
    await connectFakeShop(ctx, fake, 'shop');
  });
  afterEach(async () => {
    await dispose();
  });

  it('a semi-managed order takes the policy the shop chose for its type; the promised days kept; a masked address read in full', async () => {
    await setShopPolicy(ctx, 'shop', { by_order_type: { semi_choice_self: 'aliexpress_semi_self_send' } }, 'owner');
    const now = Date.now();
    const semi = fake.marketplace.addOrder(
      {
        order_id: '8190000000400010',
        business_model: 'SEMI_CHOICE_SELF',
        freight_commit_days: 45,
        paid_at: now - 5 * HOUR,
        risk_passed_at: now - 4 * HOUR,
        modified_at: now - 3 * HOUR,
        handling_days: 3,
      },
      now,
    );
    const plain = fake.marketplace.addOrder(
      {
        order_id: '8190000000400020',
        paid_at: now - 5 * HOUR,
        risk_passed_at: now - 4 * HOUR,
        modified_at: now - 3 * HOUR,
        address: {
          contact_person: 'Ana López',
          line1: 'Calle Mayor 12',
          city: 'Madrid',
          postcode: '28013',
          country: 'ES',
          phone_country: '+34',
          mobile: '600111222',
        },
      },
      now,
    );
    fake.marketplace.invalidate();

    const report = await syncShopOrders(ctx, 'shop', { masterKey: TEST_MASTER_KEY, overlapMs: 10 * 60_000 });
    expect(report).toMatchObject({ status: 'ok', created: 2, skipped: [] });

    const semiRow = await resolveOrder(ctx, semi.orderId, 'shop');
    expect(semiRow).toMatchObject({ order_type: 'semi_choice_self', policy_id: 'aliexpress_semi_self_send' });
    // The detail's address came masked: the platform's call for the shipping address gave it in full.
    expect(semiRow).toMatchObject({
      address_line1: 'Calle Ejemplo 12, 3º B',
      buyer_name: 'María Ejemplo',
      phone: '+34 600123401',
    });
    expect(report.addresses).toEqual({ unmasked: 1, keptMasked: 0 });
    expect(fake.stats().byMethod[API.receiptInfo]).toBe(1); // the plain order's address was not masked
    const receipt = await store.db
      .selectFrom('order_receipts')
      .select('freight_commit_days')
      .where('order_id', '=', semiRow.id)
      .executeTakeFirst();
    expect(receipt?.freight_commit_days).toBe(45);
    const plainRow = await resolveOrder(ctx, plain.orderId, 'shop');
    expect(plainRow.order_type).toBeNull();
    expect(plainRow.policy_id).not.toBe('aliexpress_semi_self_send');
    expect(plainRow.address_line1).toBe('Calle Mayor 12');
    for (const row of [semiRow, plainRow])
      expect((await getOrderDetail(ctx, row.id)).timeline.filter((e) => e.kind === 'address_masked')).toEqual([]);
  });

  it('a masked address the platform will not give in full is kept as given, noted once', async () => {
    const now = Date.now();
    const order = fake.marketplace.addOrder(
      {
        order_id: '8190000000400030',
        paid_at: now - 5 * HOUR,
        risk_passed_at: now - 4 * HOUR,
        modified_at: now - 3 * HOUR,
      },
      now,
    );
    fake.marketplace.invalidate();
    // The platform refuses the shipping-address call (a business refusal, e.g. an app without the permission).
    const refusal = JSON.parse(
      readFileSync(
        new URL('../fixtures/aliexpress/gateway-errors/sync-isv-business-refusal.json', import.meta.url),
        'utf8',
      ),
    ) as Record<string, unknown>;
    fake.setFaults({ gatewayError: { probability: 1, methods: [API.receiptInfo], bodies: [refusal] } });
    try {
      const report = await syncShopOrders(ctx, 'shop', { masterKey: TEST_MASTER_KEY, overlapMs: 10 * 60_000 });
      expect(report).toMatchObject({
        status: 'ok',
        created: 1,
        skipped: [],
        addresses: { unmasked: 0, keptMasked: 1 },
      });
      const row = await resolveOrder(ctx, order.orderId, 'shop');
      expect(row.address_line1).toContain('****');

      // A second sync of the changed order adds no second note.
      fake.marketplace.setStatus(order.orderId, 'WAIT_SELLER_SEND_GOODS', Date.now());
      await syncShopOrders(ctx, 'shop', { masterKey: TEST_MASTER_KEY, overlapMs: 10 * 60_000 });
      const notes = (await getOrderDetail(ctx, row.id)).timeline.filter((e) => e.kind === 'address_masked');
      expect(notes).toHaveLength(1);
      expect(JSON.parse(notes[0]!.data!)).toEqual({ message: MASKED_ADDRESS_NOTE });
    } finally {
      fake.clearFaults();
    }
  });
});
